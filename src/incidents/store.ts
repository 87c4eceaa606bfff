// SQL of the investigation desk: incidents as reviewers change them, their events, claims,
// requests for information and answers, determinations and concurrences; the lists and counts,
// with who-sees-what (visibility.ts) written as a WHERE clause so a count never tells more than a list.
import type { Queryable, Row, Written } from '../db/db.ts';
import type { Grade, IncidentStatus } from './review.ts';

export interface Point {
  type: 'Point';
  coordinates: [number, number];
}

export interface IncidentRecord {
  id: string;
  seq: number;
  status: IncidentStatus;
  grade: Grade | null;
  reasoning: string | null;
  eventType: string;
  occurredFrom: Date;
  occurredTo: Date;
  location: Point | null;
  locationPrecision: string | null;
  pcodes: Record<string, unknown>;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Record<string, unknown>;
  reportCount: number;
  mergedInto: string | null;
  publishedAt: Date | null;
  publishedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Parties asked for information about it, or about an incident merged into it (read by getIncident, empty in lists). */
  requestedPartyIds: string[];
}

// one incident read on its own carries every party asked about it, which decides a liaison's view
// (a list's WHERE clause decides instead: its rows carry none, see listIncidents)
const REQUESTED = `ARRAY(SELECT DISTINCT r.addressed_to_party_id FROM info_requests r
  WHERE r.incident_id = i.id OR r.incident_id IN (SELECT m.id FROM incidents m WHERE m.merged_into = i.id))`;
const COLUMNS = `i.*, ST_AsGeoJSON(i.location) AS geojson, ${REQUESTED} AS requested_party_ids`;
const LIST_COLUMNS = `i.*, ST_AsGeoJSON(i.location) AS geojson`;

const toIncident = (r: Row): IncidentRecord => ({
  id: r.id,
  seq: Number(r.seq),
  status: r.status,
  grade: r.grade,
  reasoning: r.reasoning,
  eventType: r.event_type,
  occurredFrom: r.occurred_from,
  occurredTo: r.occurred_to,
  location: r.geojson ? JSON.parse(r.geojson) : null,
  locationPrecision: r.location_precision,
  pcodes: r.pcodes ?? {},
  perpetratorPartyIds: r.perpetrator_party_ids ?? [],
  targetPartyIds: r.target_party_ids ?? [],
  casualties: r.casualties ?? {},
  reportCount: Number(r.report_count),
  mergedInto: r.merged_into,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  requestedPartyIds: r.requested_party_ids ?? [],
});

