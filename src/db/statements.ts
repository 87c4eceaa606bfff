// The few statements that read no capability's table: locks, a snapshot transaction, a ping and
// planner statistics. They belong to the database layer, so capabilities, drivers (the demo, the
// CLI) and jobs hold no SQL of their own for them (ARCHITECTURE.md: SQL only in stores and here).
import type { Db, Queryable } from './db.ts';

/** A transaction-scoped advisory lock on a fixed key (held until commit or rollback). */
export async function advisoryXactLock(q: Queryable, key: number): Promise<void> {
  if (!Number.isSafeInteger(key)) throw new Error(`advisory lock key must be an integer, not ${key}`);
  await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);
}

/**
 * Runs fn in one REPEATABLE READ transaction: every statement sees the same snapshot (rows and the
 * ledger's size agree even while other instances write). `readOnly` refuses writes in it too.
 */
export async function snapshotTx<T>(db: Db, fn: (q: Queryable) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
  return db.tx(async (q) => {
    await q.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ${opts.readOnly ? ', READ ONLY' : ''}`);
    return fn(q);
  });
}

/** Answers when the database does (the health check). */
export async function ping(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}

/**
 * What autovacuum does, for PGlite, which has no daemon for it: the planner's statistics, dead rows
 * reclaimed, and the visibility map that lets the counts by window be index-only scans (migration 020).
 */
export async function vacuumAnalyze(q: Queryable): Promise<void> {
  await q.exec('VACUUM (ANALYZE)');
}
