import type { Queryable, Row } from '../db/db.ts';
import type { Written } from '../parties/store.ts';

export const SITE_KINDS = ['hospital', 'school', 'water', 'power', 'shelter', 'religious', 'diplomatic', 'un', 'other'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export interface Geo {
  type: 'Point' | 'Polygon' | 'LineString';
  coordinates: unknown[];
}

export interface SiteRecord {
  id: string;
  seq: number;
  kind: SiteKind;
  name: string;
  geometry: Geo;
  bufferM: number;
  validFrom: Date;
  validTo: Date | null;
  organisation: string | null;
  notifiedBy: string | null;
  notifiedAt: Date;
}

export interface CorridorRecord {
  id: string;
  seq: number;
  name: string;
  geometry: Geo;
  widthM: number;
  validFrom: Date;
  validTo: Date;
  convoyId: string | null;
  createdBy: string | null;
  createdAt: Date;
}

const toSite = (r: Row): SiteRecord => ({
  id: r.id,
  seq: Number(r.seq),
  kind: r.kind,
  name: r.name,
  geometry: JSON.parse(r.geojson),
  bufferM: Number(r.buffer_m),
  validFrom: r.valid_from,
  validTo: r.valid_to,
  organisation: r.organisation,
  notifiedBy: r.notified_by,
  notifiedAt: r.notified_at,
});

const toCorridor = (r: Row): CorridorRecord => ({
  id: r.id,
  seq: Number(r.seq),
  name: r.name,
  geometry: JSON.parse(r.geojson),
  widthM: Number(r.width_m),
  validFrom: r.valid_from,
  validTo: r.valid_to,
  convoyId: r.convoy_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** The submitted GeoJSON in 2D: an altitude (which GeoJSON allows) plays no part in protection. */
const GEOM = 'ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))';

export interface NewSite {
  kind: SiteKind;
  name: string;
  geojson: string;
  bufferM: number;
  validFrom: Date;
  validTo: Date | null;
  organisation: string | null;
}

export async function insertSite(q: Queryable, s: NewSite, notifiedBy: string | null): Promise<Written<SiteRecord>> {
  const [r] = await q.query(
    `INSERT INTO sites (geom, kind, name, buffer_m, valid_from, valid_to, organisation, notified_by)
     VALUES (${GEOM}, $2, $3, $4, $5, $6, $7, $8) RETURNING *, ST_AsGeoJSON(geom) AS geojson`,
    [s.geojson, s.kind, s.name, s.bufferM, s.validFrom, s.validTo, s.organisation, notifiedBy],
  );
  return { ...toSite(r), row: r };
}

export async function getSite(q: Queryable, id: string): Promise<SiteRecord | null> {
  const [r] = await q.query('SELECT *, ST_AsGeoJSON(geom) AS geojson FROM sites WHERE id = $1', [id]);
  return r ? toSite(r) : null;
}

/** Whose notifications a caller may see: null for everyone's. */
export interface Notifier {
  accountId: string;
  organisation: string | null;
}

export interface SiteFilter {
  at: Date;
  kind?: SiteKind;
  bbox?: [number, number, number, number];
  notifier: Notifier | null;
  /** Keyset: only sites recorded after this one. */
  afterSeq?: number;
  limit: number;
}

/** Sites in force at a time, in the order they were notified. */
export async function listSites(q: Queryable, f: SiteFilter): Promise<SiteRecord[]> {
  const rows = await q.query(
    `SELECT *, ST_AsGeoJSON(geom) AS geojson FROM sites
     WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)
       AND ($2::text IS NULL OR kind = $2)
       AND ($3::float8[] IS NULL OR ST_Intersects(geom, ST_MakeEnvelope($3[1], $3[2], $3[3], $3[4], 4326)))
       AND ($4::uuid IS NULL OR notified_by = $4 OR ($5::text IS NOT NULL AND organisation = $5))
       AND seq > $6
     ORDER BY seq LIMIT $7`,
    [f.at, f.kind ?? null, f.bbox ?? null, f.notifier?.accountId ?? null, f.notifier?.organisation ?? null, f.afterSeq ?? 0, f.limit],
  );
  return rows.map(toSite);
}

export interface NewCorridor {
  name: string;
  geojson: string;
  widthM: number;
  validFrom: Date;
  validTo: Date;
  convoyId: string | null;
}

export async function insertCorridor(q: Queryable, c: NewCorridor, createdBy: string | null): Promise<Written<CorridorRecord>> {
  const [r] = await q.query(
    `INSERT INTO corridors (geom, name, width_m, valid_from, valid_to, convoy_id, created_by)
     VALUES (${GEOM}, $2, $3, $4, $5, $6, $7) RETURNING *, ST_AsGeoJSON(geom) AS geojson`,
    [c.geojson, c.name, c.widthM, c.validFrom, c.validTo, c.convoyId, createdBy],
  );
  return { ...toCorridor(r), row: r };
}

export async function getCorridor(q: Queryable, id: string): Promise<CorridorRecord | null> {
  const [r] = await q.query('SELECT *, ST_AsGeoJSON(geom) AS geojson FROM corridors WHERE id = $1', [id]);
  return r ? toCorridor(r) : null;
}

/** Corridors whose window covers a time, in the order they were created. */
export async function listCorridors(q: Queryable, f: { at: Date; bbox?: [number, number, number, number]; afterSeq?: number; limit: number }): Promise<CorridorRecord[]> {
  const rows = await q.query(
    `SELECT *, ST_AsGeoJSON(geom) AS geojson FROM corridors
     WHERE valid_from <= $1 AND valid_to > $1
       AND ($2::float8[] IS NULL OR ST_Intersects(geom, ST_MakeEnvelope($2[1], $2[2], $2[3], $2[4], 4326)))
       AND seq > $3
     ORDER BY seq LIMIT $4`,
    [f.at, f.bbox ?? null, f.afterSeq ?? 0, f.limit],
  );
  return rows.map(toCorridor);
}
