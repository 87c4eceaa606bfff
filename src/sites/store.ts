import type { Queryable, Row } from '../db/db.ts';
import type { Written } from '../db/db.ts';
import type { Position } from '../geo/shapes.ts';
import { recordedBefore } from '../ledger/lookup.ts';

export const SITE_KINDS = ['hospital', 'school', 'water', 'power', 'shelter', 'religious', 'diplomatic', 'un', 'other'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export interface Geo {
  type: 'Point' | 'Polygon' | 'LineString';
  coordinates: unknown[];
}

export const SITE_EVENT_TYPES = ['withdrawn', 'rejected'] as const;
export type SiteEventType = (typeof SITE_EVENT_TYPES)[number];
/** A site's standing at a time: rejected at any time once rejected; withdrawn from its withdrawal's time. */
export const SITE_STATUSES = ['active', 'withdrawn', 'rejected'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export interface SiteEventRecord {
  id: string;
  seq: number;
  siteId: string;
  type: SiteEventType;
  at: Date;
  reason: string;
  recordedBy: string | null;
  recordedRole: string;
  recordedAt: Date;
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
  /** At the time asked (now when none). */
  status: SiteStatus;
  events: SiteEventRecord[];
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
  bufferM: Number(r.buffer_m),
  validFrom: r.valid_from,
  validTo: r.valid_to,
  organisation: r.organisation,
  notifiedBy: r.notified_by,
  notifiedAt: r.notified_at,
  status: r.status ?? 'active',
  events: [],
  geometry: JSON.parse(r.geojson),
});

const toEvent = (r: Row): SiteEventRecord => ({
  id: r.id,
  seq: Number(r.seq),
  siteId: r.site_id,
  type: r.type,
  at: r.at,
  reason: r.reason,
  recordedBy: r.recorded_by,
  recordedRole: r.recorded_role,
  recordedAt: r.recorded_at,
});

/** A site's status at $1 (the alias x is the site). */
const STATUS = `(SELECT CASE WHEN bool_or(e.type = 'rejected') THEN 'rejected' WHEN bool_or(e.type = 'withdrawn' AND e.at <= $1) THEN 'withdrawn' ELSE 'active' END
  FROM site_events e WHERE e.site_id = x.id)`;
/** A site row with its geometry as GeoJSON and its status as of $1. */
const SELECT_SITE = `SELECT x.*, ST_AsGeoJSON(x.geom) AS geojson, ${STATUS} AS status FROM sites x`;
/** The same without the row's stored geometry and salt, which a cache of every site does not need. */
const SELECT_PAGE = `SELECT x.id, x.seq, x.kind, x.name, x.buffer_m, x.valid_from, x.valid_to, x.organisation, x.notified_by, x.notified_at, ST_AsGeoJSON(x.geom) AS geojson, ${STATUS} AS status FROM sites x`;

/** The sites with their events, in event order. */
async function withEvents(q: Queryable, sites: SiteRecord[]): Promise<SiteRecord[]> {
  if (!sites.length) return sites;
  const rows = await q.query('SELECT * FROM site_events WHERE site_id = ANY($1::uuid[]) ORDER BY seq', [sites.map((s) => s.id)]);
  const by = new Map(sites.map((s) => [s.id, s]));
  for (const r of rows) by.get(r.site_id)?.events.push(toEvent(r));
  return sites;
}

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

/** One site with its status at `at` and its events; `lock` holds the site's row until the transaction ends (one event at a time). */
export async function getSite(q: Queryable, id: string, at: Date = new Date(), lock = false): Promise<SiteRecord | null> {
  const [r] = await q.query(`${SELECT_SITE} WHERE x.id = $2${lock ? ' FOR UPDATE' : ''}`, [at, id]);
  return r ? (await withEvents(q, [toSite(r)]))[0] : null;
}

export interface NewSiteEvent {
  siteId: string;
  type: SiteEventType;
  at: Date | null; // null: the time of recording
  reason: string;
  recordedRole: string;
}

export async function insertSiteEvent(q: Queryable, e: NewSiteEvent, recordedBy: string | null): Promise<Written<SiteEventRecord>> {
  const [r] = await q.query(
    `INSERT INTO site_events (site_id, type, at, reason, recorded_by, recorded_role) VALUES ($1, $2, coalesce($3, now()), $4, $5, $6) RETURNING *`,
    [e.siteId, e.type, e.at, e.reason, recordedBy, e.recordedRole],
  );
  return { ...toEvent(r), row: r };
}

/** The site a withdrawal or rejection belongs to, or null for an unknown event. */
export async function siteOfEvent(q: Queryable, eventId: string): Promise<string | null> {
  const [r] = await q.query('SELECT site_id FROM site_events WHERE id = $1', [eventId]);
  return r ? String(r.site_id) : null;
}

/**
 * Notifications by one organisation (or, for an account of none, by that account) in the 24 hours
 * before now. Takes a transaction-scoped lock on the notifier first, so two notifications at once
 * cannot both pass the count.
 */
export async function notificationsToday(q: Queryable, organisation: string | null, accountId: string | null): Promise<number> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`site-notifier:${organisation ?? accountId}`]);
  const [r] = await q.query(
    `SELECT count(*)::int AS n FROM sites WHERE notified_at > now() - interval '24 hours' AND (CASE WHEN $1::text IS NULL THEN notified_by = $2 AND organisation IS NULL ELSE organisation = $1 END)`,
    [organisation, accountId],
  );
  return r.n;
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
  /** Only sites of this status at `at`; 'all' for every site whose notified window covers `at`. */
  status: SiteStatus | 'all';
  /** Keyset: only sites recorded after this one. */
  afterSeq?: number;
  limit: number;
}

