// What capabilities may read of the ledger's own tables: through here, never ledger/store.ts.
// Writes go through write() in ledger.ts; proofs and heads through ledger.ts as well.
export { entitiesBetween, logSize, recordedBefore } from './store.ts';
import type { Queryable } from '../db/db.ts';
import * as store from './store.ts';
import { rangeHashes } from './ledger.ts';

/** A committed leaf as events see it: what happened to which entity, and when. */
export interface LedgerEntry {
  seq: number;
  at: Date;
  action: string;
  entityType: string;
  entityId: string;
}

/** Leaves with seq > after, in order, at most `limit`. */
export const entriesAfter = (q: Queryable, after: number, limit: number): Promise<LedgerEntry[]> => store.entriesAfter(q, after, limit);

/** The number of leaves in the log. */
export const ledgerSize = async (q: Queryable): Promise<number> => (await store.logState(q)).size;
export { inclusionProof } from './ledger.ts';
export { firstLeavesOf, logState, typesWrittenSince, type LeafRow } from './store.ts';

/** The root hash of the log's first `size` leaves (a snapshot made at that size names it). */
export const rootAt = async (q: Queryable, size: number): Promise<Uint8Array> => (await rangeHashes(q, [[0, size]]))[0];
