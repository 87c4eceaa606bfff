// What other capabilities may read of parties: through here, never parties/store.ts.
export { findPartyByName, getParty, listDesignations, listParties, type PartyRecord } from './store.ts';
