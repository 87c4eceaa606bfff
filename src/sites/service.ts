// The write rules of protected sites and corridors: a geometry PostGIS accepts, a time window that
// is one, and for a site the notifying account and its organisation as recorded facts.
import { getAccount } from '../auth/store.ts';
import { checkGeometry, type Geometry } from '../geo/geojson.ts';
import { ApiError } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import type { GeoSettings } from '../territory/settings.ts';
import type { CorridorCreate, SiteCreate } from './schemas.ts';
import * as store from './store.ts';

const geojson = (g: Geometry) => JSON.stringify({ type: g.type, coordinates: g.coordinates });

function checkWindow(from: Date, to: Date | null) {
  if (to && to <= from) throw new ApiError('INCONSISTENT', `validTo (${to.toISOString()}) must be after validFrom (${from.toISOString()}).`, 'validTo');
}

/** A notification (leaf `site.notified`): its inclusion proof shows the site was notified before any later strike. */
export async function notifySite(w: Writer, b: SiteCreate, s: GeoSettings): Promise<store.SiteRecord> {
  const validFrom = b.validFrom ? new Date(b.validFrom) : new Date();
  const validTo = b.validTo ? new Date(b.validTo) : null;
  checkWindow(validFrom, validTo);
  await checkGeometry(w.q, b.geometry as Geometry, 'geometry', s.maxVertices);
  const account = w.actor.accountId ? await getAccount(w.q, w.actor.accountId) : null;
  const site = await store.insertSite(
    w.q,
    { kind: b.kind, name: b.name.trim(), geojson: geojson(b.geometry as Geometry), bufferM: b.bufferM ?? 500, validFrom, validTo, organisation: account?.organisation ?? null },
    w.actor.accountId,
  );
  w.record('site.notified', 'site', site.row);
  return site;
}

export async function createCorridor(w: Writer, b: CorridorCreate, s: GeoSettings, convoyId: string | null = null): Promise<store.CorridorRecord> {
  const validFrom = new Date(b.validFrom);
  const validTo = new Date(b.validTo);
  checkWindow(validFrom, validTo);
  await checkGeometry(w.q, b.geometry as Geometry, 'geometry', s.maxVertices);
  const c = await store.insertCorridor(w.q, { name: b.name.trim(), geojson: geojson(b.geometry as Geometry), widthM: b.widthM ?? 1000, validFrom, validTo, convoyId }, w.actor.accountId);
  w.record('corridor.created', 'corridor', c.row);
  return c;
}
