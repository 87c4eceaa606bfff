// Aid's SQL: besieged areas and their status events, convoys and their events. Rows are never
// edited; what a convoy is now is the fold of its events (convoy.ts).
import type { Queryable, Row, Written } from '../db/db.ts';
import { recordedBefore } from '../ledger/lookup.ts';
import type { BesiegedStatus } from './areas.ts';
import type { CargoLine, ConvoyEvent, ConvoyEventType } from './convoy.ts';

/** Same grid as territory's unions: OverlayNG with snap-rounding never fails on the OCHA boundaries. */
const GRID = '1e-9';

export interface AreaStatusRecord {
  id: string;
  seq: number;
  areaId: string;
  status: BesiegedStatus;
  at: Date;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: Date;
}

export interface AreaRecord {
  id: string;
  seq: number;
  name: string;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  pcodes: string[];
  population: number;
  populationAsOf: Date;
  populationSource: string;
  besiegingPartyIds: string[];
  illustrative: boolean;
  createdBy: string | null;
  createdAt: Date;
  history: AreaStatusRecord[];
}

const toStatus = (r: Row): AreaStatusRecord => ({
  id: r.id, seq: Number(r.seq), areaId: r.area_id, status: r.status, at: r.at, reason: r.reason, recordedBy: r.recorded_by, recordedAt: r.recorded_at,
});
const toArea = (r: Row): AreaRecord => ({
  id: r.id,
  seq: Number(r.seq),
  name: r.name,
  geometry: r.geojson ? JSON.parse(r.geojson) : null,
  pcodes: r.pcodes ?? [],
  population: Number(r.population),
  populationAsOf: r.population_as_of,
  populationSource: r.population_source,
  besiegingPartyIds: r.besieging_party_ids ?? [],
  illustrative: r.illustrative,
  createdBy: r.created_by,
  createdAt: r.created_at,
  history: [],
});

export type AreaShape = { geojson: string } | { union: string[] };

export interface NewArea {
  name: string;
  pcodes: string[];
  population: number;
  populationAsOf: Date;
  populationSource: string;
  besiegingPartyIds: string[];
  illustrative: boolean;
}

export async function insertArea(q: Queryable, a: NewArea, shape: AreaShape, createdBy: string | null): Promise<Written<AreaRecord>> {
  const geom =
    'geojson' in shape
      ? 'ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($8), 4326)))'
      : `(SELECT ST_Multi(ST_CollectionExtract(ST_Union(ST_MakeValid(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))), ${GRID}), 3)) FROM unnest($8::text[]) g)`;
  const [r] = await q.query(
    `INSERT INTO besieged_areas (name, geom, pcodes, population, population_as_of, population_source, besieging_party_ids, illustrative, created_by)
     VALUES ($1, ${geom}, $2, $3, $4, $5, $6, $7, $9) RETURNING *, ST_AsGeoJSON(geom) AS geojson`,
    [a.name, a.pcodes, a.population, a.populationAsOf, a.populationSource, a.besiegingPartyIds, a.illustrative, 'geojson' in shape ? shape.geojson : shape.union, createdBy],
  );
  if (!r) throw new Error('PostGIS returned no row for a besieged area insert (a failed overlay)');
  return { ...toArea(r), row: r };
}

