// What other capabilities may read of parties: through here, never parties/store.ts.
export { findPartyByName, getParty, listDesignations, listParties, type PartyRecord } from './store.ts';
export { listCommitments, type CommitmentRecord, type DesignationRecord } from './store.ts';
export { statusAt, type Status } from './status.ts';