/** Sites whose notified window covers a time (by default only those still in force then), in the order they were notified. */
export async function listSites(q: Queryable, f: SiteFilter): Promise<SiteRecord[]> {
  const rows = await q.query(
    `SELECT * FROM (
       ${SELECT_SITE}
       WHERE x.valid_from <= $1 AND (x.valid_to IS NULL OR x.valid_to > $1)
         AND ($2::text IS NULL OR x.kind = $2)
         AND ($3::float8[] IS NULL OR ST_Intersects(x.geom, ST_MakeEnvelope($3[1], $3[2], $3[3], $3[4], 4326)))
         AND ($4::uuid IS NULL OR x.notified_by = $4 OR ($5::text IS NOT NULL AND x.organisation = $5))
         AND x.seq > $6
     ) s WHERE $8::text = 'all' OR s.status = $8
     ORDER BY s.seq LIMIT $7`,
    [f.at, f.kind ?? null, f.bbox ?? null, f.notifier?.accountId ?? null, f.notifier?.organisation ?? null, f.afterSeq ?? 0, f.limit, f.status],
  );
  return withEvents(q, rows.map(toSite));
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

// Plain data for in-memory indexes (vetting), as the record stood at a version: times in epoch ms.

export interface SiteArea {
  id: string;
  kind: SiteKind;
  name: string;
  geometry: { type: 'Point'; coordinates: Position } | { type: 'Polygon'; coordinates: Position[][] };
  bufferM: number;
  validFrom: number;
  /** Exclusive; null: open-ended. */
  validTo: number | null;
}

export interface CorridorRoute {
  id: string;
  name: string;
  /** LineString coordinates. */
  coordinates: Position[];
  /** Either side of the route. */
  widthM: number;
  /** The window, both ends included. */
  validFrom: number;
  validTo: number;
}

const ms = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());
const onlyIds = (ids: string[] | null) => (ids ? ' AND x.id = ANY($1::uuid[])' : '');

/**
 * Sites as of the version (null: now), with their events as of the same version folded into the
 * window: a withdrawal from T ends it at T (the earlier of T and validTo); a rejection empties it
 * (validTo = validFrom), so a rejected site counts at no time from the version its leaf precedes
 * on, while a replay at an earlier version still sees it. One statement for all of them.
 */
export async function siteAreas(q: Queryable, version: number | null, ids: string[] | null = null): Promise<SiteArea[]> {
  const rows = await q.query(
    `SELECT x.id, x.kind, x.name, x.buffer_m, x.valid_from,
            CASE WHEN ev.rejected THEN x.valid_from ELSE LEAST(x.valid_to, ev.withdrawn_at) END AS valid_to,
            ST_AsGeoJSON(x.geom) AS g
     FROM sites x
     LEFT JOIN LATERAL (
       SELECT bool_or(e.type = 'rejected') AS rejected, min(e.at) FILTER (WHERE e.type = 'withdrawn') AS withdrawn_at
       FROM site_events e WHERE e.site_id = x.id AND ${recordedBefore('site_event', version, 'e')}
     ) ev ON true
     WHERE ${recordedBefore('site', version, 'x')}${onlyIds(ids)}`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, geometry: JSON.parse(r.g), bufferM: Number(r.buffer_m), validFrom: ms(r.valid_from)!, validTo: ms(r.valid_to) }));
}

/** Corridors as of the version (null: now), in one statement. */
export async function corridorRoutes(q: Queryable, version: number | null, ids: string[] | null = null): Promise<CorridorRoute[]> {
  const rows = await q.query(
    `SELECT x.id, x.name, x.width_m, x.valid_from, x.valid_to, ST_AsGeoJSON(x.geom) AS g FROM corridors x WHERE ${recordedBefore('corridor', version, 'x')}${onlyIds(ids)}`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, coordinates: JSON.parse(r.g).coordinates, widthM: Number(r.width_m), validFrom: ms(r.valid_from)!, validTo: ms(r.valid_to)! }));
}

/** The site of each of these events (withdrawals, rejections), by event id; unknown ids are absent. */
export async function sitesOfEvents(q: Queryable, eventIds: string[]): Promise<Map<string, string>> {
  if (!eventIds.length) return new Map();
  const rows = await q.query('SELECT id::text AS id, site_id::text AS site_id FROM site_events WHERE id = ANY($1::uuid[])', [eventIds]);
  return new Map(rows.map((r) => [r.id, r.site_id]));
}

/** The sites with these ids, with their events, in notification order: a cache updating the few that changed. */
export async function sitesWithIds(q: Queryable, ids: string[]): Promise<SiteRecord[]> {
  if (!ids.length) return [];
  const rows = await q.query(`${SELECT_SITE} WHERE x.id = ANY($2::uuid[]) ORDER BY x.seq`, [new Date(), ids]);
  return withEvents(q, rows.map(toSite));
}

/**
 * Every site ever notified after `afterSeq`, at most `limit`, in notification order, with its
 * events and its geometry: for caches that answer "which site was near this point then" (status
 * as of now). Read page by page (keyset on seq, which migration 021 indexes), so on PGlite (one
 * thread) other queries run between the pages. The geometry comes in the same read: a site is a
 * point or a small polygon, and reading those a cache lacked by id afterwards cost the database
 * more than the page itself (2,000 ids bound and looked up a page).
 */
export async function allSites(q: Queryable, afterSeq = -1, limit = 1_000_000_000): Promise<SiteRecord[]> {
  const rows = await q.query(`${SELECT_PAGE} WHERE x.seq > $2 ORDER BY x.seq LIMIT $3`, [new Date(), afterSeq, limit]);
  return withEvents(q, rows.map(toSite));
}

