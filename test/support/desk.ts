// Reports and incidents for the desk's tests, written as intake would (one leaf each), without
// intake's rules: the desk's tests exercise review, visibility and lists, not filing.
import type { Db } from '../../src/db/db.ts';
import { SYSTEM, write } from '../../src/ledger/ledger.ts';
import { refreshIncident } from '../../src/incidents/grouping.store.ts';
import { publish, review } from '../../src/incidents/service.ts';

export interface ReportSpec {
  eventType?: string;
  at?: string;
  lonLat?: [number, number] | null;
  perpetrators?: string[];
  targets?: string[];
  text?: string;
  casualties?: object;
  sources?: object[];
  reporter?: { id?: string; role?: string; partyId?: string | null; organisation?: string | null };
  pcodes?: { adm1?: string; adm2?: string; adm3?: string };
}

const pc = (code: string | undefined) => (code ? { code, name: code } : null);

/** Files one report into an incident (a new one unless given), recomputing its summary. */
export async function fileReport(db: Db, s: ReportSpec = {}, incidentId?: string): Promise<{ incidentId: string; reportId: string }> {
  return write(db, SYSTEM, async (w) => {
    const at = s.at ?? '2016-02-28T10:00:00Z';
    const [r] = await w.q.query(
      `INSERT INTO reports (channel, occurred_at, occurred_precision, occurred_from, occurred_to, location, location_precision, event_type,
         perpetrator_party_ids, target_party_ids, casualties, sources, text, reporter_id, reporter_role, reporter_party_id, reporter_organisation, enrichment, enriched_at)
       VALUES ('api', $1, 'exact', $1, $1, CASE WHEN $2::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($2, $3), 4326) END, 'exact', $4,
         $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now()) RETURNING *`,
      [
        at,
        s.lonLat === null ? null : (s.lonLat ?? [36.4, 33.57])[0],
        s.lonLat === null ? null : (s.lonLat ?? [36.4, 33.57])[1],
        s.eventType ?? 'shelling',
        s.perpetrators ?? [],
        s.targets ?? [],
        JSON.stringify(s.casualties ?? {}),
        JSON.stringify(s.sources ?? [{ description: 'test source' }]),
        s.text ?? 'A test report.',
        s.reporter?.id ?? crypto.randomUUID(),
        s.reporter?.role ?? 'monitor',
        s.reporter?.partyId ?? null,
        s.reporter?.organisation ?? null,
        JSON.stringify({ pcodes: { adm1: pc(s.pcodes?.adm1), adm2: pc(s.pcodes?.adm2), adm3: pc(s.pcodes?.adm3) }, territory: null }),
      ],
    );
    w.record('report.filed', 'report', r);
    let id = incidentId;
    if (!id) {
      [{ id }] = await w.q.query('INSERT INTO incidents (event_type, occurred_from, occurred_to) VALUES ($1, $2, $2) RETURNING id', [r.event_type, at]);
    }
    await w.q.query('INSERT INTO incident_reports (report_id, incident_id) VALUES ($1, $2)', [r.id, id]);
    await refreshIncident(w.q, id!);
    w.record(incidentId ? 'incident.updated' : 'incident.created', 'incident', id!);
    return { incidentId: id!, reportId: r.id as string };
  });
}

/** An incident reviewed to "verified" (grade fair), and published when asked. */
export async function decidedIncident(db: Db, s: ReportSpec = {}, opts: { publish?: boolean } = {}): Promise<{ incidentId: string; reportId: string }> {
  const filed = await fileReport(db, s);
  await write(db, SYSTEM, async (w) => {
    await review(w, filed.incidentId, { status: 'under_review', reasoning: 'Opened' });
    await review(w, filed.incidentId, { status: 'verified', grade: 'fair', reasoning: 'Two sources' });
    if (opts.publish) await publish(w, filed.incidentId);
  });
  return filed;
}
