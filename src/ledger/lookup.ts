// What other capabilities may read of the ledger beyond write(): through here, never ledger/store.ts.
export { inclusionProof } from './ledger.ts';
export { firstLeavesOf, logState, typesWrittenSince, type LeafRow } from './store.ts';
