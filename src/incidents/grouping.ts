// Grouping at filing: each new report joins the best matching incident or starts one (group.ts
// has the rule), in the same transaction as the reports, under one lock so that two batches at
// once cannot each start an incident for one event. Reports are placed only when filed: grouping
// never moves a report already placed, so a reviewer's merge or split (which pins the reports it
// places) is never undone. The summaries of the incidents touched are recomputed from their
// reports (summary.ts) and each incident gets one leaf per batch (incident.created or
// incident.updated) with its final state.
//
// Within a batch, later reports match against incidents as earlier ones left them: the window
// and location as the summary makes them; the type of an incident stored before the batch as it
// was stored (its majority type is recomputed exactly once the batch is placed).
import { randomUUID } from 'node:crypto';
import { metresToDegrees } from '../geo/geodesy.ts';
import type { Writer } from '../ledger/ledger.ts';
import { bestMatch, type GroupSettings, type Side } from './group.ts';
import * as store from './grouping.store.ts';
import { summarise, type ReportFacts, type Units } from './summary.ts';

export interface Filing {
  reportId: string;
  facts: ReportFacts;
}

const codes = (u: Units) => ({ adm1: u.adm1?.code ?? null, adm2: u.adm2?.code ?? null, adm3: u.adm3?.code ?? null });
const LEVEL = { exact: 0, near: 0, adm3: 3, adm2: 2, adm1: 1 } as const;
const RANK = { exact: 0, near: 1, adm3: 2, adm2: 3, adm1: 4 } as const;

const sideOf = (f: ReportFacts): Side => ({ eventType: f.eventType, from: f.from, to: f.to, location: f.location, precision: f.locationPrecision, pcodes: codes(f.pcodes) });

function probe(f: ReportFacts, s: GroupSettings): store.Probe | null {
  if (!f.location || !f.locationPrecision) return null;
  const { dLon, dLat } = metresToDegrees(f.location[1], s.distanceM);
  const c = codes(f.pcodes);
  return {
    lon: f.location[0],
    lat: f.location[1],
    dlon: dLon,
    dlat: dLat,
    t0: new Date(f.from.getTime() - s.gapMs).toISOString(),
    t1: new Date(f.to.getTime() + s.gapMs).toISOString(),
    a1: c.adm1,
    a2: c.adm2,
    a3: c.adm3,
    lvl: LEVEL[f.locationPrecision],
  };
}

/** Places the filed reports (already inserted in this transaction) in incidents; returns report id → incident id. */
export async function groupReports(w: Writer, filed: Filing[], s: GroupSettings): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  if (!filed.length) return placed;
  await store.lockGrouping(w.q);
  const probes = filed.map((f) => probe(f.facts, s)).filter((p): p is store.Probe => p !== null);
  type Pool = Side & { id: string; fresh: boolean; facts: ReportFacts[] };
  const pool: Pool[] = (await store.candidateIncidents(w.q, probes)).map((c) => ({
    id: c.id,
    fresh: false,
    facts: [],
    eventType: c.eventType,
    from: c.from,
    to: c.to,
    location: c.location,
    precision: c.locationPrecision,
    pcodes: codes(c.pcodes),
  }));
  for (const f of filed) {
    const side = sideOf(f.facts);
    const hit = bestMatch(side, pool, s);
    if (!hit) {
      pool.push({ ...side, id: randomUUID(), fresh: true, facts: [f.facts] });
      placed.set(f.reportId, pool[pool.length - 1].id);
      continue;
    }
    placed.set(f.reportId, hit.id);
    hit.facts.push(f.facts);
    if (hit.fresh) {
      const sum = summarise(hit.facts);
      Object.assign(hit, { eventType: sum.eventType, from: sum.from, to: sum.to, location: sum.location, precision: sum.locationPrecision, pcodes: codes(sum.pcodes) });
    } else {
      hit.from = new Date(Math.min(hit.from.getTime(), side.from.getTime()));
      hit.to = new Date(Math.max(hit.to.getTime(), side.to.getTime()));
      if (side.location && side.precision && (!hit.precision || RANK[side.precision] < RANK[hit.precision])) Object.assign(hit, { location: side.location, precision: side.precision, pcodes: side.pcodes });
    }
  }
  const fresh = pool.filter((p) => p.fresh);
  const touched = [...new Set(pool.filter((p) => !p.fresh && p.facts.length).map((p) => p.id))];
  const created = await store.insertIncidents(w.q, fresh.map((p) => ({ id: p.id, summary: summarise(p.facts) })));
  await store.placeReports(w.q, [...placed].map(([reportId, incidentId]) => ({ reportId, incidentId })));
  for (const p of fresh) w.record('incident.created', 'incident', created.get(p.id)!);
  if (touched.length) {
    const facts = await store.reportFactsOf(w.q, touched);
    const updated = await store.updateSummaries(w.q, touched.map((id) => ({ id, summary: summarise(facts.get(id)!) })));
    for (const id of touched) w.record('incident.updated', 'incident', updated.get(id)!);
  }
  return placed;
}
