import type { Config } from '../config.ts';
import { FatalError, type Db, type Queryable } from './db.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres, redactUrl } from './postgres.ts';

/** Opens the configured database, refuses one without PostGIS, and applies pending migrations. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolSize'>, opts: { migrate?: boolean } = {}): Promise<Db> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl, config.dbPoolSize) : await openPglite({ dataDir: config.dataDir });
  try {
    await requirePostgis(db, config.databaseUrl);
    if (opts.migrate !== false) await migrate(db);
    return db;
  } catch (e) {
    await db.close().catch(() => {});
    if (e instanceof FatalError) throw e;
    throw new FatalError(`Could not prepare the database: ${(e as Error).message}.`);
  }
}

export async function requirePostgis(db: Queryable, url: string | null = null): Promise<void> {
  const rows = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'`);
  if (!rows.length) {
    throw new FatalError(
      `The PostgreSQL server at ${url ? redactUrl(url) : 'the embedded database'} has no PostGIS extension; install it (Debian: postgresql-15-postgis-3) and start again.`,
    );
  }
}