export async function getIncident(q: Queryable, id: string, lock = false): Promise<IncidentRecord | null> {
  if (lock) await q.query('SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query(`SELECT ${COLUMNS} FROM incidents i WHERE i.id = $1`, [id]);
  return r ? toIncident(r) : null;
}

/** Several incidents, locked in id order (two merges of the same incidents cannot deadlock). */
export async function getIncidents(q: Queryable, ids: string[], lock = false): Promise<Map<string, IncidentRecord>> {
  if (lock) await q.query('SELECT 1 FROM incidents WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  const rows = await q.query(`SELECT ${COLUMNS} FROM incidents i WHERE i.id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id as string, toIncident(r)]));
}

/** The incident and every incident merged into it (their claims, requests and determinations are its own now). */
export async function familyOf(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  const rows = await q.query('SELECT id, coalesce(merged_into, id) AS head FROM incidents WHERE id = ANY($1::uuid[]) OR merged_into = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id as string, r.head as string]));
}

const returning = async (q: Queryable, sql: string, params: unknown[]): Promise<Written<IncidentRecord>> => {
  const [r] = await q.query(`WITH w AS (${sql} RETURNING *) SELECT w.*, ST_AsGeoJSON(w.location) AS geojson, '{}'::uuid[] AS requested_party_ids FROM w`, params);
  return { ...toIncident(r), row: r };
};

export async function setReview(q: Queryable, id: string, status: IncidentStatus, grade: Grade | null, reasoning: string): Promise<Written<IncidentRecord>> {
  return returning(q, 'UPDATE incidents SET status = $2, grade = $3, reasoning = $4, updated_at = now() WHERE id = $1', [id, status, grade, reasoning]);
}

export async function setPublished(q: Queryable, id: string, by: string | null): Promise<Written<IncidentRecord>> {
  return returning(q, 'UPDATE incidents SET published_at = now(), published_by = $2, updated_at = now() WHERE id = $1', [id, by]);
}

/** The incident is merged away: its reports have moved, so it counts none. */
export async function setMerged(q: Queryable, id: string, into: string): Promise<Written<IncidentRecord>> {
  return returning(q, "UPDATE incidents SET status = 'merged', merged_into = $2, report_count = 0, updated_at = now() WHERE id = $1", [id, into]);
}

/** Incidents merged into `from` follow it into `to`, so a merged incident always names a live one. */
export async function repointMerged(q: Queryable, from: string, to: string): Promise<string[]> {
  const rows = await q.query('UPDATE incidents SET merged_into = $2, updated_at = now() WHERE merged_into = $1 RETURNING id', [from, to]);
  return rows.map((r) => r.id as string);
}

/** A new incident for a split, carrying the original's type and window until its summary is recomputed from its reports. */
export async function insertIncidentLike(q: Queryable, from: IncidentRecord): Promise<Written<IncidentRecord>> {
  return returning(
    q,
    'INSERT INTO incidents (event_type, occurred_from, occurred_to, location_precision, pcodes) VALUES ($1, $2, $3, $4, $5)',
    [from.eventType, from.occurredFrom, from.occurredTo, from.locationPrecision, JSON.stringify(from.pcodes)],
  );
}

export interface Placement {
  reportId: string;
  incidentId: string;
  pinned: boolean;
}

export async function placementsOf(q: Queryable, incidentIds: string[]): Promise<Placement[]> {
  const rows = await q.query('SELECT report_id, incident_id, pinned FROM incident_reports WHERE incident_id = ANY($1::uuid[]) ORDER BY placed_at, report_id', [incidentIds]);
  return rows.map((r) => ({ reportId: r.report_id, incidentId: r.incident_id, pinned: r.pinned }));
}

/** A reviewer places reports: moved into `incidentId` and pinned there, so grouping never moves them again. */
export async function placeReports(q: Queryable, reportIds: string[], incidentId: string, by: string | null): Promise<void> {
  await q.query(
    `INSERT INTO incident_reports (report_id, incident_id, pinned, placed_by) SELECT unnest($1::uuid[]), $2, true, $3
     ON CONFLICT (report_id) DO UPDATE SET incident_id = EXCLUDED.incident_id, pinned = true, placed_by = EXCLUDED.placed_by, placed_at = now()`,
    [reportIds, incidentId, by],
  );
}

// ---- events: review, merge, split, publish

export interface IncidentEventRecord {
  id: string;
  seq: number;
  incidentId: string;
  type: 'review' | 'merge' | 'split' | 'publish';
  status: string | null;
  grade: string | null;
  reasoning: string | null;
  detail: Record<string, unknown>;
  recordedBy: string | null;
  recordedRole: string;
  recordedAt: Date;
}

const toEvent = (r: Row): IncidentEventRecord => ({
  id: r.id,
  seq: Number(r.seq),
  incidentId: r.incident_id,
  type: r.type,
  status: r.status,
  grade: r.grade,
  reasoning: r.reasoning,
  detail: r.detail ?? {},
  recordedBy: r.recorded_by,
  recordedRole: r.recorded_role,
  recordedAt: r.recorded_at,
});

export async function insertEvent(
  q: Queryable,
  e: { incidentId: string; type: IncidentEventRecord['type']; status?: string | null; grade?: string | null; reasoning?: string | null; detail?: Record<string, unknown> },
  by: { accountId: string | null; role: string },
): Promise<Written<IncidentEventRecord>> {
  const [r] = await q.query(
    'INSERT INTO incident_events (incident_id, type, status, grade, reasoning, detail, recorded_by, recorded_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *',
    [e.incidentId, e.type, e.status ?? null, e.grade ?? null, e.reasoning ?? null, JSON.stringify(e.detail ?? {}), by.accountId, by.role],
  );
  return { ...toEvent(r), row: r };
}

export async function listEvents(q: Queryable, incidentId: string): Promise<IncidentEventRecord[]> {
  return (await q.query('SELECT * FROM incident_events WHERE incident_id = $1 ORDER BY seq', [incidentId])).map(toEvent);
}

export async function getEvent(q: Queryable, id: string): Promise<IncidentEventRecord | null> {
  const [r] = await q.query('SELECT * FROM incident_events WHERE id = $1', [id]);
  return r ? toEvent(r) : null;
}

// ---- claims

export interface ClaimRecord {
  id: string;
  seq: number;
  incidentId: string;
  partyId: string;
  claimedAt: Date;
  text: string;
  perpetratorPartyIds: string[];
  casualties: Record<string, unknown>;
  source: string | null;
  recordedBy: string | null;
  recordedRole: string;
  recordedAt: Date;
}

const toClaim = (r: Row): ClaimRecord => ({
  id: r.id,
  seq: Number(r.seq),
  incidentId: r.incident_id,
  partyId: r.party_id,
  claimedAt: r.claimed_at,
  text: r.text,
  perpetratorPartyIds: r.perpetrator_party_ids ?? [],
  casualties: r.casualties ?? {},
  source: r.source,
  recordedBy: r.recorded_by,
  recordedRole: r.recorded_role,
  recordedAt: r.recorded_at,
});

export async function insertClaim(
  q: Queryable,
  c: { incidentId: string; partyId: string; claimedAt: Date; text: string; perpetratorPartyIds: string[]; casualties: object; source: string | null },
  by: { accountId: string | null; role: string },
): Promise<Written<ClaimRecord>> {
  const [r] = await q.query(
    `INSERT INTO claims (incident_id, party_id, claimed_at, text, perpetrator_party_ids, casualties, source, recorded_by, recorded_role)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [c.incidentId, c.partyId, c.claimedAt, c.text, c.perpetratorPartyIds, JSON.stringify(c.casualties), c.source, by.accountId, by.role],
  );
  return { ...toClaim(r), row: r };
}

/** Claims about these incidents (ids of whole families), in the order they were made. */
export async function listClaims(q: Queryable, incidentIds: string[]): Promise<ClaimRecord[]> {
  return (await q.query('SELECT * FROM claims WHERE incident_id = ANY($1::uuid[]) ORDER BY claimed_at, seq', [incidentIds])).map(toClaim);
}

export async function getClaim(q: Queryable, id: string): Promise<ClaimRecord | null> {
  const [r] = await q.query('SELECT * FROM claims WHERE id = $1', [id]);
  return r ? toClaim(r) : null;
}

// ---- requests for information and answers

export interface RequestRecord {
  id: string;
  seq: number;
  incidentId: string;
  addressedToPartyId: string;
  question: string;
  dueAt: Date;
  askedBy: string | null;
  askedAt: Date;
  answered: boolean;
}

export interface AnswerRecord {
  id: string;
  seq: number;
  requestId: string;
  text: string;
  answeredBy: string | null;
  answeredAt: Date;
}

const ANSWERED = 'EXISTS (SELECT 1 FROM info_answers a WHERE a.request_id = r.id)';
const toRequest = (r: Row): RequestRecord => ({
  id: r.id,
  seq: Number(r.seq),
  incidentId: r.incident_id,
  addressedToPartyId: r.addressed_to_party_id,
  question: r.question,
  dueAt: r.due_at,
  askedBy: r.asked_by,
  askedAt: r.asked_at,
  answered: Boolean(r.answered),
});
const toAnswer = (r: Row): AnswerRecord => ({ id: r.id, seq: Number(r.seq), requestId: r.request_id, text: r.text, answeredBy: r.answered_by, answeredAt: r.answered_at });

export async function insertRequest(
  q: Queryable,
  x: { incidentId: string; addressedToPartyId: string; question: string; dueAt: Date; askedAt?: Date },
  by: string | null,
): Promise<Written<RequestRecord>> {
  const [r] = await q.query(
    'INSERT INTO info_requests (incident_id, addressed_to_party_id, question, due_at, asked_by, asked_at) VALUES ($1, $2, $3, $4, $5, coalesce($6, now())) RETURNING *, false AS answered',
    [x.incidentId, x.addressedToPartyId, x.question, x.dueAt, by, x.askedAt ?? null],
  );
  return { ...toRequest(r), row: r };
}

export async function getRequest(q: Queryable, id: string, lock = false): Promise<RequestRecord | null> {
  if (lock) await q.query('SELECT 1 FROM info_requests WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query(`SELECT r.*, ${ANSWERED} AS answered FROM info_requests r WHERE r.id = $1`, [id]);
  return r ? toRequest(r) : null;
}

export async function listRequests(q: Queryable, incidentIds: string[]): Promise<RequestRecord[]> {
  return (await q.query(`SELECT r.*, ${ANSWERED} AS answered FROM info_requests r WHERE r.incident_id = ANY($1::uuid[]) ORDER BY r.asked_at, r.seq`, [incidentIds])).map(toRequest);
}

export async function insertAnswer(q: Queryable, a: { requestId: string; text: string; answeredAt?: Date }, by: string | null): Promise<Written<AnswerRecord>> {
  const [r] = await q.query('INSERT INTO info_answers (request_id, text, answered_by, answered_at) VALUES ($1, $2, $3, coalesce($4, now())) RETURNING *', [
    a.requestId,
    a.text,
    by,
    a.answeredAt ?? null,
  ]);
  return { ...toAnswer(r), row: r };
}

export async function listAnswers(q: Queryable, requestIds: string[]): Promise<AnswerRecord[]> {
  return (await q.query('SELECT * FROM info_answers WHERE request_id = ANY($1::uuid[]) ORDER BY answered_at, seq', [requestIds])).map(toAnswer);
}

export async function getAnswer(q: Queryable, id: string): Promise<AnswerRecord | null> {
  const [r] = await q.query('SELECT * FROM info_answers WHERE id = $1', [id]);
  return r ? toAnswer(r) : null;
}

// ---- determinations and concurrences

export interface DeterminationRecord {
  id: string;
  seq: number;
  incidentId: string;
  finding: 'violation' | 'no_violation' | 'inconclusive';
  violatorPartyIds: string[];
  reasoning: string;
  proposedBy: string | null;
  proposedPartyId: string | null;
  proposedAt: Date;
}

export interface ConcurrenceRecord {
  id: string;
  seq: number;
  determinationId: string;
  partyId: string;
  concurredBy: string | null;
  concurredAt: Date;
}

const toDetermination = (r: Row): DeterminationRecord => ({
  id: r.id,
  seq: Number(r.seq),
  incidentId: r.incident_id,
  finding: r.finding,
  violatorPartyIds: r.violator_party_ids ?? [],
  reasoning: r.reasoning,
  proposedBy: r.proposed_by,
  proposedPartyId: r.proposed_party_id,
  proposedAt: r.proposed_at,
});
const toConcurrence = (r: Row): ConcurrenceRecord => ({ id: r.id, seq: Number(r.seq), determinationId: r.determination_id, partyId: r.party_id, concurredBy: r.concurred_by, concurredAt: r.concurred_at });

export async function insertDetermination(
  q: Queryable,
  d: { incidentId: string; finding: DeterminationRecord['finding']; violatorPartyIds: string[]; reasoning: string; proposedPartyId: string },
  by: string | null,
): Promise<Written<DeterminationRecord>> {
  const [r] = await q.query(
    'INSERT INTO determinations (incident_id, finding, violator_party_ids, reasoning, proposed_by, proposed_party_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
    [d.incidentId, d.finding, d.violatorPartyIds, d.reasoning, by, d.proposedPartyId],
  );
  return { ...toDetermination(r), row: r };
}

export async function getDetermination(q: Queryable, id: string, lock = false): Promise<DeterminationRecord | null> {
  const [r] = await q.query(`SELECT * FROM determinations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toDetermination(r) : null;
}

/** Determinations about these incidents (ids of whole families), oldest first. */
export async function listDeterminations(q: Queryable, incidentIds: string[]): Promise<DeterminationRecord[]> {
  return (await q.query('SELECT * FROM determinations WHERE incident_id = ANY($1::uuid[]) ORDER BY proposed_at, seq', [incidentIds])).map(toDetermination);
}

export async function insertConcurrence(q: Queryable, c: { determinationId: string; partyId: string }, by: string | null): Promise<Written<ConcurrenceRecord>> {
  const [r] = await q.query('INSERT INTO concurrences (determination_id, party_id, concurred_by) VALUES ($1, $2, $3) RETURNING *', [c.determinationId, c.partyId, by]);
  return { ...toConcurrence(r), row: r };
}

export async function listConcurrences(q: Queryable, determinationIds: string[]): Promise<ConcurrenceRecord[]> {
  return (await q.query('SELECT * FROM concurrences WHERE determination_id = ANY($1::uuid[]) ORDER BY concurred_at, seq', [determinationIds])).map(toConcurrence);
}

export async function getConcurrence(q: Queryable, id: string): Promise<ConcurrenceRecord | null> {
  const [r] = await q.query('SELECT * FROM concurrences WHERE id = $1', [id]);
  return r ? toConcurrence(r) : null;
}

// ---- lists and counts

/** visibility.ts as SQL: the desk sees all; a liaison what names or asks its party, and what is published; the rest what is published. */
export type Visibility = { all: true } | { all: false; partyId: string | null };

export interface IncidentFilter {
  bbox?: [number, number, number, number];
  from?: Date;
  to?: Date;
  type?: string;
  partyId?: string;
  status?: IncidentStatus;
  grade?: Grade;
  pcode?: string;
}

export type IncidentSort = 'occurredFrom' | '-occurredFrom' | 'updatedAt' | '-updatedAt';
const SORT_COLUMN = { occurredFrom: 'occurred_from', updatedAt: 'updated_at' } as const;

/** An incident's window as a range (the expression of migration 019's indexes, written exactly so). */
const WINDOW = `tstzrange(least(i.occurred_from, i.occurred_to), greatest(i.occurred_from, i.occurred_to), '[]')`;

/** Builds the WHERE clause of a list or count: visibility first, then the caller's filters. */
function where(v: Visibility, f: IncidentFilter, params: unknown[]): string[] {
  const p = (x: unknown) => `$${params.push(x)}`;
  const w: string[] = [];
  if (!v.all) {
    const seen = ['i.published_at IS NOT NULL'];
    if (v.partyId) {
      const party = p(v.partyId);
      seen.push(
        `i.perpetrator_party_ids @> ARRAY[${party}]::uuid[]`,
        `i.target_party_ids @> ARRAY[${party}]::uuid[]`,
        // the incidents its party was asked about (a merged one's requests belong to its successor): one small set, hashed once
        `i.id IN (SELECT coalesce(m.merged_into, m.id) FROM info_requests r JOIN incidents m ON m.id = r.incident_id WHERE r.addressed_to_party_id = ${party})`,
      );
    }
    w.push(`(${seen.join(' OR ')})`);
  }
  // merged incidents live on in the one they were merged into; only asked for by name
  w.push(f.status ? `i.status = ${p(f.status)}` : "i.status <> 'merged'");
  if (f.bbox) w.push(`i.location && ST_MakeEnvelope(${f.bbox.map(p).join(', ')}, 4326)`);
  if (f.from || f.to) {
    // The window overlaps [from, to]: as a range test first, which the GiST index of migration 019
    // answers (two btree bounds cannot: "starts before to" alone is most of the table). It is implied
    // by the two comparisons below (also for a window written backwards), which stay and decide.
    const from = f.from ? `${p(f.from)}::timestamptz` : 'NULL';
    const to = f.to ? `${p(f.to)}::timestamptz` : 'NULL';
    const q = f.from && f.to ? `tstzrange(least(${from}, ${to}), greatest(${from}, ${to}), '[]')` : `tstzrange(${from}, ${to}, '[]')`;
    w.push(`${WINDOW} && ${q}`);
  }
  // (written so that no btree index matches them: the planner otherwise ANDs in the bitmap of the
  // (occurred_from, occurred_to) index, most of the table, for nothing)
  if (f.from) w.push(`(i.occurred_to >= ${p(f.from)}) IS TRUE`);
  if (f.to) w.push(`(i.occurred_from <= ${p(f.to)}) IS TRUE`);
  if (f.type) w.push(`i.event_type = ${p(f.type)}`);
  if (f.grade) w.push(`i.grade = ${p(f.grade)}`);
  if (f.partyId) {
    const party = p(f.partyId);
    w.push(`(i.perpetrator_party_ids @> ARRAY[${party}]::uuid[] OR i.target_party_ids @> ARRAY[${party}]::uuid[])`);
  }
  if (f.pcode) {
    // any level: the code is the incident's governorate, district or sub-district (each an expression index, migration 013)
    const code = p(f.pcode);
    w.push(`(${['adm1', 'adm2', 'adm3'].map((l) => `i.pcodes->'${l}'->>'code' = ${code}`).join(' OR ')})`);
  }
  return w;
}

/** Microseconds since the epoch: the keyset of a page, exact where a JavaScript Date is not. */
const micros = (col: string) => `floor(extract(epoch FROM ${col}) * 1000000)::float8`;

export async function listIncidents(
  q: Queryable,
  v: Visibility,
  f: IncidentFilter,
  page: { sort: IncidentSort; after?: [number, string]; limit: number },
): Promise<{ items: IncidentRecord[]; keys: [number, string][] }> {
  const params: unknown[] = [];
  const w = where(v, f, params);
  const desc = page.sort.startsWith('-');
  const col = `i.${SORT_COLUMN[page.sort.replace('-', '') as keyof typeof SORT_COLUMN]}`;
  if (page.after) {
    const k = `$${params.push(page.after[0])}`;
    const id = `$${params.push(page.after[1])}`;
    w.push(`(${col}, i.id) ${desc ? '<' : '>'} (timestamptz 'epoch' + ${k}::bigint * interval '1 microsecond', ${id}::uuid)`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const rows = await q.query(
    `SELECT ${LIST_COLUMNS}, ${micros(col)} AS sort_key FROM incidents i WHERE ${w.join(' AND ')} ORDER BY ${col} ${dir}, i.id ${dir} LIMIT ${Number(page.limit)}`,
    params,
  );
  return { items: rows.map(toIncident), keys: rows.map((r) => [Number(r.sort_key), r.id as string]) };
}

export type AggregateBy = 'day' | 'adm1' | 'adm2' | 'party' | 'type';
const BUCKET: Record<AggregateBy, string> = {
  day: `(i.occurred_from AT TIME ZONE 'UTC')::date`, // a date hashes small: written out as YYYY-MM-DD after grouping
  adm1: `i.pcodes -> 'adm1' ->> 'code'`,
  adm2: `i.pcodes -> 'adm2' ->> 'code'`,
  type: 'i.event_type',
  party: 'p.party_id::text',
};

/** Counts of the incidents a list with these filters would give, by bucket; an incident counts once per party it names. */
export async function aggregateIncidents(q: Queryable, v: Visibility, f: IncidentFilter, by: AggregateBy): Promise<{ buckets: { key: string | null; count: number }[]; total: number }> {
  const params: unknown[] = [];
  const w = where(v, f, params).join(' AND ');
  const from =
    by === 'party'
      ? `incidents i CROSS JOIN LATERAL (SELECT DISTINCT x AS party_id FROM unnest(i.perpetrator_party_ids || i.target_party_ids) x) p`
      : 'incidents i';
  const order = by === 'day' ? 'key' : 'count DESC, key';
  const rows = await q.query(
    `SELECT ${by === 'day' ? "to_char(g.key, 'YYYY-MM-DD')" : 'g.key'} AS key, g.count FROM (
       SELECT ${BUCKET[by]} AS key, count(*)::int AS count FROM ${from} WHERE ${w} GROUP BY 1) g
     ORDER BY ${order} NULLS LAST`,
    params,
  );
  const buckets = rows.map((r) => ({ key: r.key as string | null, count: r.count as number }));
  // Every incident falls in exactly one bucket (a null key is a bucket), except by party: one bucket
  // per party it names, none when it names none; only there is the total a statement of its own.
  const total =
    by === 'party'
      ? (await q.query(`SELECT count(*)::int AS total FROM incidents i WHERE ${w}`, params))[0].total
      : buckets.reduce((n, b) => n + b.count, 0);
  return { buckets, total };
}

/** Requests for information the caller may see: addressed to a party, overdue (past due, unanswered), in order of due time. */
export async function listRequestsFiltered(
  q: Queryable,
  v: Visibility,
  f: { overdue?: boolean; partyId?: string; incidentId?: string },
  page: { after?: [number, string]; limit: number },
): Promise<{ items: RequestRecord[]; keys: [number, string][] }> {
  const params: unknown[] = [];
  const p = (x: unknown) => `$${params.push(x)}`;
  const w: string[] = [];
  if (!v.all) {
    // a merged incident's requests are published with the incident it was merged into
    const seen = ['coalesce(s.published_at, CASE WHEN i.merged_into IS NULL THEN i.published_at END) IS NOT NULL'];
    if (v.partyId) seen.push(`r.addressed_to_party_id = ${p(v.partyId)}`);
    w.push(`(${seen.join(' OR ')})`);
  }
  if (f.overdue !== undefined) w.push(`${f.overdue ? '' : 'NOT '}(r.due_at < now() AND NOT ${ANSWERED})`);
  if (f.partyId) w.push(`r.addressed_to_party_id = ${p(f.partyId)}`);
  if (f.incidentId) w.push(`coalesce(i.merged_into, i.id) = ${p(f.incidentId)}`);
  if (page.after) w.push(`(r.due_at, r.id) > (timestamptz 'epoch' + ${p(page.after[0])}::bigint * interval '1 microsecond', ${p(page.after[1])}::uuid)`);
  const rows = await q.query(
    `SELECT r.*, ${ANSWERED} AS answered, ${micros('r.due_at')} AS sort_key
     FROM info_requests r JOIN incidents i ON i.id = r.incident_id LEFT JOIN incidents s ON s.id = i.merged_into
     ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY r.due_at, r.id LIMIT ${Number(page.limit)}`,
    params,
  );
  return { items: rows.map(toRequest), keys: rows.map((r) => [Number(r.sort_key), r.id as string]) };
}

/** Is a report naming this source description stored (the demo's mark, so it loads once)? Serialises such loads first (until commit). */
export async function hasReportWithSource(q: Queryable, description: string): Promise<boolean> {
  await q.query('SELECT pg_advisory_xact_lock(7240220)');
  const [r] = await q.query('SELECT EXISTS (SELECT 1 FROM reports WHERE sources @> $1::jsonb) AS x', [JSON.stringify([{ description }])]);
  return Boolean(r.x);
}

// ---- bulk seeding (bench and test data only)

/**
 * Incidents by columns, one entry per incident in each array (bench/support/incidents-million.ts
 * draws them). `pcodes` and `parties` are small tables that rows index into, so a million rows
 * send a few bytes each: `unit[i]` is an index into `pcodes` (a JSON `{adm1, adm2, adm3}`) and
 * `perpetrators[i]`/`targets[i]` index into `parties` (each a uuid[] literal such as `{a,b}`).
 */
export interface IncidentColumns {
  id: string[];
  status: string[];
  grade: (string | null)[];
  eventType: string[];
  /** Milliseconds since the epoch. */
  from: number[];
  to: number[];
  lon: (number | null)[];
  lat: (number | null)[];
  precision: string[];
  unit: number[];
  pcodes: string[];
  perpetrators: number[];
  targets: number[];
  parties: string[];
  killed: number[];
  injured: number[];
  mergedInto: (string | null)[];
  /** Milliseconds since the epoch, or null when not published. */
  publishedAt: (number | null)[];
  /** Requests for information: incident ids and the party addressed, in parallel. */
  requestIncident: string[];
  requestParty: string[];
}

/**
 * Bench and test data only: inserts incidents in one statement (multi-row INSERT ... SELECT FROM
 * unnest), without reports or ledger leaves, so `truce verify` does not know them. Requests for
 * information about them go in a second statement.
 */
export async function insertIncidentsBulk(q: Queryable, c: IncidentColumns): Promise<void> {
  // casualties as summary.ts writes them: { killed: { best, low, high } } for each figure above 0
  const figures = (col: string) => `CASE WHEN x.${col} > 0 THEN jsonb_build_object('${col}', jsonb_build_object('best', x.${col}, 'low', x.${col}, 'high', x.${col})) ELSE '{}' END`;
  await q.query(
    `INSERT INTO incidents (id, status, grade, event_type, occurred_from, occurred_to, location, location_precision, pcodes,
       perpetrator_party_ids, target_party_ids, casualties, report_count, merged_into, published_at, created_at, updated_at)
     SELECT x.id, x.status, x.grade, x.event_type, to_timestamp(x.f / 1000.0), to_timestamp(x.t / 1000.0),
       CASE WHEN x.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) END, x.prec,
       ($11::jsonb[])[x.unit + 1], ($14::text[])[x.perp + 1]::uuid[], ($14::text[])[x.tgt + 1]::uuid[],
       ${figures('killed')} || ${figures('injured')}, 1, x.merged, to_timestamp(x.pub / 1000.0),
       to_timestamp(x.t / 1000.0), to_timestamp(x.t / 1000.0)
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::int[],
                 $12::int[], $13::int[], $15::int[], $16::int[], $17::uuid[], $18::float8[])
       AS x (id, status, grade, event_type, f, t, lon, lat, prec, unit, perp, tgt, killed, injured, merged, pub)`,
    [c.id, c.status, c.grade, c.eventType, c.from, c.to, c.lon, c.lat, c.precision, c.unit, c.pcodes, c.perpetrators, c.targets, c.parties, c.killed, c.injured, c.mergedInto, c.publishedAt],
  );
  if (c.requestIncident.length) {
    await q.query(
      `INSERT INTO info_requests (incident_id, addressed_to_party_id, question, due_at, asked_at)
       SELECT x.i, x.p, 'Bench data: what did your forces do there?', i.occurred_to + interval '14 days', i.occurred_to + interval '1 day'
       FROM unnest($1::uuid[], $2::uuid[]) AS x (i, p) JOIN incidents i ON i.id = x.i`,
      [c.requestIncident, c.requestParty],
    );
  }
}

/**
 * Bench and test data only: runs `fill` with the incidents' secondary indexes dropped, then builds
 * them again from their own definitions (as the migrations wrote them), which is several times
 * faster than keeping them current row by row when a large desk is seeded at once. The primary
 * key stays (merged_into refers to it).
 */
export async function withIncidentIndexesRebuilt<T>(q: Queryable, fill: () => Promise<T>): Promise<T> {
  const defs = await q.query(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = 'incidents' AND i.indexname <> 'incidents_pkey' ORDER BY i.indexname`,
  );
  for (const d of defs) await q.exec(`DROP INDEX ${d.name}`);
  try {
    return await fill();
  } finally {
    // two at a time: on a pool, each on its own connection (the machines have two cores or more)
    const queue = [...defs];
    const next = async (): Promise<void> => {
      const d = queue.shift();
      if (d) await q.exec(d.def).then(next);
    };
    await Promise.all([next(), next()]);
  }
}

// ---- the map's cluster index (cluster-index.ts): incidents by columns

/** What the cluster index holds of an incident: its point, window (whole milliseconds), type, status, grade, publication and parties. */
export interface ClusterRow {
  seq: number;
  id: string;
  lon: number | null;
  lat: number | null;
  /** occurred_from rounded up and occurred_to rounded down to the millisecond. */
  fromMs: number;
  toMs: number;
  eventType: string;
  status: string;
  grade: string | null;
  published: boolean;
  /** Perpetrators then targets, comma-separated ('' for none). */
  named: string;
  firstPerpetrator: string | null;
}

const CLUSTER_COLUMNS = `i.seq, i.id, ST_X(i.location) AS lon, ST_Y(i.location) AS lat,
  ceil(extract(epoch FROM i.occurred_from) * 1000)::float8 AS from_ms, floor(extract(epoch FROM i.occurred_to) * 1000)::float8 AS to_ms,
  i.event_type, i.status, i.grade, i.published_at IS NOT NULL AS published,
  array_to_string(i.perpetrator_party_ids || i.target_party_ids, ',') AS named, i.perpetrator_party_ids[1] AS first_perp`;

const toClusterRow = (r: Row): ClusterRow => ({
  seq: Number(r.seq),
  id: r.id,
  lon: r.lon,
  lat: r.lat,
  fromMs: r.from_ms,
  toMs: r.to_ms,
  eventType: r.event_type,
  status: r.status,
  grade: r.grade,
  published: r.published,
  named: r.named,
  firstPerpetrator: r.first_perp,
});

/** A page of every incident (merged ones too), in seq order after `afterSeq`. */
export async function clusterRows(q: Queryable, afterSeq: number, limit: number): Promise<ClusterRow[]> {
  return (await q.query(`SELECT ${CLUSTER_COLUMNS} FROM incidents i WHERE i.seq > $1 ORDER BY i.seq LIMIT $2`, [afterSeq, limit])).map(toClusterRow);
}

export async function clusterRowsByIds(q: Queryable, ids: string[]): Promise<ClusterRow[]> {
  if (!ids.length) return [];
  return (await q.query(`SELECT ${CLUSTER_COLUMNS} FROM incidents i WHERE i.id = ANY($1::uuid[])`, [ids])).map(toClusterRow);
}

/** Each party asked for information and the incidents it was asked about (a merged incident's requests are its successor's). */
export async function requestedIncidents(q: Queryable): Promise<{ partyId: string; incidentId: string }[]> {
  const rows = await q.query(
    'SELECT DISTINCT r.addressed_to_party_id AS party, coalesce(m.merged_into, m.id) AS head FROM info_requests r JOIN incidents m ON m.id = r.incident_id',
  );
  return rows.map((r) => ({ partyId: r.party, incidentId: r.head }));
}

/**
 * The benchmark's baseline for the map's clusters (bench/incidents-scale.ts): the same cells as
 * clusters.ts (Web Mercator, 2^(zoom+2) across), counted by SQL GROUP BY with the list's WHERE.
 */
export async function clusterCountsSql(q: Queryable, v: Visibility, f: IncidentFilter & { bbox: [number, number, number, number] }, zoom: number): Promise<{ count: number; lon: number; lat: number }[]> {
  const params: unknown[] = [];
  const w = where(v, f, params).join(' AND ');
  const cells = 2 ** (Math.floor(zoom) + 2);
  const rows = await q.query(
    `SELECT count(*)::int AS count, avg(ST_X(i.location)) AS lon, avg(ST_Y(i.location)) AS lat FROM incidents i WHERE ${w}
     GROUP BY floor((ST_X(i.location) + 180) / 360 * ${cells}),
              floor((1 - ln(tan(radians(ST_Y(i.location))) + 1 / cos(radians(ST_Y(i.location)))) / pi()) / 2 * ${cells})`,
    params,
  );
  return rows.map((r) => ({ count: r.count, lon: Number(r.lon), lat: Number(r.lat) }));
}

/** Requests not answered and due in (from, to], oldest deadline first (webhooks' deadline notices, through lookup.ts). */
export async function openRequestsDue(q: Queryable, from: Date, to: Date, limit: number, after?: { dueAt: Date; seq: number }): Promise<RequestRecord[]> {
  const params: unknown[] = [from, to, limit];
  const page = after ? `AND (r.due_at, r.seq) > ($${params.push(after.dueAt)}::timestamptz, $${params.push(after.seq)}::bigint)` : '';
  const rows = await q.query(`SELECT r.*, false AS answered FROM info_requests r WHERE r.due_at > $1 AND r.due_at <= $2 AND NOT ${ANSWERED} ${page} ORDER BY r.due_at, r.seq LIMIT $3`, params);
  return rows.map(toRequest);
}
