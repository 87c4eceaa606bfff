// The `truce` command: serve, migrate, seed, token and account management.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { FatalError } from './db/db.ts';
import { openDb } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import { ROLES, type Role } from './auth/roles.ts';
import { createAccount, createServiceToken } from './auth/service.ts';
import fs from 'node:fs';
import { keyIdOf, loadLedgerKey, readLedgerPublicKey } from './ledger/keys.ts';
import { createPublicKey } from 'node:crypto';
import { currentHead, SYSTEM, useLedgerKey, write } from './ledger/ledger.ts';
import { exportBundle, verifyBundle, verifyDatabase, type Finding } from './ledger/verify.ts';
import { seedDemo } from './demo/syria2016.ts';
import { seedDemoMap } from './demo/syria2016-map.ts';
import { ApiError } from './http/errors.ts';
import { fieldErrors, makeValidatorCompiler } from './http/validation.ts';
import { AccountCreate, TokenCreate } from './auth/schemas.ts';
import path from 'node:path';
import { start } from './server.ts';

const program = new Command('truce')
  .description('The software a ceasefire mechanism runs on.\nSettings come from the environment (see README): HOST, PORT, TRUCE_DATA_DIR, DATABASE_URL, ...')
  .showHelpAfterError();

/** Opens the configured database, runs fn, closes it: for the one-shot commands. */
async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>, opts: { sign?: boolean; migrate?: boolean } = { sign: true }): Promise<T> {
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
    const { created } = await withDb(async (db) => {
      const parties = await seedDemo(db);
      const map = await seedDemoMap(db, loadConfig());
      return { created: parties.created || map.created };
    });
    process.stdout.write(created ? 'Loaded the Syria 2016 demo scenario.\n' : 'The demo scenario is already loaded; nothing changed.\n');
  });

const compile = makeValidatorCompiler();
const OPTION_OF: Record<string, string> = { partyId: '--party', username: '--username', name: '--name', role: '--role', organisation: '--organisation', password: 'the password' };

/** The same schema the API applies, so the command line cannot store what the API would refuse. */
function validated<T>(schema: object, value: Record<string, unknown>): T {
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
    const body = validated<TokenCreate>(TokenCreate, { role: o.role, name: o.name, partyId: o.party, organisation: o.organisation });
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
    const body = validated<AccountCreate>(AccountCreate, { username: o.username, name: o.name, role: o.role, password, partyId: o.party, organisation: o.organisation });
    const a = await withDb((db) => write(db, SYSTEM, (w) => createAccount(w, body)));
    process.stdout.write(`Created account ${a.id} (${a.username}, ${a.role}).\n`);
  });

/** Prints the findings; the exit code says whether the record is intact. */
function report(what: string, size: number, findings: Finding[]): void {
  if (!findings.length) {
    process.stdout.write(`${what}: intact — ${size} leaves, every hash, head and signature checks out.\n`);
    return;
  }
  for (const f of findings) process.stderr.write(`${f.problem}: ${f.detail}\n`);
  process.stderr.write(`${what}: ${findings.length} problem${findings.length === 1 ? '' : 's'} found in ${size} leaves.\n`);
  process.exitCode = 1;
}

/** Heads kept from before (a bundle, or a head as GET /api/v1/ledger/head gave it): the log must still agree with them. */
function anchorsFrom(file: string): { size: number; rootHash: string; from: string }[] {
  let v: any;
  try {
    v = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const heads = v?.format === 'truce-ledger-bundle/1' ? v.heads : [v];
  if (!Array.isArray(heads) || heads.some((h: any) => !Number.isSafeInteger(h?.size) || typeof h?.rootHash !== 'string')) {
    throw new ConfigError(`${file} is neither a ledger bundle nor a signed head`);
  }
  return heads.map((h: any) => ({ size: h.size, rootHash: h.rootHash, from: `${file} (head of ${h.size} leaves)` }));
}

program
  .command('verify')
  .description('Check the tamper-evident record: every leaf, node, signed head and entity row (or an exported bundle, offline)')
  .option('--bundle <file>', 'verify an exported bundle with no database and no server')
  .option('--key-id <hex>', 'the log key id the task force publishes: anything signed with another key fails')
  .option('--public-key <file>', 'the log public key (SPKI PEM) to check against, instead of the server\'s key')
  .option('--against <file>', 'an earlier bundle or signed head someone kept: the log must still agree with it')
  .action(async (o: { bundle?: string; keyId?: string; publicKey?: string; against?: string }) => {
    const anchors = o.against ? anchorsFrom(o.against) : [];
    if (o.bundle) {
      let bundle;
      try {
        bundle = JSON.parse(fs.readFileSync(o.bundle, 'utf8'));
      } catch (e) {
        throw new ConfigError(`cannot read the bundle ${o.bundle}: ${(e as Error).message}`);
      }
      const r = await verifyBundle(bundle, { keyId: o.keyId, anchors });
      if (r.keyId) process.stdout.write(`Log key id ${r.keyId}${o.keyId ? '' : ' (compare it with the one the task force publishes, or pass --key-id)'}.\n`);
      return report(o.bundle, r.size, r.findings);
    }
    const config = loadConfig();
    const publicKey = o.publicKey ? fs.readFileSync(o.publicKey, 'utf8') : readLedgerPublicKey(config);
    if (!publicKey) throw new ConfigError('no log key to check against: set TRUCE_LEDGER_KEY, run where the data folder has ledger-key.pem, or give --public-key');
    const keyId = keyIdOf(createPublicKey(publicKey));
    process.stdout.write(`Log key id ${keyId}.\n`);
    const r = await withDb((db) => verifyDatabase(db, publicKey, anchors), { sign: false, migrate: false }); // verifying writes nothing
    const pinned = o.keyId && o.keyId !== keyId ? [{ problem: 'log_key_unexpected', detail: `The log key is ${keyId}, not the expected ${o.keyId}.` }] : [];
    report('The ledger', r.size, [...pinned, ...r.findings]);
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
    const key = loadLedgerKey(loadConfig());
    const bundle = await withDb(async (db) => {
      await currentHead(db, key); // the newest head covers every leaf exported
      return db.tx(async (q) => {
        await q.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY'); // one consistent snapshot
        return exportBundle(q, key.publicPem);
      });
    });
    fs.writeFileSync(o.out, JSON.stringify(bundle));
    process.stdout.write(`Wrote ${bundle.leaves.length} leaves and ${bundle.heads.length} signed heads to ${o.out}.\n`);
  });

program
  .command('bench')
  .description('Run a benchmark from bench/ and print its figures (e.g. "truce bench vetting")')
  .argument('<name>', 'benchmark name: ledger or vetting')
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
