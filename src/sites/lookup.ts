// What other capabilities may read of protected sites: through here, never sites/store.ts.
export { getSite, listSites, type SiteRecord } from './store.ts';
export { allSites, type SiteEventRecord } from './store.ts';
