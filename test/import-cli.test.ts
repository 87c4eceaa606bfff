// `truce import` as a process (two spawns: they are slow): a file imported with its summary, and
// a file that cannot be read at all exits 1 with one sentence.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import type { Db } from '../src/db/db.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import { engine, newPostgresDatabase, pgliteTemplateBlob } from './support/db.ts';

const bin = path.resolve(import.meta.dirname, '../bin/truce.js');
const fixture = path.resolve(import.meta.dirname, '../src/imports/fixtures/acled-current.csv');
const LEDGER_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
let dbEnv: Record<string, string>;
let cleanup: () => Promise<void>;

/** The database the command opens, seeded here in-process (the demo's parties and terms, the first admin). */
beforeAll(async () => {
  let db: Db;
  if (engine === 'postgres') {
    const pg = await newPostgresDatabase();
    dbEnv = { DATABASE_URL: pg.url };
    cleanup = pg.drop;
    db = await openPostgres(pg.url);
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-import-cli-'));
    dbEnv = { TRUCE_DATA_DIR: dataDir };
    cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
    db = await openPglite({ dataDir, loadDataDir: pgliteTemplateBlob() });
  }
  try {
    await ensureFirstAdmin(db, 'truce_import-cli-admin-token-0123456789');
    await seedDemo(db);
  } finally {
    await db.close();
  }
}, 180_000);
afterAll(() => cleanup?.());

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRUCE_') && k !== 'DATABASE_URL'));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env: { ...base, TRUCE_LOG_LEVEL: 'warn', TRUCE_LEDGER_KEY: LEDGER_KEY, ...dbEnv } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end();
  });
}

describe('truce import', () => {
  it('imports an ACLED file as the first admin and prints the summary (no progress bar off a terminal)', async () => {
    const r = await run(['import', 'acled', fixture]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${fixture}: ACLED current layout (31 columns)`);
    expect(r.stdout).toMatch(/read {7}11\n {2}imported {3}5 \(grouped into \d+ incidents\)\n {2}duplicate {2}1 .*\n {2}rejected {3}5\n/);
    expect(r.stdout).toContain('  line 6: event_date "2016-02-30" is not a date (2016-02-27 or 27 February 2016)\n  line 7:');
    expect(r.stdout).toMatch(/Unmatched actors .*\n +2 {2}Military Forces of Syria \(2000-\)\n +1 {2}Jaysh al Islam\n/);
  }, 180_000);

  it('exits 1 with one sentence when the file cannot be read', async () => {
    const r = await run(['import', 'ucdp', path.join(os.tmpdir(), 'no-such-file.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`truce: cannot read ${path.join(os.tmpdir(), 'no-such-file.csv')}: ENOENT\n`);
  }, 180_000);
});
