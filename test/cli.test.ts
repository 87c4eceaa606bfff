// The `truce` command and the server as processes: help, seeding, tokens, first start,
// refusals with one sentence, the data-folder lock, clean shutdown and durable writes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import type { Db } from '../src/db/db.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { DEMO_PARTIES } from '../src/demo/syria2016.ts';
import * as M from '../src/ledger/merkle.ts';
import { engine, newPostgresDatabase, pgliteTemplateBlob } from './support/db.ts';

const bin = path.resolve(import.meta.dirname, '../bin/truce.js');
let dbEnv: Record<string, string>;
let cleanup: () => Promise<void>;
let dataDir = '';

beforeAll(async () => {
  if (engine === 'postgres') {
    const pg = await newPostgresDatabase();
    dbEnv = { DATABASE_URL: pg.url };
    cleanup = pg.drop;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-cli-'));
    const db = await openPglite({ dataDir, loadDataDir: pgliteTemplateBlob() }); // a migrated folder, quickly
    await db.close();
    dbEnv = { TRUCE_DATA_DIR: dataDir };
    cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup?.());

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRUCE_') && k !== 'DATABASE_URL'));
  return { ...base, TRUCE_LOG_LEVEL: 'warn', PORT: '0', TRUCE_LEDGER_KEY: LEDGER_KEY, ...dbEnv, ...extra };
}

function run(args: string[], extra: Record<string, string> = {}, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env: env(extra) });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

