// What other capabilities may read of protected sites: through here, never sites/store.ts.
export { corridorRoutes, getSite, listSites, siteAreas, sitesOfEvents, type CorridorRoute, type SiteArea, type SiteRecord, SITE_KINDS, type SiteKind } from './store.ts';
