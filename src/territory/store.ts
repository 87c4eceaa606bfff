import type { Queryable, Row } from '../db/db.ts';
import type { Written } from '../db/db.ts';
import type { Position } from '../geo/shapes.ts';
import { recordedBefore } from '../ledger/lookup.ts';

/**
 * Overlays (union, intersection, difference) run on a fixed 1e-9° grid (0.1 mm; GEOS OverlayNG
 * with snap-rounding), which never fails on nearly coincident edges. The floating-point overlay
 * can throw on the OCHA boundaries (Dar'a's sub-districts), and PGlite's PostGIS then returns
 * no row at all instead of an error.
 */
const GRID = '1e-9';

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

/** A version without its geometry, as lists give it. */
export interface TerritoryVersion {
  id: string;
  seq: number;
  partyId: string;
  validFrom: Date;
  /** When the party's next version takes over; null while this one is the latest. */
  validTo: Date | null;
  source: string | null;
  note: string | null;
  pcodes: string[];
  recordedBy: string | null;
  recordedAt: Date;
  areaKm2: number;
}

export interface TerritoryRecord extends TerritoryVersion {
  geometry: MultiPolygon;
}

const toVersion = (r: Row): TerritoryVersion => ({
  id: r.id,
  seq: Number(r.seq),
  partyId: r.party_id,
  validFrom: r.valid_from,
  validTo: r.valid_to ?? null,
  source: r.source,
  note: r.note,
  pcodes: r.pcodes ?? [],
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  areaKm2: Number(r.area_km2),
});
const toTerritory = (r: Row): TerritoryRecord => ({ ...toVersion(r), geometry: JSON.parse(r.geojson) });

const AREA = 'ST_Area(t.geom::geography) / 1e6 AS area_km2';
/** The next version of the same party in (valid_from, seq) order starts where this one ends. */
const VALID_TO = `(SELECT min(n.valid_from) FROM territories n
  WHERE n.party_id = t.party_id AND (n.valid_from > t.valid_from OR (n.valid_from = t.valid_from AND n.seq > t.seq))) AS valid_to`;
/** Each party's version in force at $1: its last by (valid_from, seq) that started by then. */
const CURRENT = `SELECT DISTINCT ON (party_id) * FROM territories WHERE valid_from <= $1 ORDER BY party_id, valid_from DESC, seq DESC`;

/** A GeoJSON (Multi)Polygon, or the union of several: the area a new version covers. */
export type AreaSource = { geojson: string } | { union: string[] };

export interface NewTerritory {
  partyId: string;
  validFrom: Date;
  source: string | null;
  note: string | null;
  pcodes: string[];
}

export async function insertTerritory(q: Queryable, t: NewTerritory, area: AreaSource, recordedBy: string | null): Promise<Written<TerritoryRecord>> {
  // Altitudes (which GeoJSON allows) are dropped: control of ground is two-dimensional. Administrative
  // units are repaired before the union: shipped boundaries are not checked like submissions are.
  const geom =
    'geojson' in area
      ? 'ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($7), 4326)))'
      : `(SELECT ST_Multi(ST_CollectionExtract(ST_Union(ST_MakeValid(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))), ${GRID}), 3)) FROM unnest($7::text[]) g)`;
  const [r] = await q.query(
    `INSERT INTO territories AS t (party_id, geom, valid_from, source, note, pcodes, recorded_by)
     VALUES ($1, ${geom}, $2, $3, $4, $5, $6)
     RETURNING t.*, ST_AsGeoJSON(t.geom) AS geojson, ${AREA}`,
    [t.partyId, t.validFrom, t.source, t.note, t.pcodes, recordedBy, 'geojson' in area ? area.geojson : area.union],
  );
  if (!r) throw new Error('PostGIS returned no row for a territory insert (a failed overlay)'); // never silently
  // a version recorded later may take effect earlier than ones already stored: read its end
  const [end] = await q.query(`SELECT ${VALID_TO} FROM territories t WHERE t.id = $1`, [r.id]);
  return { ...toTerritory({ ...r, valid_to: end.valid_to }), row: r };
}

