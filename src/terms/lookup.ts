// What other capabilities may read of the terms: through here, never terms/store.ts.
export { cochairPartyIds, getTerms, latestTermsOf, listTerms, type TermsRecord } from './store.ts';
