// What capabilities may read of the ledger's own tables: through here, never ledger/store.ts.
// Writes go through write() in ledger.ts; proofs and heads through ledger.ts as well.
export { entitiesBetween, logSize, recordedBefore } from './store.ts';