export async function getTerritory(q: Queryable, id: string): Promise<TerritoryRecord | null> {
  const [r] = await q.query(`SELECT t.*, ST_AsGeoJSON(t.geom) AS geojson, ${AREA}, ${VALID_TO} FROM territories t WHERE t.id = $1`, [id]);
  return r ? toTerritory(r) : null;
}

/** The versions in force at a time, one per party, with their geometry. */
export async function territoriesAt(q: Queryable, at: Date, partyId?: string): Promise<TerritoryRecord[]> {
  const rows = await q.query(
    `SELECT t.*, ST_AsGeoJSON(t.geom) AS geojson, ${AREA}, ${VALID_TO}
     FROM (${CURRENT}) t WHERE $2::uuid IS NULL OR t.party_id = $2 ORDER BY t.party_id`,
    [at, partyId ?? null],
  );
  return rows.map(toTerritory);
}

/** Every version (of one party, or all), without geometry. */
export async function territoryVersions(q: Queryable, partyId?: string): Promise<TerritoryVersion[]> {
  const rows = await q.query(
    `SELECT t.id, t.seq, t.party_id, t.valid_from, t.source, t.note, t.pcodes, t.recorded_by, t.recorded_at, ${AREA}, ${VALID_TO}
     FROM territories t WHERE $1::uuid IS NULL OR t.party_id = $1`,
    [partyId ?? null],
  );
  return rows.map(toVersion);
}

export interface Overlap {
  partyIds: [string, string];
  geometry: MultiPolygon;
  areaKm2: number;
}

/**
 * Areas two parties both claim at a time: the polygonal part of each pair's intersection. Shared
 * edges are not overlaps, nor are slivers under 1 m² that floating point leaves along them.
 */
export async function overlapsAt(q: Queryable, at: Date): Promise<Overlap[]> {
  const rows = await q.query(
    `WITH cur AS (${CURRENT}),
     pairs AS (
       SELECT a.party_id AS a, b.party_id AS b, ST_CollectionExtract(ST_Intersection(a.geom, b.geom, ${GRID}), 3) AS g
       FROM cur a JOIN cur b ON a.party_id < b.party_id AND ST_Intersects(a.geom, b.geom)
     )
     SELECT a, b, ST_AsGeoJSON(ST_Multi(g)) AS geojson, ST_Area(g::geography) / 1e6 AS area_km2
     FROM pairs WHERE NOT ST_IsEmpty(g) AND ST_Area(g::geography) >= 1 ORDER BY a, b`,
    [at],
  );
  return rows.map((r) => ({ partyIds: [r.a, r.b], geometry: JSON.parse(r.geojson), areaKm2: Number(r.area_km2) }));
}

export interface Change {
  partyId: string;
  fromVersionId: string | null;
  toVersionId: string | null;
  gained: MultiPolygon | null;
  lost: MultiPolygon | null;
  gainedKm2: number;
  lostKm2: number;
}

/** Per party, what its area at `to` holds beyond its area at `from`, and the reverse. */
export async function changesBetween(q: Queryable, from: Date, to: Date, partyId?: string): Promise<Change[]> {
  const rows = await q.query(
    `WITH f AS (${CURRENT}),
     t AS (${CURRENT.replace('$1', '$2')}),
     d AS (
       SELECT coalesce(t.party_id, f.party_id) AS party_id, f.id AS from_id, t.id AS to_id,
         ST_Multi(ST_CollectionExtract(CASE WHEN f.geom IS NULL THEN t.geom WHEN t.geom IS NULL THEN NULL ELSE ST_Difference(t.geom, f.geom, ${GRID}) END, 3)) AS gained,
         ST_Multi(ST_CollectionExtract(CASE WHEN t.geom IS NULL THEN f.geom WHEN f.geom IS NULL THEN NULL ELSE ST_Difference(f.geom, t.geom, ${GRID}) END, 3)) AS lost
       FROM f FULL JOIN t ON t.party_id = f.party_id
     )
     SELECT party_id, from_id, to_id,
       CASE WHEN gained IS NULL OR ST_IsEmpty(gained) THEN NULL ELSE ST_AsGeoJSON(gained) END AS gained,
       CASE WHEN lost IS NULL OR ST_IsEmpty(lost) THEN NULL ELSE ST_AsGeoJSON(lost) END AS lost,
       coalesce(ST_Area(gained::geography) / 1e6, 0) AS gained_km2,
       coalesce(ST_Area(lost::geography) / 1e6, 0) AS lost_km2
     FROM d WHERE $3::uuid IS NULL OR party_id = $3 ORDER BY party_id`,
    [from, to, partyId ?? null],
  );
  return rows.map((r) => ({
    partyId: r.party_id,
    fromVersionId: r.from_id,
    toVersionId: r.to_id,
    gained: r.gained ? JSON.parse(r.gained) : null,
    lost: r.lost ? JSON.parse(r.lost) : null,
    gainedKm2: Number(r.gained_km2),
    lostKm2: Number(r.lost_km2),
  }));
}

