import pg from 'pg';
import { FatalError, type Db, type Queryable } from './db.ts';
import { parseTimestamp, TIMESTAMP, TIMESTAMPTZ } from './types.ts';

pg.types.setTypeParser(20, (v) => Number(v)); // int8 as numbers, as on PGlite
pg.types.setTypeParser(TIMESTAMPTZ, parseTimestamp); // times as on PGlite (src/db/types.ts)
pg.types.setTypeParser(TIMESTAMP, parseTimestamp);

function wrap(c: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query(sql, params) {
      return (await c.query(sql, params as any[])).rows;
    },
    async exec(sql) {
      await c.query(sql);
    },
  };
}

/** Connection string without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {}); // an idle client's error is reported by the next query
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new FatalError(`Cannot reach the PostgreSQL server at ${redactUrl(url)}: ${(e as Error).message}.`);
  }
  return {
    engine: 'postgres',
    ...wrap(pool),
    async tx(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(wrap(c));
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
    async close() {
      await pool.end();
    },
    ...({ listen: listenWith(url) } as object),
  };
}

/** A LISTEN on its own connection, outside the pool (a pooled client would be handed to queries between notifications). */
export interface Listener {
  close(): Promise<void>;
}
export type Listen = (channel: string, onNotify: (payload: string) => void, onLost: (e: Error) => void) => Promise<Listener>;

function listenWith(url: string): Listen {
  return async (channel, onNotify, onLost) => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 10_000 });
    let done = false;
    const lost = (e: Error) => {
      if (done) return;
      done = true;
      c.end().catch(() => {});
      onLost(e);
    };
    c.on('notification', (m) => m.channel === channel && onNotify(m.payload ?? ''));
    c.on('error', lost);
    c.on('end', () => lost(new Error('the LISTEN connection ended')));
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    } catch (e) {
      done = true;
      await c.end().catch(() => {});
      throw e;
    }
    return {
      async close() {
        done = true;
        await c.end().catch(() => {});
      },
    };
  };
}

/** The dedicated-connection LISTEN of a PostgreSQL database; undefined for PGlite (one process: nobody else to hear from). */
export function listenerOf(db: Db): Listen | undefined {
  return (db as { listen?: Listen }).listen;
}
