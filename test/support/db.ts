// A fresh, migrated database for one test file, on the engine of the running project.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { adminUrl } from './templates.ts';

export type Engine = 'pglite' | 'postgres';
export const engine = (process.env.TRUCE_TEST_ENGINE ?? 'pglite') as Engine;

export interface TestDb {
  db: Db;
  /** For child processes: the environment that points the CLI at the same kind of database. */
  url: string | null;
  drop(): Promise<void>;
}

/** A new PostgreSQL database cloned from the migrated template (fast: a file copy). */
export async function newPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TRUCE_TEST_DATABASE_URL!;
  const name = `${inject('testDbPrefix')}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl(base) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
  } finally {
    await admin.end();
  }
  return {
    url: adminUrl(base, name),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl(base) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export function pgliteTemplateBlob(): Blob {
  return new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
}

export async function openTestDb(): Promise<TestDb> {
  if (engine === 'postgres') {
    const { url, drop } = await newPostgresDatabase();
    const db = await openPostgres(url, 5);
    return {
      db,
      url,
      async drop() {
        await db.close();
        await drop();
      },
    };
  }
  const db = await openPglite({ loadDataDir: pgliteTemplateBlob() });
  return { db, url: null, drop: () => db.close() };
}