/** How many versions came from one source (the demo loader's "already loaded?"). */
export async function countTerritoriesFromSource(q: Queryable, source: string): Promise<number> {
  const [r] = await q.query('SELECT count(*)::int AS n FROM territories WHERE source = $1', [source]);
  return r.n;
}

/** A version's area as plain data for in-memory indexes (vetting): times in epoch ms, MultiPolygon coordinates. */
export interface TerritoryArea {
  id: string;
  seq: number;
  partyId: string;
  validFrom: number;
  polygons: Position[][][];
}

/**
 * Every version (or those with the given ids) as the record stood at `version` (null: now), in
 * one statement: versions are immutable and written with their leaf, so as-of is "leaf before".
 */
export async function territoryAreas(q: Queryable, version: number | null, ids: string[] | null = null, known: string[] = []): Promise<TerritoryArea[]> {
  // `known`: versions whose coordinates the caller holds already (prepared): theirs are not sent
  // (polygons: []), which spares reading and parsing millions of vertices again
  const rows = await q.query(
    `SELECT x.id, x.seq, x.party_id, x.valid_from, CASE WHEN x.id = ANY($1::uuid[]) THEN NULL ELSE ST_AsGeoJSON(x.geom) END AS g
     FROM territories x WHERE ${recordedBefore('territory', version, 'x')}${ids ? ' AND x.id = ANY($2::uuid[])' : ''}`,
    ids ? [known, ids] : [known],
  );
  return rows.map((r) => ({ id: r.id, seq: Number(r.seq), partyId: r.party_id, validFrom: new Date(r.valid_from).getTime(), polygons: r.g === null ? [] : (JSON.parse(r.g).coordinates as Position[][][]) }));
}

/** A version's window and, unless the caller holds them already, its coordinates. */
export interface TerritoryWindow {
  id: string;
  partyId: string;
  seq: number;
  validFrom: Date;
  validTo: Date | null;
  /** MultiPolygon coordinates; null for a version in `known`. */
  polygons: Position[][][] | null;
}

/**
 * Every version with when it ends: for caches that answer "whose area held this point then". A
 * version in `known` (rows never change) comes without its coordinates, so a cache that reloads
 * on every change reads the millions of vertices of a detailed map once, not every time.
 */
export async function territoryWindows(q: Queryable, known: string[] = []): Promise<TerritoryWindow[]> {
  const rows = await q.query(
    `SELECT t.id, t.party_id, t.seq, t.valid_from, ${VALID_TO}, CASE WHEN t.id = ANY($1::uuid[]) THEN NULL ELSE ST_AsGeoJSON(t.geom) END AS g FROM territories t ORDER BY t.seq`,
    [known],
  );
  return rows.map((r) => ({ id: r.id, partyId: r.party_id, seq: Number(r.seq), validFrom: new Date(r.valid_from), validTo: r.valid_to ? new Date(r.valid_to) : null, polygons: r.g === null ? null : (JSON.parse(r.g).coordinates as Position[][][]) }));
}
