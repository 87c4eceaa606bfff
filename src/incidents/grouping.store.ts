// Grouping's SQL: candidate incidents for a batch of reports, the facts of an incident's reports,
// batched inserts and updates of incidents and their report placements. refreshIncident is the
// one way to recompute an incident's summary after its reports changed (the desk's merge and
// split call it too).
import type { Queryable, Row } from '../db/db.ts';
import type { EventType } from './acled.ts';
import type { LocationPrecision } from './group.ts';
import { summarise, type ReportFacts, type Summary, type Units } from './summary.ts';

/**
 * Serialises the transactions that place reports into incidents (filing, and the desk's merge
 * and split): two batches filed at once must not each start an incident for one event.
 * Held until the transaction ends.
 */
export async function lockGrouping(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(7240302)');
}

/** What a report looks for: a box around its point, its window widened by the gap, its units. */
export interface Probe {
  lon: number | null;
  lat: number | null;
  dlon: number;
  dlat: number;
  t0: string;
  t1: string;
  a1: string | null;
  a2: string | null;
  a3: string | null;
  /** 0 for a point, else the admin level the report is only as precise as. */
  lvl: 0 | 1 | 2 | 3;
}

export interface IncidentCandidate {
  id: string;
  seq: number;
  status: string;
  eventType: EventType;
  from: Date;
  to: Date;
  location: [number, number] | null;
  locationPrecision: LocationPrecision | null;
  pcodes: Units;
}

const toCandidate = (r: Row): IncidentCandidate => ({
  id: r.id,
  seq: Number(r.seq),
  status: r.status,
  eventType: r.event_type,
  from: r.occurred_from,
  to: r.occurred_to,
  location: r.lon === null ? null : [Number(r.lon), Number(r.lat)],
  locationPrecision: r.location_precision,
  pcodes: { adm1: r.pcodes?.adm1 ?? null, adm2: r.pcodes?.adm2 ?? null, adm3: r.pcodes?.adm3 ?? null },
});

/**
 * Incidents (not merged away) that may match any of the probes: those with a point in a probe's
 * box, those only located to a unit the probe's point lies in, and, for a probe only located to a
 * unit, those in that unit; each with a window meeting the probe's. A superset: group.ts decides.
 * Each branch is an index probe (GiST on location, the units' expression indexes of migration 013).
 */
export async function candidateIncidents(q: Queryable, probes: Probe[]): Promise<IncidentCandidate[]> {
  if (!probes.length) return [];
  const rows = await q.query(
    `WITH p AS MATERIALIZED (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(lon float8, lat float8, dlon float8, dlat float8, t0 timestamptz, t1 timestamptz, a1 text, a2 text, a3 text, lvl int)
     ), hits AS (
       SELECT i.id FROM p JOIN incidents i
         ON p.lon IS NOT NULL AND i.location && ST_MakeEnvelope(p.lon - p.dlon, p.lat - p.dlat, p.lon + p.dlon, p.lat + p.dlat, 4326)
        AND i.occurred_from <= p.t1 AND i.occurred_to >= p.t0
       UNION
       SELECT i.id FROM p JOIN incidents i ON i.location_precision = 'adm3' AND i.pcodes->'adm3'->>'code' = p.a3 AND i.occurred_from <= p.t1 AND i.occurred_to >= p.t0
       UNION
       SELECT i.id FROM p JOIN incidents i ON i.location_precision = 'adm2' AND i.pcodes->'adm2'->>'code' = p.a2 AND i.occurred_from <= p.t1 AND i.occurred_to >= p.t0
       UNION
       SELECT i.id FROM p JOIN incidents i ON i.location_precision = 'adm1' AND i.pcodes->'adm1'->>'code' = p.a1 AND i.occurred_from <= p.t1 AND i.occurred_to >= p.t0
       UNION
       SELECT i.id FROM p JOIN incidents i ON p.lvl > 0 AND i.occurred_from <= p.t1 AND i.occurred_to >= p.t0 AND (
         (p.lvl = 3 AND i.pcodes->'adm3'->>'code' = p.a3) OR (p.lvl = 2 AND i.pcodes->'adm2'->>'code' = p.a2) OR (p.lvl = 1 AND i.pcodes->'adm1'->>'code' = p.a1))
     )
     SELECT i.id, i.seq, i.status, i.event_type, i.occurred_from, i.occurred_to, ST_X(i.location) AS lon, ST_Y(i.location) AS lat, i.location_precision, i.pcodes
     FROM incidents i JOIN hits h ON h.id = i.id WHERE i.status <> 'merged' ORDER BY i.seq`,
    [JSON.stringify(probes)],
  );
  return rows.map(toCandidate);
}

const CANDIDATE = `i.id, i.seq, i.status, i.event_type, i.occurred_from, i.occurred_to, ST_X(i.location) AS lon, ST_Y(i.location) AS lat, i.location_precision, i.pcodes`;

/** When the latest-ending incident ends (null: no incident yet). */
export async function latestIncidentEnd(q: Queryable): Promise<Date | null> {
  const [r] = await q.query('SELECT max(occurred_to) AS t FROM incidents');
  return r?.t ?? null;
}

/** Incidents not merged away whose windows end at or after a time: what grouping holds in memory. */
export async function openIncidentsEndingFrom(q: Queryable, from: Date | null): Promise<IncidentCandidate[]> {
  return (await q.query(`SELECT ${CANDIDATE} FROM incidents i WHERE i.status <> 'merged' AND ($1::timestamptz IS NULL OR i.occurred_to >= $1) ORDER BY i.seq`, [from])).map(toCandidate);
}

