// The collections of OGC API – Features: each one read through its owner's lookup, with the API's
// access rules (incidents exactly as GET /api/v1/incidents lists them to the caller), pages by
// keyset cursor, numberMatched exact.
import type { Principal } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { PreparedArea } from '../geo/shapes.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { countIncidentsFor, listedIncidentFor, listIncidentsFor, type IncidentAreaFilter } from '../incidents/lookup.ts';
import { partiesAt } from '../parties/lookup.ts';
import { adminAreas, placeSettings, type AdminArea } from '../places/lookup.ts';
import { getTerritory, territoriesAt, type TerritoryRecord } from '../territory/lookup.ts';
import { boundsOf, isCollectionId, type CollectionId, type Extents, type Feature } from './documents.ts';
import { byId, meetsBox, pageById, polygonsOf } from './features.ts';
import { parseBbox, parseDatetime, type BBox, type DateTimeQuery } from './params.ts';

export interface ItemsQuery {
  bbox?: string;
  datetime?: string;
  limit?: number;
  cursor?: string;
}

export interface ItemsPage {
  features: Feature[];
  numberMatched: number;
  /** The cursor of the next page, or null on the last. */
  next: string | null;
  /** Parameters the next page must carry so it pages the same set (territories: the instant "now" was). */
  pin: Record<string, string>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

/** The collection named in the path, or 404 naming it. */
export function collectionOf(id: string): CollectionId {
  if (!isCollectionId(id)) throw new ApiError('NOT_FOUND', `No collection "${id.slice(0, 100)}"; the collections are incidents, territories and admin-areas.`, 'collectionId');
  return id;
}

const featureNotFound = (id: CollectionId, featureId: string) => notFound(`feature of ${id}`, featureId.slice(0, 100), 'featureId');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BAD_CURSOR = () => new ApiError('BAD_CURSOR', 'The cursor is not one this collection gave out.', 'cursor');

// ---- incidents: through incidents/lookup.ts, as the list shows them to the caller

const INCIDENT_SORT = 'ogc:incidents';

function incidentFeature(i: Awaited<ReturnType<typeof listIncidentsFor>>['items'][number]): Feature {
  const { location, ...properties } = i;
  return { type: 'Feature', id: i.id, geometry: location, properties };
}

async function incidentItems(db: Db, config: Config, p: Principal, bbox: BBox | undefined, dt: DateTimeQuery | undefined, limit: number, cursor: string | undefined): Promise<ItemsPage> {
  let after: [number, string] | undefined;
  if (cursor) {
    const [k, id] = decodeCursor(cursor, INCIDENT_SORT);
    if (typeof k !== 'number' || !UUID.test(id)) throw BAD_CURSOR();
    after = [k, id];
  }
  // overlap with the occurrence window: it ends at or after the start, and starts at or before the end
  const f: IncidentAreaFilter = { bbox, from: dt?.from ?? undefined, to: dt?.to ?? undefined };
  const [page, numberMatched] = await Promise.all([listIncidentsFor(db, p, f, { after, limit: limit + 1 }), countIncidentsFor(db, p, f, config.clusterRefreshMs)]);
  const items = page.items.slice(0, limit);
  return { features: items.map(incidentFeature), numberMatched, next: page.items.length > limit ? encodeCursor(INCIDENT_SORT, page.keys[limit - 1]) : null, pin: {} };
}

// ---- territories: through territory/lookup.ts, the map at one instant

function territoryFeature(t: TerritoryRecord, party: { name: string; status: string } | undefined): Feature {
  return {
    type: 'Feature',
    id: t.id,
    geometry: t.geometry,
    properties: {
      id: t.id,
      partyId: t.partyId,
      partyName: party?.name ?? null,
      status: party?.status ?? null,
      validFrom: t.validFrom.toISOString(),
      validTo: t.validTo ? t.validTo.toISOString() : null,
      source: t.source,
      note: t.note,
      pcodes: t.pcodes,
      areaKm2: t.areaKm2,
    },
  };
}

async function withParties(db: Db, at: Date, versions: TerritoryRecord[]): Promise<Feature[]> {
  if (!versions.length) return [];
  const { parties } = await partiesAt(db, at, { ids: [...new Set(versions.map((v) => v.partyId))] });
  const byParty = new Map(parties.map((x) => [x.id, x]));
  return versions.map((v) => territoryFeature(v, byParty.get(v.partyId)));
}

function idCursor(cursor: string | undefined, sort: string, valid: RegExp): string | null {
  if (!cursor) return null;
  const [k, id] = decodeCursor(cursor, sort);
  if (k !== id || !valid.test(id)) throw BAD_CURSOR();
  return id;
}

async function territoryItems(db: Db, bbox: BBox | undefined, dt: DateTimeQuery | undefined, limit: number, cursor: string | undefined): Promise<ItemsPage> {
  if (dt?.kind === 'interval') throw new ApiError('VALIDATION_FAILED', 'datetime must be an instant for territories: the map of control at that time.', 'datetime');
  const at = dt?.from ?? new Date();
  const after = idCursor(cursor, 'ogc:territories', UUID);
  const versions = (await territoriesAt(db, at)).filter((t) => !bbox || meetsBox(new PreparedArea(polygonsOf(t.geometry)), bbox)).sort(byId);
  const { items, more } = pageById(versions, after, limit);
  const last = items.at(-1);
  return {
    features: await withParties(db, at, items),
    numberMatched: versions.length,
    next: more && last ? encodeCursor('ogc:territories', [last.id, last.id]) : null,
    pin: dt ? {} : { datetime: at.toISOString() },
  };
}

// ---- admin-areas: the shipped OCHA boundaries, through places/lookup.ts (public data)

const prepared = new WeakMap<AdminArea, PreparedArea>();
const preparedOf = (a: AdminArea) => {
  let p = prepared.get(a);
  if (!p) prepared.set(a, (p = new PreparedArea(polygonsOf(a.geometry))));
  return p;
};

const areaFeature = (a: AdminArea): Feature => ({
  type: 'Feature',
  id: a.pcode,
  geometry: a.geometry,
  properties: { pcode: a.pcode, level: a.level, name: a.name, nameAr: a.nameAr, adm1Pcode: a.adm1Pcode, adm2Pcode: a.adm2Pcode, areaSqkm: a.areaSqkm },
});

const PCODE = /^[A-Za-z0-9]{1,32}$/;

async function areaItems(config: Config, bbox: BBox | undefined, limit: number, cursor: string | undefined): Promise<ItemsPage> {
  const after = idCursor(cursor, 'ogc:admin-areas', PCODE);
  const all = await adminAreas(placeSettings(config)); // in P-code order, the features' ids
  const matched = bbox ? all.filter((a) => meetsBox(preparedOf(a), bbox)) : all;
  const features = matched.map(areaFeature);
  const { items, more } = pageById(features, after, limit);
  const last = items.at(-1);
  return { features: items, numberMatched: features.length, next: more && last ? encodeCursor('ogc:admin-areas', [last.id, last.id]) : null, pin: {} };
}

// ---- the routes' entry points

/** A page of a collection's items for this caller: bbox, datetime and the cursor checked here, each refusal naming its parameter. */
export async function items(db: Db, config: Config, p: Principal, id: CollectionId, q: ItemsQuery): Promise<ItemsPage> {
  const bbox = q.bbox === undefined ? undefined : parseBbox(q.bbox);
  const dt = q.datetime === undefined ? undefined : parseDatetime(q.datetime);
  const limit = q.limit ?? DEFAULT_LIMIT;
  switch (id) {
    case 'incidents':
      return incidentItems(db, config, p, bbox, dt, limit, q.cursor);
    case 'territories':
      return territoryItems(db, bbox, dt, limit, q.cursor);
    case 'admin-areas':
      return areaItems(config, bbox, limit, q.cursor); // timeless: a valid datetime matches every area
  }
}

/** One feature, or 404 naming featureId, alike for what does not exist and what the caller may not see. */
export async function feature(db: Db, config: Config, p: Principal, id: CollectionId, featureId: string): Promise<Feature> {
  switch (id) {
    case 'incidents': {
      const i = await listedIncidentFor(db, p, featureId);
      if (!i) throw featureNotFound(id, featureId);
      return incidentFeature(i);
    }
    case 'territories': {
      const t = UUID.test(featureId) ? await getTerritory(db, featureId) : null;
      if (!t) throw featureNotFound(id, featureId);
      // the party as it stands now, or when this version ended
      const [f] = await withParties(db, t.validTo && t.validTo < new Date() ? new Date(t.validTo.getTime() - 1) : new Date(), [t]);
      return f;
    }
    case 'admin-areas': {
      const a = (await adminAreas(placeSettings(config))).find((x) => x.pcode === featureId);
      if (!a) throw featureNotFound(id, featureId);
      return areaFeature(a);
    }
  }
}

/** What the collections' metadata can say of their extents without reading the caller's data: the shipped areas' box. */
export async function extents(config: Config): Promise<Extents> {
  const all = await adminAreas(placeSettings(config));
  const box = boundsOf(all.filter((a) => a.level === 1).map((a) => a.geometry.coordinates));
  return box ? { 'admin-areas': box } : {};
}
