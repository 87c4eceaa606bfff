import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/db/migrate.ts';
import { openPglite, pgliteOf } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'truce');

/** The migrations' fingerprint: a template is rebuilt only when they change. */
function fingerprint(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(m.sql);
  h.update(JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version);
  return h.digest('hex').slice(0, 16);
}

async function pgliteTemplate(fp: string): Promise<string> {
  const file = path.join(cacheDir, `pglite-template-${fp}.tar.gz`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  const db = await openPglite({});
  await migrate(db);
  const blob = await pgliteOf(db)!.dumpDataDir('gzip');
  await db.close();
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  fs.renameSync(tmp, file);
  return file;
}

export function adminUrl(url: string, database = 'postgres'): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function postgresTemplate(url: string, fp: string): Promise<string> {
  const name = `truce_tpl_${fp}`;
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) {
      await admin.query(`CREATE DATABASE ${name}`);
      const db = await openPostgres(adminUrl(url, name), 2);
      try {
        await migrate(db);
      } catch (e) {
        await db.close();
        await admin.query(`DROP DATABASE ${name}`);
        throw e;
      }
      await db.close();
    }
  } finally {
    await admin.end();
  }
  return name;
}

export async function buildTemplates() {
  const fp = fingerprint();
  const url = process.env.TRUCE_TEST_DATABASE_URL || null;
  const [pgl, pgs] = await Promise.all([pgliteTemplate(fp), url ? postgresTemplate(url, fp) : Promise.resolve(null)]);
  // this run's test databases are named truce_run_<run>_...: runs sharing a server (several
  // worktrees at once) never drop each other's databases at teardown (a crashed run's stay)
  const prefix = `truce_run_${randomBytes(4).toString('hex')}_`;
  return {
    pgliteTemplate: pgl,
    postgresTemplate: pgs,
    testDbPrefix: prefix,
    teardown: async () => {
      if (!url) return;
      // drop the databases this run's test files left behind (a crashed worker cannot drop its own)
      const admin = new pg.Client({ connectionString: adminUrl(url) });
      await admin.connect();
      const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix.replaceAll('_', '\\_')}%`]);
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}