interface Serving {
  url: string;
  proc: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

/**
 * Servers a test started: killed after each test, so one that ran out of time does not hold the
 * data folder against the next (one slow start once failed the eight tests after it).
 */
const started = new Set<ChildProcess>();
afterEach(async () => {
  const alive = [...started].filter((p) => p.exitCode === null && p.signalCode === null);
  started.clear();
  await Promise.all(alive.map((p) => new Promise((r) => (p.once('exit', r), p.kill('SIGKILL')))));
});

function serve(extra: Record<string, string> = {}): Promise<Serving> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'serve'], { env: env(extra) });
    started.add(proc);
    let out = '';
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], proc, out: () => out, exited });
    });
    proc.stderr!.on('data', (d) => (out += d));
    exited.then((code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const adminToken = 'truce_cli-test-admin-token-000000000000';
const LEDGER_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The same database the commands use, opened in-process (the server must not be running on PGlite). */
async function withEngineDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = engine === 'postgres' ? await openPostgres(dbEnv.DATABASE_URL, 1) : await openPglite({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
const auth = { authorization: `Bearer ${adminToken}` };

describe('help', () => {
  it.each([[[]], [['serve']], [['migrate']], [['seed']], [['token', 'create']], [['account', 'create']], [['verify']], [['heads', 'pull']]])('truce %s --help', async (args) => {
    const r = await run([...args, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: truce/);
  });
});

describe('first start, seeding and tokens', { timeout: 120_000 }, () => { // server processes start in 5–30 s on a loaded 2-core machine
  it('prints a generated admin token once on first start, and it works', async () => {
    const s = await serve();
    const token = /admin token is (truce_\S+)/.exec(s.out())?.[1];
    expect(token).toBeTruthy();
    const me = await fetch(`${s.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me.json()).account.role).toBe('admin');
    s.proc.kill('SIGTERM');
    expect(await s.exited, s.out()).toBe(0);
    const again = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    expect(again.out()).not.toContain('admin token is');
    again.proc.kill('SIGTERM');
    expect(await again.exited, again.out()).toBe(0);
  });

  // two child processes each open the database and load the whole demo (map, sites, desk): not a timing check
  it('seeds the demo once; seeding again changes nothing', { timeout: 180_000 }, async () => {
    const first = await run(['seed', 'demo']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Loaded the Syria 2016 demo scenario/);
    const second = await run(['seed', 'demo']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already loaded; nothing changed/);
    const bad = await run(['seed', 'yemen']);
    expect(bad.code).not.toBe(0);
  });

  it('creates a token from the command line that the server accepts with its role and party', async () => {
    const party = DEMO_PARTIES.find((p) => p.key === 'sdf')!.id;
    const r = await run(['token', 'create', '--role', 'liaison', '--party', party, '--name', 'SDF liaison']);
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^truce_/);
    const s = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    try {
      const me = await (await fetch(`${s.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } })).json();
      expect(me.account).toMatchObject({ role: 'liaison', partyId: party });
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
  });

  it('creates an account whose password comes from standard input', async () => {
    const r = await run(['account', 'create', '--username', 'secretary', '--name', 'Task force secretary', '--role', 'secretariat'], {}, 'a long enough password\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created account/);
  });

  it.each([
    [['token', 'create', '--role', 'liaison', '--name', 'x'], /^truce: The role liaison is bound to a party: give partyId\. \(partyId\)\n$/],
    [['token', 'create', '--role', 'general', '--name', 'x'], /Allowed choices are admin, cochair/],
    [['account', 'create', '--username', 'shorty', '--name', 'S', '--role', 'monitor'], /^truce: the password .* at least 12 characters\n$/],
    [['token', 'create', '--role', 'liaison', '--name', 'x', '--party', 'not-a-uuid'], /^truce: --party must be a valid uuid\n$/],
    [['bogus'], /unknown command 'bogus'/],
  ])('refuses %j in one sentence', async (args, msg) => {
    const r = await run(args as string[], {}, 'short\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('refusals at start', { timeout: 120_000 }, () => { // server processes start in 5–30 s on a loaded 2-core machine
  it('exits non-zero with one sentence when the server is unreachable', async () => {
    const r = await run(['migrate'], { DATABASE_URL: 'postgres://truce@127.0.0.1:9/truce' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^truce: Cannot reach the PostgreSQL server at postgres:\/\/truce@127\.0\.0\.1:9\/truce: .*\n$/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'truce: PORT must be a non-negative integer, got "eighty"\n'],
    [{ TRUCE_ADMIN_TOKEN: 'short' }, 'truce: TRUCE_ADMIN_TOKEN must have at least 24 characters\n'],
    [{ DATABASE_URL: '', TRUCE_DATA_DIR: '/etc/passwd/db' }, 'truce: Cannot use /etc/passwd/db as the data folder: /etc/passwd is not a folder.\n'],
  ])('exits non-zero with one sentence on a bad setting %j', async (extra, msg) => {
    const r = await run(['serve'], extra);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(msg);
  });

  it.skipIf(engine !== 'pglite')('takes over a pid file left by a process that is not truce (a reused pid)', async () => {
    fs.writeFileSync(path.join(dataDir, 'truce.pid'), '1');
    const r = await run(['migrate']);
    expect(r.code, r.stderr).toBe(0);
  });

  it.skipIf(engine !== 'pglite')('refuses a data folder held by another process, and releases it on SIGTERM', async () => {
    const s = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    const r = await run(['migrate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^truce: The data folder ${dataDir} is in use by another process \\(pid ${s.proc.pid}\\);`));
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'truce.pid'))).toBe(false);
    expect((await run(['migrate'])).stdout).toMatch(/up to date/);
  });
});

describe('the tamper-evident record from the command line', { timeout: 120_000 }, () => { // server processes start in 5–30 s on a loaded 2-core machine
  it('verifies the database, exports a bundle that verifies offline, and names a row changed behind its back', async () => {
    const ok = await run(['verify']);
    expect(ok.code, ok.stderr).toBe(2); // nothing outside the server vouches for it yet
    expect(ok.stdout).toMatch(/consistent, not anchored — \d+ leaves check out, but no kept or cosigned head vouches for any of it/);
    const file = path.join(os.tmpdir(), `truce-bundle-${process.pid}.json`);
    const exp = await run(['export', 'ledger', '--out', file]);
    expect(exp.code, exp.stderr).toBe(0);
    const offline = await run(['verify', '--bundle', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', TRUCE_DATA_DIR: '/nonexistent' });
    expect(offline.code, offline.stderr).toBe(2);
    expect(offline.stdout).toMatch(/consistent, not anchored/);
    const kept = await run(['verify', '--against', file]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/intact and anchored — (\d+) leaves, .* vouched for by .*head of \1 leaves/);
    const keyId = /Log key id ([0-9a-f]{64})/.exec(kept.stdout)![1];
    expect((await run(['verify', '--key-id', keyId, '--against', file])).code).toBe(0);
    const other = await run(['verify', '--key-id', 'ab'.repeat(32)]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^log_key_unexpected: /m);
    const keyless = await run(['verify'], { TRUCE_LEDGER_KEY: '', TRUCE_DATA_DIR: engine === 'pglite' ? dataDir : fs.mkdtempSync(path.join(os.tmpdir(), 'truce-nokey-')) });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/^truce: no log key to check against/);
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    bundle.leaves.pop();
    fs.writeFileSync(file, JSON.stringify(bundle));
    const cut = await run(['verify', '--bundle', file]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/^head_beyond_log: /m);
    fs.rmSync(file);

    const isil = DEMO_PARTIES.find((p) => p.key === 'isil')!.id;
    const [listing] = await withEngineDb((db) => db.query('UPDATE designations SET designated = false WHERE party_id = $1 RETURNING id', [isil]));
    const bad = await run(['verify']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^row_changed: designation ${listing.id} differs from the state recorded by leaf \\d+`, 'm'));
    await withEngineDb((db) => db.query('UPDATE designations SET designated = true WHERE party_id = $1', [isil]));
    expect((await run(['verify'])).code).toBe(2);
  }, 600_000);

  it('finding 4: a log cut off at the end, without any key, is not called intact; a kept or cosigned head names the cut', async () => {
    const usa = DEMO_PARTIES.find((p) => p.key === 'usa')!.id;
    const cochair = (await run(['token', 'create', '--role', 'cochair', '--party', usa, '--name', 'US co-chair'])).stdout.trim();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-heads-'));
    const [plain, cosigned] = [path.join(dir, 'monitor'), path.join(dir, 'cochair')];
    const cochairKey = generateKeyPairSync('ed25519');
    const keyFile = path.join(dir, 'cochair-key.pem');
    fs.writeFileSync(keyFile, cochairKey.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const s = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    try {
      const reg = await fetch(`${s.url}/api/v1/ledger/signing-key`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${cochair}`, 'content-type': 'application/json' },
        body: JSON.stringify({ publicKey: cochairKey.publicKey.export({ type: 'spki', format: 'pem' }) }),
      });
      expect(reg.status).toBe(200);
      const first = await run(['heads', 'pull', '--url', s.url, '--token', adminToken, '--out', plain]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Kept the head of \d+ leaves .* the first head kept here\.\n$/);
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${s.url}/api/v1/parties`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Cut Brigade ${i}`, kind: 'non_state_armed_group' }) });
        expect(res.status).toBe(201);
      }
      const again = await run(['heads', 'pull', '--url', s.url, '--token', adminToken, '--out', plain]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/consistent with the last kept head of \d+ leaves\.\n$/);
      const co = await run(['heads', 'pull', '--url', s.url, '--token', cochair, '--out', cosigned, '--cosign-key', keyFile]);
      expect(co.code, co.stderr).toBe(0);
      expect(co.stdout).toMatch(/, cosigned\.\n$/);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
    const anchored = await run(['verify']);
    expect(anchored.code, anchored.stderr).toBe(0); // the co-chair's cosignature vouches for the current size
    expect(anchored.stdout).toMatch(/intact and anchored — \d+ leaves, .* by co-chair US co-chair \(cosigned\)/);

    // the attack: the last 10 leaves go, with their rows, heads (and cosignatures), nodes and the log row; no key needed
    const cut = await withEngineDb((db) =>
      db.tx(async (q) => {
        const [{ size }] = await q.query('SELECT size FROM ledger_state');
        const keep = Number(size) - 10;
        const gone = await q.query('SELECT entity_type, entity_id FROM ledger_leaves WHERE seq >= $1', [keep]);
        expect(gone.map((l) => l.entity_type)).toEqual(Array(10).fill('party'));
        await q.query('DELETE FROM parties WHERE id::text = ANY($1::text[])', [gone.map((l) => l.entity_id)]);
        await q.query('DELETE FROM ledger_leaves WHERE seq >= $1', [keep]);
        await q.query('DELETE FROM ledger_cosignatures WHERE size > $1', [keep]);
        await q.query('DELETE FROM ledger_heads WHERE size > $1', [keep]);
        await q.query('DELETE FROM ledger_nodes WHERE (idx + 1) * (1::bigint << level) > $1', [keep]);
        const hashes = (await q.query('SELECT leaf FROM ledger_leaves ORDER BY seq')).map((r) => M.leafHash(Buffer.from(r.leaf)));
        const { frontier } = M.append(0, [], hashes);
        await q.query('UPDATE ledger_state SET size = $1, frontier = $2::jsonb', [keep, JSON.stringify(frontier.map((h) => (h ? h.toString('hex') : null)))]);
        return keep;
      }),
    );
    const bare = await run(['verify']);
    expect(bare.code, bare.stdout + bare.stderr).toBe(2);
    expect(bare.stdout).toMatch(new RegExp(`consistent, not anchored — ${cut} leaves check out`));
    for (const kept of [plain, cosigned]) {
      const r = await run(['verify', '--against', kept]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^history_truncated: .*head-\\d+\\.json \\(head of ${cut + 10} leaves${kept === cosigned ? ', cosigned by key [0-9a-f]{16}…' : ''}\\) recorded ${cut + 10} leaves but the log now has only ${cut}\\.$`, 'm'));
    }
    const s2 = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    try {
      const refused = await run(['heads', 'pull', '--url', s2.url, '--token', adminToken, '--out', plain]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^truce: The log at .* is not consistent with the head of ${cut + 10} leaves kept in .*: it now has only ${cut} leaves, so leaves were cut off\\. Not kept\\.\\n$`));
    } finally {
      s2.proc.kill('SIGTERM');
      await s2.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});

describe('durability', { timeout: 120_000 }, () => { // server processes start in 5–30 s on a loaded 2-core machine
  it('keeps an acknowledged write when the server is killed outright', async () => {
    const s = await serve({ TRUCE_ADMIN_TOKEN: adminToken });
    const res = await fetch(`${s.url}/api/v1/parties`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Durable Brigade', kind: 'non_state_armed_group' }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    s.proc.kill('SIGKILL');
    await s.exited;
    const again = await serve({ TRUCE_ADMIN_TOKEN: adminToken }); // takes over the stale lock
    try {
      const got = await fetch(`${again.url}/api/v1/parties/${id}`, { headers: auth });
      expect(got.status).toBe(200);
      expect((await got.json()).name).toBe('Durable Brigade');
    } finally {
      again.proc.kill('SIGTERM');
      await again.exited;
    }
  });
});
