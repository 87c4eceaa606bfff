// What other capabilities may read of parties: through here, never parties/store.ts.
export { findPartyByName, getParty, listDesignations, listParties, partyTimelines, type PartyRecord, type PartyTimeline } from './store.ts';
export { partiesAt, type PartyView } from './service.ts';
export { listCommitments, type CommitmentRecord, type DesignationRecord } from './store.ts';
export { statusAt, type Status } from './status.ts';