/** These incidents as grouping reads them (any status). */
export async function incidentsById(q: Queryable, ids: string[]): Promise<IncidentCandidate[]> {
  if (!ids.length) return [];
  return (await q.query(`SELECT ${CANDIDATE} FROM incidents i WHERE i.id = ANY($1::uuid[])`, [ids])).map(toCandidate);
}

const toFacts = (r: Row): ReportFacts => ({
  seq: Number(r.seq),
  eventType: r.event_type,
  from: r.occurred_from,
  to: r.occurred_to,
  location: r.lon === null ? null : [Number(r.lon), Number(r.lat)],
  locationPrecision: r.location_precision,
  pcodes: { adm1: r.pcodes?.adm1 ?? null, adm2: r.pcodes?.adm2 ?? null, adm3: r.pcodes?.adm3 ?? null },
  perpetratorPartyIds: r.perpetrator_party_ids,
  targetPartyIds: r.target_party_ids,
  casualties: r.casualties,
});

/** What the summary reads of each report of these incidents, by incident. */
export async function reportFactsOf(q: Queryable, incidentIds: string[]): Promise<Map<string, ReportFacts[]>> {
  const out = new Map<string, ReportFacts[]>(incidentIds.map((id) => [id, []]));
  if (!incidentIds.length) return out;
  const rows = await q.query(
    `SELECT ir.incident_id, r.seq, r.event_type, r.occurred_from, r.occurred_to, ST_X(r.location) AS lon, ST_Y(r.location) AS lat, r.location_precision,
       r.enrichment->'pcodes' AS pcodes, r.perpetrator_party_ids, r.target_party_ids, r.casualties
     FROM incident_reports ir JOIN reports r ON r.id = ir.report_id WHERE ir.incident_id = ANY($1::uuid[])`,
    [incidentIds],
  );
  for (const r of rows) out.get(r.incident_id)!.push(toFacts(r));
  return out;
}

const summaryRow = (id: string, s: Summary) => ({
  id,
  event_type: s.eventType,
  occurred_from: s.from.toISOString(),
  occurred_to: s.to.toISOString(),
  lon: s.location?.[0] ?? null,
  lat: s.location?.[1] ?? null,
  location_precision: s.locationPrecision,
  pcodes: s.pcodes,
  perpetrator_party_ids: s.perpetratorPartyIds,
  target_party_ids: s.targetPartyIds,
  casualties: s.casualties,
  report_count: s.reportCount,
});
const SUMMARY_RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(id uuid, event_type text, occurred_from timestamptz, occurred_to timestamptz, lon float8, lat float8,
  location_precision text, pcodes jsonb, perpetrator_party_ids uuid[], target_party_ids uuid[], casualties jsonb, report_count int)`;
const POINT = 'CASE WHEN x.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) END';

/** New incidents (status reported) with these summaries; the rows as stored, by id. */
export async function insertIncidents(q: Queryable, items: { id: string; summary: Summary }[]): Promise<Map<string, Row>> {
  if (!items.length) return new Map();
  const rows = await q.query(
    `INSERT INTO incidents (id, event_type, occurred_from, occurred_to, location, location_precision, pcodes, perpetrator_party_ids, target_party_ids, casualties, report_count)
     SELECT x.id, x.event_type, x.occurred_from, x.occurred_to, ${POINT}, x.location_precision, x.pcodes, x.perpetrator_party_ids, x.target_party_ids, x.casualties, x.report_count
     FROM ${SUMMARY_RECORDSET} RETURNING *`,
    [JSON.stringify(items.map((i) => summaryRow(i.id, i.summary)))],
  );
  return new Map(rows.map((r) => [String(r.id), r]));
}

/** Writes these summaries over the incidents' current ones; the rows as stored, by id. */
export async function updateSummaries(q: Queryable, items: { id: string; summary: Summary }[]): Promise<Map<string, Row>> {
  if (!items.length) return new Map();
  const rows = await q.query(
    `UPDATE incidents i SET event_type = x.event_type, occurred_from = x.occurred_from, occurred_to = x.occurred_to, location = ${POINT},
       location_precision = x.location_precision, pcodes = x.pcodes, perpetrator_party_ids = x.perpetrator_party_ids, target_party_ids = x.target_party_ids,
       casualties = x.casualties, report_count = x.report_count, updated_at = now()
     FROM ${SUMMARY_RECORDSET} WHERE i.id = x.id RETURNING i.*`,
    [JSON.stringify(items.map((i) => summaryRow(i.id, i.summary)))],
  );
  return new Map(rows.map((r) => [String(r.id), r]));
}

/** Places new reports in incidents (unpinned: grouping's choice, which a reviewer may change). */
export async function placeReports(q: Queryable, pairs: { reportId: string; incidentId: string }[]): Promise<void> {
  if (!pairs.length) return;
  await q.query('INSERT INTO incident_reports (report_id, incident_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])', [
    pairs.map((p) => p.reportId),
    pairs.map((p) => p.incidentId),
  ]);
}

/**
 * Recomputes an incident's summary from the reports placed in it now (summary.ts) and stores it;
 * returns the row as written, for the caller to record (`w.record('incident.updated', 'incident',
 * row)`), or null for an unknown incident. An incident left without reports keeps its last
 * summary with a report count of 0.
 */
export async function refreshIncident(q: Queryable, incidentId: string): Promise<Row | null> {
  const facts = (await reportFactsOf(q, [incidentId])).get(incidentId)!;
  let row: Row | undefined;
  if (facts.length) row = (await updateSummaries(q, [{ id: incidentId, summary: summarise(facts) }])).get(incidentId);
  else [row] = await q.query('UPDATE incidents SET report_count = 0, updated_at = now() WHERE id = $1 RETURNING *', [incidentId]);
  return row ?? null;
}
