// The write rules of protected sites and corridors: a geometry PostGIS accepts, of a size a place
// or a route has (bounds.ts), a time window that is one, for a site the notifying account and its
// organisation as recorded facts, and what happens to a site later as events (withdrawn, rejected).
import { getAccount } from '../auth/lookup.ts';
import { checkGeometry, type Geometry } from '../geo/geojson.ts';
import { ApiError } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import type { GeoSettings } from '../territory/settings.ts';
import { loadConfig } from '../config.ts';
import { corridorBounds, corridorFault, siteBounds, siteFault, type BoundFault, type CorridorBounds, type SiteBounds } from './bounds.ts';
import type { CorridorCreate, SiteCreate, SiteReject, SiteWithdraw } from './schemas.ts';
import * as store from './store.ts';

const geojson = (g: Geometry) => JSON.stringify({ type: g.type, coordinates: g.coordinates });

/** The bounds the demo and tools use when given none: the defaults of src/config.ts, read from there. */
const defaults = loadConfig({});
const DEFAULT_SITE_BOUNDS: SiteBounds = siteBounds(defaults);
const DEFAULT_CORRIDOR_BOUNDS: CorridorBounds = corridorBounds(defaults);

function refuse(f: BoundFault | null) {
  if (f) throw new ApiError(f.code, `${f.field}: ${f.reason}.`, f.field, f.limit === undefined ? {} : { limit: f.limit });
}

function checkWindow(from: Date, to: Date | null) {
  if (to && to <= from) throw new ApiError('INCONSISTENT', `validTo (${to.toISOString()}) must be after validFrom (${from.toISOString()}).`, 'validTo');
}

/** A notification (leaf `site.notified`): its inclusion proof shows the site was notified before any later strike. */
export async function notifySite(w: Writer, b: SiteCreate, s: GeoSettings, bounds: SiteBounds = DEFAULT_SITE_BOUNDS): Promise<store.SiteRecord> {
  const validFrom = b.validFrom ? new Date(b.validFrom) : new Date();
  const validTo = b.validTo ? new Date(b.validTo) : null;
  const bufferM = b.bufferM ?? 500;
  checkWindow(validFrom, validTo);
  await checkGeometry(w.q, b.geometry as Geometry, 'geometry', s.maxVertices);
  refuse(siteFault(b.geometry, bufferM, bounds));
  const account = w.actor.accountId ? await getAccount(w.q, w.actor.accountId) : null;
  const organisation = account?.organisation ?? null;
  // An agency notifies at a humane pace; a flood of sites is refused (the task force bulk-loads as itself).
  if (w.actor.role === 'agency' && bounds.notificationsPerDay > 0 && (await store.notificationsToday(w.q, organisation, w.actor.accountId)) >= bounds.notificationsPerDay) {
    throw new ApiError('RATE_LIMITED', `${organisation ?? 'This account'} has notified ${bounds.notificationsPerDay} sites in the last 24 hours, this deployment's bound; ask the secretariat to load more.`, 'organisation', { limit: bounds.notificationsPerDay });
  }
  const site = await store.insertSite(
    w.q,
    { kind: b.kind, name: b.name.trim(), geojson: geojson(b.geometry as Geometry), bufferM, validFrom, validTo, organisation },
    w.actor.accountId,
  );
  w.record('site.notified', 'site', site.row);
  return site;
}

export async function createCorridor(
  w: Writer,
  b: CorridorCreate,
  s: GeoSettings,
  convoyId: string | null = null,
  bounds: CorridorBounds = DEFAULT_CORRIDOR_BOUNDS,
): Promise<store.CorridorRecord> {
  const validFrom = new Date(b.validFrom);
  const validTo = new Date(b.validTo);
  const widthM = b.widthM ?? 1000;
  checkWindow(validFrom, validTo);
  await checkGeometry(w.q, b.geometry as Geometry, 'geometry', s.maxVertices);
  refuse(corridorFault(b.geometry.coordinates as number[][], widthM, validFrom, validTo, bounds));
  const c = await store.insertCorridor(w.q, { name: b.name.trim(), geojson: geojson(b.geometry as Geometry), widthM, validFrom, validTo, convoyId }, w.actor.accountId);
  w.record('corridor.created', 'corridor', c.row);
  return c;
}

/**
 * A withdrawal may not reach into the past: what vetting should have answered then is a fact of the
 * record (a back-dated withdrawal would excuse a strike on a site that was protected). This much
 * leeway covers a caller's clock.
 */
const CLOCK_LEEWAY_MS = 5 * 60_000;

/** Refused when the site has an event of one of these types already (a rejected site stays rejected; a withdrawn one may still be rejected). */
function checkNone(site: store.SiteRecord, types: store.SiteEventType[]) {
  const e = site.events.find((x) => types.includes(x.type));
  if (e) throw new ApiError('SITE_ENDED', `The site was already ${e.type} (recorded ${e.recordedAt.toISOString()}).`, 'id', { event: e.id });
}

/** The site's protection ends from `at` (leaf `site.withdrawn`). `site` was read in this transaction, locked. */
export async function withdrawSite(w: Writer, site: store.SiteRecord, b: SiteWithdraw): Promise<store.SiteEventRecord> {
  checkNone(site, ['rejected', 'withdrawn']);
  const now = Date.now();
  const at = b.at ? new Date(b.at) : new Date(now);
  if (at < site.validFrom) throw new ApiError('INCONSISTENT', `at (${at.toISOString()}) is before the site's validFrom (${site.validFrom.toISOString()}).`, 'at');
  if (site.validTo && at >= site.validTo) throw new ApiError('INCONSISTENT', `at (${at.toISOString()}) is not before the site's validTo (${site.validTo.toISOString()}): its protection ends then already.`, 'at');
  if (at.getTime() < now - CLOCK_LEEWAY_MS) throw new ApiError('INCONSISTENT', `at (${at.toISOString()}) is in the past: a withdrawal takes effect now or later; a notification that should never have stood is rejected by the secretariat.`, 'at');
  const e = await store.insertSiteEvent(w.q, { siteId: site.id, type: 'withdrawn', at, reason: b.reason.trim(), recordedRole: w.actor.role }, w.actor.accountId);
  w.record('site.withdrawn', 'site_event', e.row);
  return e;
}

/** The notification is void (leaf `site.rejected`): vetting stops counting the site from this version of the record on. */
export async function rejectSite(w: Writer, site: store.SiteRecord, b: SiteReject): Promise<store.SiteEventRecord> {
  checkNone(site, ['rejected']);
  const e = await store.insertSiteEvent(w.q, { siteId: site.id, type: 'rejected', at: null, reason: b.reason.trim(), recordedRole: w.actor.role }, w.actor.accountId);
  w.record('site.rejected', 'site_event', e.row);
  return e;
}
