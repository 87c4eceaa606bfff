// What other capabilities may read of protected sites: through here, never sites/store.ts.
export { corridorRoutes, getSite, listSites, siteAreas, sitesOfEvents, type CorridorRoute, type SiteArea, type SiteRecord, SITE_KINDS, type SiteKind } from './store.ts';
// the events hub names the site a withdrawal or rejection ends, to those who may read that site
export { siteOfEvent } from './store.ts';
export { allSites, sitesWithIds, type SiteEventRecord } from './store.ts';
// a convoy's route is held to a corridor's bounds (length, window): aid checks it as sites would
export { corridorBounds, corridorFault, type BoundFault } from './bounds.ts';