export async function insertAreaStatus(q: Queryable, e: { areaId: string; status: BesiegedStatus; at: Date; reason: string | null }, recordedBy: string | null): Promise<Written<AreaStatusRecord>> {
  const [r] = await q.query('INSERT INTO besieged_area_events (area_id, status, at, reason, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [e.areaId, e.status, e.at, e.reason, recordedBy]);
  return { ...toStatus(r), row: r };
}

/** Areas (all, or these ids) with their status history in time order; `lock` holds the rows until the transaction ends. */
export async function listAreas(q: Queryable, f: { ids?: string[]; lock?: boolean; geometry?: boolean } = {}): Promise<AreaRecord[]> {
  const rows = await q.query(
    `SELECT *${f.geometry === false ? '' : ', ST_AsGeoJSON(geom) AS geojson'} FROM besieged_areas WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[]) ORDER BY seq${f.lock ? ' FOR UPDATE' : ''}`,
    [f.ids ?? null],
  );
  const areas = rows.map(toArea);
  if (!areas.length) return areas;
  const evs = await q.query('SELECT * FROM besieged_area_events WHERE area_id = ANY($1::uuid[]) ORDER BY at, seq', [areas.map((a) => a.id)]);
  const by = new Map(areas.map((a) => [a.id, a]));
  for (const e of evs) by.get(e.area_id)?.history.push(toStatus(e));
  return areas;
}

export async function getArea(q: Queryable, id: string, lock = false): Promise<AreaRecord | null> {
  return (await listAreas(q, { ids: [id], lock }))[0] ?? null;
}

export interface ConvoyEventRecord extends ConvoyEvent {
  id: string;
  seq: number;
  convoyId: string;
  detail: string;
  recordedBy: string | null;
  recordedRole: string;
  recordedAt: Date;
}

export interface ConvoyRecord {
  id: string;
  seq: number;
  agency: string;
  originName: string;
  destinationAreaId: string;
  route: { type: 'LineString'; coordinates: number[][] };
  widthM: number;
  windowFrom: Date;
  windowTo: Date;
  cargo: CargoLine[];
  peopleToReach: number;
  illustrative: boolean;
  requestedBy: string | null;
  createdAt: Date;
  events: ConvoyEventRecord[];
}

const toEvent = (r: Row): ConvoyEventRecord => ({
  id: r.id,
  seq: Number(r.seq),
  convoyId: r.convoy_id,
  type: r.type as ConvoyEventType,
  at: new Date(r.at).getTime(),
  partyId: r.party_id,
  detail: r.detail,
  data: r.data ?? {},
  reportId: r.report_id,
  recordedBy: r.recorded_by,
  recordedRole: r.recorded_role,
  recordedAt: r.recorded_at,
});
const toConvoy = (r: Row): ConvoyRecord => ({
  id: r.id,
  seq: Number(r.seq),
  agency: r.agency,
  originName: r.origin_name,
  destinationAreaId: r.destination_area_id,
  route: JSON.parse(r.geojson),
  widthM: Number(r.width_m),
  windowFrom: r.window_from,
  windowTo: r.window_to,
  cargo: r.cargo,
  peopleToReach: Number(r.people_to_reach),
  illustrative: r.illustrative,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  events: [],
});

export interface NewConvoy {
  agency: string;
  originName: string;
  destinationAreaId: string;
  routeGeojson: string;
  widthM: number;
  windowFrom: Date;
  windowTo: Date;
  cargo: CargoLine[];
  peopleToReach: number;
  illustrative: boolean;
}

export async function insertConvoy(q: Queryable, c: NewConvoy, requestedBy: string | null): Promise<Written<ConvoyRecord>> {
  const [r] = await q.query(
    `INSERT INTO convoys (agency, origin_name, destination_area_id, route, width_m, window_from, window_to, cargo, people_to_reach, illustrative, requested_by)
     VALUES ($1, $2, $3, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), $5, $6, $7, $8, $9, $10, $11) RETURNING *, ST_AsGeoJSON(route) AS geojson`,
    [c.agency, c.originName, c.destinationAreaId, c.routeGeojson, c.widthM, c.windowFrom, c.windowTo, JSON.stringify(c.cargo), c.peopleToReach, c.illustrative, requestedBy],
  );
  return { ...toConvoy(r), row: r };
}

export interface NewConvoyEvent {
  convoyId: string;
  type: ConvoyEventType;
  at: Date;
  partyId: string | null;
  detail: string;
  data?: Record<string, unknown>;
  reportId?: string | null;
  recordedRole: string;
}

export async function insertConvoyEvent(q: Queryable, e: NewConvoyEvent, recordedBy: string | null): Promise<Written<ConvoyEventRecord>> {
  const [r] = await q.query(
    `INSERT INTO convoy_events (convoy_id, type, at, party_id, detail, data, report_id, recorded_by, recorded_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [e.convoyId, e.type, e.at, e.partyId, e.detail, JSON.stringify(e.data ?? {}), e.reportId ?? null, recordedBy, e.recordedRole],
  );
  return { ...toEvent(r), row: r };
}

export interface ConvoyFilter {
  ids?: string[];
  destinationAreaId?: string;
  /** Only convoys whose events are recorded before this ledger version (null: now), with those events only. */
  version?: number | null;
  lock?: boolean;
}

/** Convoys with their events in order, in two statements. */
export async function listConvoys(q: Queryable, f: ConvoyFilter = {}): Promise<ConvoyRecord[]> {
  const v = f.version ?? null;
  const rows = await q.query(
    `SELECT x.*, ST_AsGeoJSON(x.route) AS geojson FROM convoys x
     WHERE ($1::uuid[] IS NULL OR x.id = ANY($1::uuid[])) AND ($2::uuid IS NULL OR x.destination_area_id = $2) AND ${recordedBefore('convoy', v, 'x')}
     ORDER BY x.seq${f.lock ? ' FOR UPDATE' : ''}`,
    [f.ids ?? null, f.destinationAreaId ?? null],
  );
  const convoys = rows.map(toConvoy);
  if (!convoys.length) return convoys;
  const evs = await q.query(`SELECT e.* FROM convoy_events e WHERE e.convoy_id = ANY($1::uuid[]) AND ${recordedBefore('convoy_event', v, 'e')} ORDER BY e.seq`, [convoys.map((c) => c.id)]);
  const by = new Map(convoys.map((c) => [c.id, c]));
  for (const e of evs) by.get(e.convoy_id)?.events.push(toEvent(e));
  return convoys;
}

export async function getConvoy(q: Queryable, id: string, lock = false): Promise<ConvoyRecord | null> {
  return (await listConvoys(q, { ids: [id], lock }))[0] ?? null;
}

/** The convoy each of these events belongs to, by event id (for refreshing what changed). */
export async function convoysOfEvents(q: Queryable, eventIds: string[]): Promise<Map<string, string>> {
  if (!eventIds.length) return new Map();
  const rows = await q.query('SELECT id::text AS id, convoy_id::text AS convoy_id FROM convoy_events WHERE id = ANY($1::uuid[])', [eventIds]);
  return new Map(rows.map((r) => [r.id, r.convoy_id]));
}

/** Convoys still waiting or approved (whose approvals a territory change can move), ids only. */
export async function openConvoyIds(q: Queryable): Promise<string[]> {
  const rows = await q.query(
    `SELECT c.id FROM convoys c WHERE NOT EXISTS (
       SELECT 1 FROM convoy_events e WHERE e.convoy_id = c.id AND e.type IN ('dispatched', 'delivered', 'partially_delivered', 'blocked', 'cancelled'))
     ORDER BY c.seq`,
  );
  return rows.map((r) => String(r.id));
}

/** Whether an area with a population figure from this source is recorded (the demo loads once). */
export async function hasAreaFromSource(q: Queryable, source: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM besieged_areas WHERE population_source = $1 LIMIT 1', [source]);
  return rows.length > 0;
}

/** What webhooks need of some convoy events (through lookup.ts): the convoy, the event's type, its party and its reason. */
export async function convoyEventFacts(q: Queryable, eventIds: string[]): Promise<Map<string, { convoyId: string; type: string; partyId: string | null; reason: string | null }>> {
  if (!eventIds.length) return new Map();
  const rows = await q.query("SELECT id::text AS id, convoy_id::text AS convoy_id, type, party_id::text AS party_id, data->>'reason' AS reason FROM convoy_events WHERE id = ANY($1::uuid[])", [eventIds]);
  return new Map(rows.map((r) => [r.id, { convoyId: r.convoy_id, type: r.type, partyId: r.party_id, reason: r.reason }]));
}
