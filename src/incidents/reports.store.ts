// Reports' SQL: batched inserts (one statement per batch, rows as a JSON recordset), reads, the
// enrichment column, and the Idempotency-Key records of POST /reports and /reports/batch.
import type { Queryable, Row } from '../db/db.ts';
import type { EventType } from './acled.ts';
import type { LocationPrecision, OccurredPrecision } from './group.ts';
import type { Channel } from './report-schemas.ts';
import type { Casualties } from './summary.ts';

/** A report row as intake builds it (snake_case: it goes to jsonb_to_recordset as it is). */
export interface NewReport {
  id: string;
  channel: Channel;
  occurred_at: string;
  occurred_precision: OccurredPrecision;
  occurred_from: string;
  occurred_to: string;
  lon: number | null;
  lat: number | null;
  location_precision: LocationPrecision | null;
  place_name: string | null;
  event_type: EventType;
  perpetrator_party_ids: string[];
  target_party_ids: string[];
  casualties: Casualties;
  sources: { url?: string; description?: string; sha256?: string }[];
  text: string | null;
  source_ref: string | null;
  reporter_id: string;
  reporter_role: string;
  reporter_party_id: string | null;
  reporter_organisation: string | null;
  enrichment: object;
}

export interface ReportRecord {
  id: string;
  seq: number;
  channel: Channel;
  occurredAt: Date;
  occurredPrecision: OccurredPrecision;
  occurredFrom: Date;
  occurredTo: Date;
  location: [number, number] | null;
  locationPrecision: LocationPrecision | null;
  placeName: string | null;
  eventType: EventType;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Casualties;
  sources: { url?: string; description?: string; sha256?: string }[];
  text: string | null;
  sourceRef: string | null;
  reporterId: string;
  reporterRole: string;
  reporterPartyId: string | null;
  reporterOrganisation: string | null;
  filedAt: Date;
  enrichment: Row;
  enrichedAt: Date | null;
  incidentId: string | null;
}

/** A time as the driver gives it, or as intake sent it (ISO text). */
const time = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export const toReport = (r: Row): ReportRecord => ({
  id: r.id,
  seq: Number(r.seq),
  channel: r.channel,
  occurredAt: time(r.occurred_at),
  occurredPrecision: r.occurred_precision,
  occurredFrom: time(r.occurred_from),
  occurredTo: time(r.occurred_to),
  location: r.lon === null || r.lon === undefined ? null : [Number(r.lon), Number(r.lat)],
  locationPrecision: r.location_precision,
  placeName: r.place_name,
  eventType: r.event_type,
  perpetratorPartyIds: r.perpetrator_party_ids,
  targetPartyIds: r.target_party_ids,
  casualties: r.casualties,
  sources: r.sources,
  text: r.text,
  sourceRef: r.source_ref,
  reporterId: r.reporter_id,
  reporterRole: r.reporter_role,
  reporterPartyId: r.reporter_party_id,
  reporterOrganisation: r.reporter_organisation,
  filedAt: r.filed_at,
  enrichment: r.enrichment,
  enrichedAt: r.enriched_at,
  incidentId: r.incident_id ?? null,
});

const COLUMNS = `id, channel, occurred_at, occurred_precision, occurred_from, occurred_to, location, location_precision, place_name, event_type,
  perpetrator_party_ids, target_party_ids, casualties, sources, text, source_ref, reporter_id, reporter_role, reporter_party_id, reporter_organisation,
  enrichment, enriched_at`;
const RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(id uuid, channel text, occurred_at timestamptz, occurred_precision text, occurred_from timestamptz,
  occurred_to timestamptz, lon float8, lat float8, location_precision text, place_name text, event_type text, perpetrator_party_ids uuid[],
  target_party_ids uuid[], casualties jsonb, sources jsonb, text text, source_ref text, reporter_id uuid, reporter_role text, reporter_party_id uuid,
  reporter_organisation text, enrichment jsonb)`;
const VALUES = `x.id, x.channel, x.occurred_at, x.occurred_precision, x.occurred_from, x.occurred_to,
  CASE WHEN x.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) END, x.location_precision, x.place_name, x.event_type,
  x.perpetrator_party_ids, x.target_party_ids, x.casualties, x.sources, x.text, x.source_ref, x.reporter_id, x.reporter_role, x.reporter_party_id,
  x.reporter_organisation, x.enrichment, now()`;

/**
 * Inserts the rows in one statement. Returns, by id, the row as stored (what the ledger hashes)
 * built from what was sent plus the few columns the database fills in (seq, filed_at, the point
 * as PostGIS writes it, the salt): reading every column back cost a third of the insert. A row
 * whose (channel, sourceRef) is already stored is skipped: absent from the map.
 */
export async function insertReports(q: Queryable, rows: NewReport[]): Promise<Map<string, Row>> {
  if (!rows.length) return new Map();
  // the arbiter only where a row names a sourceRef: ON CONFLICT makes every row a speculative insert
  const conflict = rows.some((r) => r.source_ref !== null) ? 'ON CONFLICT (channel, source_ref) WHERE source_ref IS NOT NULL DO NOTHING' : '';
  const out = await q.query(`INSERT INTO reports (${COLUMNS}) SELECT ${VALUES} FROM ${RECORDSET} ${conflict} RETURNING id, seq, filed_at, enriched_at, location, salt`, [
    JSON.stringify(rows),
  ]);
  const sent = new Map(rows.map((r) => [r.id, r]));
  return new Map(
    out.map((r) => {
      const { lon, lat, ...row } = sent.get(String(r.id))!;
      return [String(r.id), { ...row, ...r, lon, lat, incident_id: null }];
    }),
  );
}

/** The same statement without reading anything back: the benchmark's raw baseline. */
export async function insertReportsRaw(q: Queryable, rows: NewReport[]): Promise<void> {
  await q.query(`INSERT INTO reports (${COLUMNS}) SELECT ${VALUES} FROM ${RECORDSET}`, [JSON.stringify(rows)]);
}

/** Reports already imported under these (channel, sourceRef) keys: key `${channel}\u0000${sourceRef}` → id. */
export async function existingSourceRefs(q: Queryable, keys: { channel: string; sourceRef: string }[]): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const rows = await q.query(
    'SELECT r.id, r.channel, r.source_ref FROM reports r JOIN unnest($1::text[], $2::text[]) AS k (c, s) ON r.channel = k.c AND r.source_ref = k.s',
    [keys.map((k) => k.channel), keys.map((k) => k.sourceRef)],
  );
  return new Map(rows.map((r) => [`${r.channel}\u0000${r.source_ref}`, String(r.id)]));
}

const SELECT = `SELECT r.*, ST_X(r.location) AS lon, ST_Y(r.location) AS lat, ir.incident_id FROM reports r LEFT JOIN incident_reports ir ON ir.report_id = r.id`;

export async function getReport(q: Queryable, id: string): Promise<ReportRecord | null> {
  const [r] = await q.query(`${SELECT} WHERE r.id = $1`, [id]);
  return r ? toReport(r) : null;
}

export async function getReports(q: Queryable, ids: string[]): Promise<ReportRecord[]> {
  if (!ids.length) return [];
  return (await q.query(`${SELECT} WHERE r.id = ANY($1::uuid[]) ORDER BY r.seq`, [ids])).map(toReport);
}

export interface ReenrichRow {
  id: string;
  seq: number;
  lon: number | null;
  lat: number | null;
  locationPrecision: LocationPrecision | null;
  occurredAt: Date;
  enrichment: Row;
  incidentId: string | null;
}

/** A page of reports (in filing order, after `afterSeq`) that happened at or after `since`. */
export async function reportsToReenrich(q: Queryable, f: { since: Date | null; afterSeq: number; limit: number }): Promise<ReenrichRow[]> {
  const rows = await q.query(
    `SELECT r.id, r.seq, ST_X(r.location) AS lon, ST_Y(r.location) AS lat, r.location_precision, r.occurred_at, r.enrichment, ir.incident_id
     FROM reports r LEFT JOIN incident_reports ir ON ir.report_id = r.id
     WHERE r.seq > $1 AND ($2::timestamptz IS NULL OR r.occurred_at >= $2) ORDER BY r.seq LIMIT $3`,
    [f.afterSeq, f.since, f.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    lon: r.lon === null ? null : Number(r.lon),
    lat: r.lat === null ? null : Number(r.lat),
    locationPrecision: r.location_precision,
    occurredAt: r.occurred_at,
    enrichment: r.enrichment,
    incidentId: r.incident_id,
  }));
}

export async function updateEnrichments(q: Queryable, rows: { id: string; enrichment: object }[]): Promise<void> {
  await q.query(
    `UPDATE reports r SET enrichment = x.enrichment, enriched_at = now() FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, enrichment jsonb) WHERE r.id = x.id`,
    [JSON.stringify(rows)],
  );
}

// ---- Idempotency-Key records ----

export interface IdempotencyRecord {
  route: string;
  bodyHash: string;
  status: number;
  /** The answer's JSON text as it was sent. */
  response: string;
  createdAt: Date;
}

/** Holds the key (account, key) until the transaction ends: a concurrent retry waits here, then finds the answer. */
export async function lockIdempotencyKey(q: Queryable, accountId: string, key: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7240301))', [`${accountId} ${key}`]);
}

export async function getIdempotency(q: Queryable, accountId: string, key: string): Promise<IdempotencyRecord | null> {
  const [r] = await q.query('SELECT route, body_hash, status, response #>> \'{}\' AS response, created_at FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
  return r ? { route: r.route, bodyHash: r.body_hash, status: Number(r.status), response: r.response, createdAt: r.created_at } : null;
}

/**
 * Keeps the first answer for the key (replacing an expired record of it). The answer is kept as
 * its JSON text in a jsonb string: a retry gets the same bytes, and parsing a megabyte of
 * answer into jsonb cost a tenth of the batch it answered.
 */
export async function saveIdempotency(q: Queryable, accountId: string, key: string, rec: Omit<IdempotencyRecord, 'createdAt' | 'response'>, responseJson: string): Promise<void> {
  await q.query(
    `INSERT INTO idempotency_keys (account_id, key, route, body_hash, status, response) VALUES ($1, $2, $3, $4, $5, to_jsonb($6::text))
     ON CONFLICT (account_id, key) DO UPDATE SET route = EXCLUDED.route, body_hash = EXCLUDED.body_hash, status = EXCLUDED.status,
       response = EXCLUDED.response, created_at = now()`,
    [accountId, key, rec.route, rec.bodyHash, rec.status, responseJson],
  );
}

/** Removes some keys older than the TTL (a bounded number per call, so each save keeps the table in step at a fixed cost). */
export async function pruneIdempotency(q: Queryable, ttlS: number, max = 100): Promise<void> {
  await q.query(
    `DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2))`,
    [ttlS, max],
  );
}
