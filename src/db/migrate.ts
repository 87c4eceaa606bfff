import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';

const dir = path.join(import.meta.dirname, 'migrations');
// Any constant: serialises migrations of several instances starting at once.
const LOCK_KEY = 7_240_216;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(from = dir): Migration[] {
  return fs
    .readdirSync(from)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: parseInt(f, 10), name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(from, f), 'utf8') }));
}

/** Applies each pending migration in its own transaction; returns the names applied. */
export async function migrate(db: Db, migrations: Migration[] = listMigrations()): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await q.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (seen.length) return false;
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
