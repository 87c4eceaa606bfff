// A fresh, migrated database for a benchmark: PGlite in memory, or a new database on the
// PostgreSQL server of TRUCE_BENCH_DATABASE_URL, dropped again by done().
import type { Db } from '../src/db/db.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';

export async function freshDb(engine: string, name: string, poolSize: number): Promise<{ db: Db; done: () => Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openPglite({});
    await migrate(db);
    return { db, done: () => db.close() };
  }
  const url = process.env.TRUCE_BENCH_DATABASE_URL!;
  const admin = await openPostgres(url, 1);
  const dbName = `${name}_${process.pid}`;
  await admin.exec(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.exec(`CREATE DATABASE ${dbName}`);
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const db = await openPostgres(u.toString(), poolSize);
  await migrate(db);
  return {
    db,
    done: async () => {
      await db.close();
      await admin.exec(`DROP DATABASE ${dbName}`);
      await admin.close();
    },
  };
}
