// The `truce` command: serve, migrate, seed, token and account management.
// Each command loads what it needs when it runs (dynamic imports): `truce --help` and the quick
// commands then start in a fraction of a second instead of compiling the whole server first.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { FatalError } from './db/db.ts';
import { ROLES, type Role } from './auth/roles.ts';
import { ApiError } from './http/errors.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Anchor, Verdict } from './ledger/verify.ts';
import type { Db } from './db/db.ts';

const program = new Command('truce')
  .description('The software a ceasefire mechanism runs on.\nSettings come from the environment (see README): HOST, PORT, TRUCE_DATA_DIR, DATABASE_URL, ...')
  .showHelpAfterError();

/** Opens the configured database, runs fn, closes it: for the one-shot commands. */
async function withDb<T>(fn: (db: Db) => Promise<T>, opts: { sign?: boolean; migrate?: boolean } = { sign: true }): Promise<T> {
  const [{ openDb }, { loadLedgerKey }, { useLedgerKey }] = await Promise.all([import('./db/open.ts'), import('./ledger/keys.ts'), import('./ledger/ledger.ts')]);
  const config = loadConfig();
  const key = opts.sign ? loadLedgerKey(config) : null; // writers sign the heads their writes lead to
  const db = await openDb(config, { migrate: opts.migrate });
  if (key) useLedgerKey(db, key);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

program
  .command('serve')
  .description('Run the HTTP API and the web app (applies migrations first)')
  .option('--demo', 'load the Syria 2016 demo scenario (as TRUCE_DEMO=1)')
  .action(async (o: { demo?: boolean }) => {
    const config = loadConfig(process.env, o.demo ? { demo: true } : {});
    // Handlers first: a signal during start-up (creating the database takes seconds) still closes it cleanly.
    const { start } = await import('./server.ts');
    let running: Awaited<ReturnType<typeof start>> | null = null;
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      if (!running) return; // start-up finishes first, then stops below
      try {
        await running?.stop();
        process.exit(0);
      } catch (e) {
        process.stderr.write(`truce: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      }
    };
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void stop());
    running = await start(config);
    if (stopping) {
      stopping = false;
      return stop();
    }
    process.stdout.write(`truce is serving on ${running.url} (database: ${running.db.engine})\n`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const { migrate } = await import('./db/migrate.ts');
    const names = await withDb((db) => migrate(db)); // openDb has applied them; report what is there
    process.stdout.write(names.length ? `Applied ${names.join(', ')}\n` : 'The database is up to date.\n');
  });

program
  .command('seed')
  .description('Load a scenario; "demo" is the Syria 2016 cessation of hostilities (loading it twice changes nothing)')
  .argument('<scenario>', 'scenario name', (v) => {
    if (v !== 'demo') throw new ConfigError(`unknown scenario "${v}" (known: demo)`);
    return v;
  })
  .action(async () => {
    const [{ seedDemo }, { seedDemoMap }, { seedDemoReports }, { seedDemoAid }] = await Promise.all([
      import('./demo/syria2016.ts'),
      import('./demo/syria2016-map.ts'),
      import('./demo/syria2016-reports.ts'),
      import('./demo/syria2016-aid.ts'),
    ]);
    const { created } = await withDb(async (db) => {
      const parties = await seedDemo(db);
      const map = await seedDemoMap(db, loadConfig());
      const reports = await seedDemoReports(db, loadConfig()); // illustrative reports and claims of the first week
      const aid = await seedDemoAid(db, loadConfig()); // the UN's besieged areas of January 2016, illustrative convoys
      return { created: parties.created || map.created || reports.created || aid.created };
    });
    process.stdout.write(created ? 'Loaded the Syria 2016 demo scenario.\n' : 'The demo scenario is already loaded; nothing changed.\n');
  });

const OPTION_OF: Record<string, string> = { partyId: '--party', username: '--username', name: '--name', role: '--role', organisation: '--organisation', password: 'the password' };

/** The same schema the API applies, so the command line cannot store what the API would refuse. */
async function validated<T>(schema: object, value: Record<string, unknown>): Promise<T> {
  const { fieldErrors, makeValidatorCompiler } = await import('./http/validation.ts');
  const compile = makeValidatorCompiler();
  const clean = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  const check = compile({ schema, httpPart: 'body', method: 'POST', url: '' } as any) as ((v: unknown) => boolean) & { errors?: any[] };
  if (!check(clean)) {
    const [e] = fieldErrors(check.errors ?? [], 'body');
    throw new ConfigError(`${OPTION_OF[e.field] ?? e.field} ${e.reason}`);
  }
  return clean as T;
}

const roleOption = () => new Option('--role <role>', 'role').choices(ROLES as unknown as string[]).makeOptionMandatory();

program
  .command('token')
  .description('Manage API tokens')
  .command('create')
  .description('Create an API token for a new service account; prints the token once')
  .addOption(roleOption())
  .requiredOption('--name <name>', 'who or what will use the token')
  .option('--party <id>', 'party id (required for cochair and liaison)')
  .option('--organisation <name>', 'organisation (for agency tokens)')
  .action(async (o: { role: Role; name: string; party?: string; organisation?: string }) => {
    const [{ TokenCreate }, { createServiceToken }, { write, SYSTEM }] = await Promise.all([import('./auth/schemas.ts'), import('./auth/service.ts'), import('./ledger/ledger.ts')]);
    const body = await validated<import('./auth/schemas.ts').TokenCreate>(TokenCreate, { role: o.role, name: o.name, partyId: o.party, organisation: o.organisation });
    const out = await withDb((db) => write(db, SYSTEM, (w) => createServiceToken(w, body)));
    process.stdout.write(`${out.token}\n`);
    process.stderr.write(`Token ${out.info.id} for ${o.name} (${o.role}); it is shown only this once.\n`);
  });

program
  .command('account')
  .description('Manage accounts of people (web sign-in)')
  .command('create')
  .description('Create an account; the password is read from standard input (first line)')
  .requiredOption('--username <username>', 'user name to sign in with')
  .requiredOption('--name <name>', 'full name')
  .addOption(roleOption())
  .option('--party <id>', 'party id (required for cochair and liaison)')
  .option('--organisation <name>', 'organisation (for agency accounts)')
  .action(async (o: { username: string; name: string; role: Role; party?: string; organisation?: string }) => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0].normalize('NFC');
    if (password.length < 12) throw new ConfigError('the password (first line of standard input) must have at least 12 characters');
    const [{ AccountCreate }, { createAccount }, { write, SYSTEM }] = await Promise.all([import('./auth/schemas.ts'), import('./auth/service.ts'), import('./ledger/ledger.ts')]);
    const body = await validated<import('./auth/schemas.ts').AccountCreate>(AccountCreate, { username: o.username, name: o.name, role: o.role, password, partyId: o.party, organisation: o.organisation });
    const a = await withDb((db) => write(db, SYSTEM, (w) => createAccount(w, body)));
    process.stdout.write(`Created account ${a.id} (${a.username}, ${a.role}).\n`);
  });

/** What `truce verify` answers, and its exit code. */
export const VERIFY_EXIT = { intact: 0, problems: 1, notAnchored: 2 } as const;

/**
 * Prints the verdict. Intact (0) only when something outside the server vouches for the whole
 * log: a kept head or a co-chair's cosignature at its current size. Consistent but vouched for
 * only up to an older size, or not at all (2): whoever holds the database could have cut the
 * end off. Problems (1).
 */
function report(what: string, r: Verdict): void {
  const { size, findings, anchored } = r;
  if (findings.length) {
    for (const f of findings) process.stderr.write(`${f.problem}: ${f.detail}\n`);
    process.stderr.write(`${what}: ${findings.length} problem${findings.length === 1 ? '' : 's'} found in ${size} leaves.\n`);
    process.exitCode = VERIFY_EXIT.problems;
    return;
  }
  if (anchored && anchored.size === size) {
    process.stdout.write(`${what}: intact and anchored — ${size} leaves, every hash, head and signature checks out, and the head of ${size} leaves is vouched for by ${anchored.by.join(', ')}.\n`);
    return;
  }
  const upTo = anchored
    ? `anchored up to ${anchored.size} leaves by ${anchored.by.join(', ')}; leaves ${anchored.size} to ${size - 1} rest on the server's own signature`
    : 'no kept or cosigned head vouches for any of it';
  process.stdout.write(
    `${what}: consistent, not anchored — ${size} leaves check out, but ${upTo}, so leaves cut off the end would go unnoticed. Give --against a head kept outside (truce heads pull), or have a co-chair cosign the current head.\n`,
  );
  process.exitCode = VERIFY_EXIT.notAnchored;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** The heads a file keeps: a bundle's, or one head as GET /api/v1/ledger/head (or `truce heads pull`) gave it. */
function anchorsOfFile(file: string, BUNDLE_FORMATS: readonly unknown[]): Anchor[] {
  const v = readJson(file);
  const heads = BUNDLE_FORMATS.includes(v?.format) ? v.heads : [v];
  if (!Array.isArray(heads) || heads.some((h: any) => !Number.isSafeInteger(h?.size) || typeof h?.rootHash !== 'string')) {
    throw new ConfigError(`${file} is neither a ledger bundle nor a signed head`);
  }
  return heads.map((h: any) => {
    const kept = typeof h.keptBy === 'string' ? `, cosigned by ${h.keptBy}` : '';
    const signed = typeof h.signature === 'string' ? { timestamp: String(h.timestamp), keyId: String(h.keyId), signature: h.signature } : {};
    return { size: h.size, rootHash: h.rootHash, from: `${file} (head of ${h.size} leaves${kept})`, ...signed };
  });
}

/** Heads kept from before (a bundle, a head, or a folder of them): the log must still agree with each. */
async function anchorsFrom(where: string): Promise<Anchor[]> {
  const { BUNDLE_FORMATS } = await import('./ledger/verify.ts');
  if (fs.existsSync(where) && fs.statSync(where).isDirectory()) {
    return keptHeadFiles(where).flatMap((f) => anchorsOfFile(f, BUNDLE_FORMATS));
  }
  return anchorsOfFile(where, BUNDLE_FORMATS);
}

const HEAD_FILE = /^head-(\d+)\.json$/;
/** The kept heads in a folder (head-<size>.json), smallest first; other JSON files (bundles) too. */
function keptHeadFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => Number(HEAD_FILE.exec(a)?.[1] ?? -1) - Number(HEAD_FILE.exec(b)?.[1] ?? -1) || a.localeCompare(b))
    .map((f) => path.join(dir, f));
}

program
  .command('verify')
  .description(
    'Check the tamper-evident record: every leaf, node, signed head and entity row (or an exported bundle, offline).\n' +
      'Exit codes: 0 intact and anchored (a kept or cosigned head vouches for the current size), 1 problems found,\n' +
      '2 consistent but not anchored at the current size (a cut-off end would not show).',
  )
  .option('--bundle <file>', 'verify an exported bundle with no database and no server')
  .option('--key-id <hex>', 'the log key id the task force publishes: anything signed with another key fails')
  .option('--public-key <file>', 'the log public key (SPKI PEM) to check against, instead of the server\'s key')
  .option('--against <file|dir>', 'an earlier bundle or signed head someone kept, or a folder of them (truce heads pull --out): the log must still agree with each')
  .action(async (o: { bundle?: string; keyId?: string; publicKey?: string; against?: string }) => {
    const [{ verifyBundle, verifyDatabase }, { keyIdOf, readLedgerPublicKey }, { createPublicKey }] = await Promise.all([import('./ledger/verify.ts'), import('./ledger/keys.ts'), import('node:crypto')]);
    const anchors = o.against ? await anchorsFrom(o.against) : [];
    if (o.bundle) {
      const bundle = readJson(o.bundle);
      const r = await verifyBundle(bundle, { keyId: o.keyId, anchors });
      if (r.keyId) process.stdout.write(`Log key id ${r.keyId}${o.keyId ? '' : ' (compare it with the one the task force publishes, or pass --key-id)'}.\n`);
      return report(o.bundle, r);
    }
    const config = loadConfig();
    const publicKey = o.publicKey ? fs.readFileSync(o.publicKey, 'utf8') : readLedgerPublicKey(config);
    if (!publicKey) throw new ConfigError('no log key to check against: set TRUCE_LEDGER_KEY, run where the data folder has ledger-key.pem, or give --public-key');
    const keyId = keyIdOf(createPublicKey(publicKey));
    process.stdout.write(`Log key id ${keyId}.\n`);
    const r = await withDb((db) => verifyDatabase(db, publicKey, anchors), { sign: false, migrate: false }); // verifying writes nothing
    const pinned = o.keyId && o.keyId !== keyId ? [{ problem: 'log_key_unexpected', detail: `The log key is ${keyId}, not the expected ${o.keyId}.` }] : [];
    report('The ledger', { ...r, findings: [...pinned, ...r.findings] });
  });

/** One GET or POST to a truce server's API; a refusal is one sentence. */
async function callApi(base: string, token: string, route: string, body?: unknown): Promise<any> {
  const url = new URL(route, base.endsWith('/') ? base : `${base}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new FatalError(`Cannot reach ${url.origin}: ${(e as Error).cause ? String(((e as Error).cause as Error).message) : (e as Error).message}.`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 200);
    try {
      detail = JSON.parse(text).detail ?? detail;
    } catch {}
    throw new FatalError(`${url.pathname} answered ${res.status}: ${detail}`);
  }
  return JSON.parse(text);
}

program
  .command('heads')
  .description('Keep your own copy of the log\'s signed heads (a co-chair keeps every head it cosigns)')
  .command('pull')
  .description(
    'Fetch the current signed head, check its signature and that the log still contains the last head kept in --out\n' +
      '(a consistency proof from the server, checked here), and keep it as <out>/head-<size>.json. Refuses, with exit 1,\n' +
      'a head that does not extend what was kept.',
  )
  .requiredOption('--url <url>', 'the truce server, e.g. https://truce.example.org')
  .requiredOption('--token <token>', 'an API token (any role; a co-chair\'s to cosign)')
  .requiredOption('--out <dir>', 'the folder of kept heads')
  .option('--key-id <hex>', 'the log key id the task force publishes (otherwise the one of the heads already kept)')
  .option('--cosign-key <file>', 'your Ed25519 private key (PKCS#8 PEM): cosign the head and keep the cosignature with it')
  .action(async (o: { url: string; token: string; out: string; keyId?: string; cosignKey?: string }) => {
    const [{ headPayload, keyIdOf, signPayload, verifyPayload }, M, { createPrivateKey, createPublicKey }] = await Promise.all([import('./ledger/keys.ts'), import('./ledger/merkle.ts'), import('node:crypto')]);
    fs.mkdirSync(o.out, { recursive: true });
    const kept = keptHeadFiles(o.out).filter((f) => HEAD_FILE.test(path.basename(f))).map((f) => ({ file: f, head: readJson(f) }));
    const last = kept[kept.length - 1];
    const head = await callApi(o.url, o.token, 'api/v1/ledger/head');
    const keyId = keyIdOf(createPublicKey(head.publicKey));
    const pinned = o.keyId ?? last?.head.keyId;
    const refuse = (why: string): never => {
      throw new FatalError(why);
    };
    if (pinned && keyId !== pinned) refuse(`The server signs with key ${keyId}, not ${pinned} ${o.keyId ? 'as given' : `as the heads kept in ${o.out}`}: not kept.`);
    const signed = headPayload({ size: head.size, rootHash: head.rootHash, timestamp: head.timestamp, keyId: head.keyId });
    if (head.keyId !== keyId || !verifyPayload(head.publicKey, signed, head.signature)) refuse(`The head of ${head.size} leaves does not verify with the log key ${keyId}: not kept.`);
    if (last) {
      const was = last.head;
      const why = `The log at ${o.url} is not consistent with the head of ${was.size} leaves kept in ${last.file}`;
      if (head.size < was.size) refuse(`${why}: it now has only ${head.size} leaves, so leaves were cut off. Not kept.`);
      if (head.size === was.size && head.rootHash !== was.rootHash) refuse(`${why}: the same size has another root, so history was rewritten. Not kept.`);
      if (head.size > was.size) {
        const p = await callApi(o.url, o.token, `api/v1/ledger/proof/consistency?first=${was.size}&second=${head.size}`);
        const hashes = (p.proof as string[]).map((x) => Buffer.from(x, 'hex'));
        if (!M.verifyConsistency(was.size, head.size, Buffer.from(was.rootHash, 'hex'), Buffer.from(head.rootHash, 'hex'), hashes)) {
          refuse(`${why}: its consistency proof fails, so history was rewritten. Not kept.`);
        }
      }
    }
    const file = path.join(o.out, `head-${String(head.size).padStart(12, '0')}.json`);
    let out = head;
    if (o.cosignKey) {
      let key;
      try {
        key = createPrivateKey(fs.readFileSync(o.cosignKey, 'utf8'));
      } catch (e) {
        throw new ConfigError(`cannot read the private key ${o.cosignKey}: ${(e as Error).message}`);
      }
      const signature = signPayload(key, signed);
      const after = await callApi(o.url, o.token, 'api/v1/ledger/cosign', { size: head.size, signature });
      const me = createPublicKey(key);
      out = { ...after, keptBy: `key ${keyIdOf(me).slice(0, 16)}…`, keptCosignature: { keyId: keyIdOf(me), publicKey: me.export({ type: 'spki', format: 'pem' }).toString(), signature } };
    }
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    const since = last ? `; consistent with the last kept head of ${last.head.size} leaves` : '; the first head kept here';
    process.stdout.write(`Kept the head of ${head.size} leaves (root ${head.rootHash}) in ${file}${since}${o.cosignKey ? ', cosigned' : ''}.\n`);
  });

program
  .command('export')
  .description('Export data; "ledger" writes a bundle that `truce verify --bundle` checks offline')
  .argument('<what>', 'what to export', (v) => {
    if (v !== 'ledger') throw new ConfigError(`unknown export "${v}" (known: ledger)`);
    return v;
  })
  .requiredOption('--out <file>', 'file to write')
  .action(async (_what: string, o: { out: string }) => {
    const [{ loadLedgerKey }, { currentHead }, { snapshotTx }, { exportBundle }] = await Promise.all([import('./ledger/keys.ts'), import('./ledger/ledger.ts'), import('./db/statements.ts'), import('./ledger/verify.ts')]);
    const key = loadLedgerKey(loadConfig());
    const bundle = await withDb(async (db) => {
      await currentHead(db, key); // the newest head covers every leaf exported
      return snapshotTx(db, (q) => exportBundle(q, key.publicPem), { readOnly: true }); // one consistent snapshot
    });
    fs.writeFileSync(o.out, JSON.stringify(bundle));
    process.stdout.write(`Wrote ${bundle.leaves.length} leaves and ${bundle.heads.length} signed heads to ${o.out}.\n`);
  });

// ---- truce import (issue 11): ACLED and UCDP GED files as reports ----
program
  .command('import')
  .description(
    'Import an ACLED export or a UCDP GED CSV file as reports (channel import), enriched and grouped into incidents. ' +
      "Columns are found by name (ACLED's current and older layouts; UCDP GED's 49 and older 42 columns). Each row's event id " +
      'is kept (acled:<event_id_cnty>, ucdp:<id>), so a rerun imports nothing twice. Rows with a bad value are skipped and listed ' +
      "by line; actors no party's name or alias matches are listed with their row counts (no party is created). A progress bar " +
      'shows on a terminal, a summary at the end. Exit 1 when the file cannot be read at all (missing, not UTF-8 CSV, no header).',
  )
  .argument('<source>', 'acled or ucdp', (v) => {
    if (v !== 'acled' && v !== 'ucdp') throw new ConfigError(`unknown source "${v}" (known: acled, ucdp)`);
    return v;
  })
  .argument('<file>', 'the CSV file')
  .option('--as <username>', 'the account the reports are filed by: an admin, co-chair or secretariat account (default: the first admin, made on first start)')
  .option('--json', 'print the summary as JSON (as POST /api/v1/imports answers)')
  .action(async (source: 'acled' | 'ucdp', file: string, o: { as?: string; json?: boolean }) => {
    const [{ Presets, SingleBar }, { accountByUsername, firstAdminAccount }, { importCsv, MAX_COLUMNS, MAX_RECORD_BYTES }, { IMPORTERS }] = await Promise.all([
      import('cli-progress'),
      import('./auth/lookup.ts'),
      import('./imports/service.ts'),
      import('./imports/routes.ts'),
    ]);
    let size: number;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
      fs.accessSync(file, fs.constants.R_OK);
    } catch (e) {
      throw new ConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const config = loadConfig();
    const summary = await withDb(async (db) => {
      const account = o.as ? await accountByUsername(db, o.as) : await firstAdminAccount(db);
      if (!account) throw new ConfigError(o.as ? `no account with user name "${o.as}"` : 'there is no admin account yet: start the server once, or give --as');
      if (account.disabled) throw new ConfigError(`the account ${account.username ?? account.id} is disabled`);
      if (!IMPORTERS.includes(account.role)) throw new ConfigError(`--as must be an account of the task force (${IMPORTERS.join(', ')}); ${account.username ?? account.id} is ${account.role}`);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'Importing |{bar}| {percentage}% | {value}/{total} bytes | {rows} rows, {imported} imported | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(size, 0, { rows: 0, imported: 0 });
      let rows = { rows: 0, imported: 0 };
      try {
        return await importCsv(db, config, fs.createReadStream(file), {
          source,
          reporter: { accountId: account.id, role: account.role, partyId: account.partyId, organisation: account.organisation },
          actor: { accountId: account.id, role: account.role, partyId: account.partyId },
          limits: { maxBytes: null, maxColumns: MAX_COLUMNS, maxRecordBytes: MAX_RECORD_BYTES },
          checkFirst: false,
          onBytes: (n) => bar?.update(n, rows),
          onRows: (s) => {
            rows = { rows: s.read, imported: s.imported };
            bar?.update(rows);
          },
        });
      } finally {
        bar?.stop();
      }
    });
    if (o.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const n = (x: number) => x.toLocaleString('en-GB');
    const out = [
      `${file}: ${summary.layout}`,
      `  read       ${n(summary.read)}`,
      `  imported   ${n(summary.imported)} (grouped into ${n(summary.incidents)} incidents)`,
      `  duplicate  ${n(summary.duplicate)} (imported before: nothing filed twice)`,
      `  rejected   ${n(summary.rejected)}`,
    ];
    if (summary.rejectedRows.length) {
      out.push('Rejected rows:', ...summary.rejectedRows.map((r) => `  line ${r.line}: ${r.reason}`));
      if (summary.rejectedOmitted) out.push(`  … and ${n(summary.rejectedOmitted)} more`);
    }
    if (summary.unmatchedActors.length) {
      out.push('Unmatched actors (rows naming them; add the name as an alias of a party to match it):', ...summary.unmatchedActors.map((a) => `  ${n(a.rows).padStart(7)}  ${a.name}`));
      if (summary.unmatchedOmitted) out.push(`  … and ${n(summary.unmatchedOmitted)} more`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  });

program
  .command('bench')
  .description('Run a benchmark from bench/ and print its figures (e.g. "truce bench vetting")')
  .argument('<name>', 'benchmark name: ledger, vetting, borders, places, reports, imports, exports, ogc, incidents-scale or webhooks')
  .action(async (name: string) => {
    if (!/^[a-z-]+$/.test(name)) throw new ConfigError(`unknown benchmark "${name}"`);
    const file = path.resolve(import.meta.dirname, '..', 'bench', `${name}.ts`);
    if (!fs.existsSync(file)) throw new ConfigError(`unknown benchmark "${name}" (see the bench/ folder)`);
    await import(file);
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof FatalError || e instanceof ConfigError) process.stderr.write(`truce: ${e.message}\n`);
  else if (e instanceof ApiError) process.stderr.write(`truce: ${e.detail}${e.field ? ` (${e.field})` : ''}\n`);
  // anything else is a bug: one line for people, the stack with TRUCE_DEBUG=1
  else process.stderr.write(`truce: ${process.env.TRUCE_DEBUG ? ((e as Error)?.stack ?? e) : ((e as Error)?.message ?? e)}\n`);
  process.exit(1);
});
