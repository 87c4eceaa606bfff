// A fresh, migrated database for a benchmark: PGlite in memory, or a new database on the
// PostgreSQL server of TRUCE_BENCH_DATABASE_URL, dropped again by done().
import fs from 'node:fs';
import type { Db } from '../src/db/db.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';

// `dataDir`: PGlite on disk there instead (for a server the benchmark runs in another process), and
// removed by done(); `url`: the PostgreSQL database's, for the same.
export async function freshDb(engine: string, name: string, poolSize: number, dataDir?: string): Promise<{ db: Db; done: () => Promise<void>; url?: string }> {
  if (engine === 'pglite') {
    const db = await openPglite(dataDir ? { dataDir } : {});
    await migrate(db);
    // closing twice is harmless: the benchmark closes it before a server process opens the directory
    return {
      db,
      done: async () => {
        await db.close();
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
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
    url: u.toString(),
    done: async () => {
      await db.close();
      await admin.exec(`DROP DATABASE ${dbName}`);
      await admin.close();
    },
  };
}
