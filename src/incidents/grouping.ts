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

type Entry = Side & { id: string; order: number; fresh: boolean; facts: ReportFacts[]; keys: string[] };

/**
 * The incidents a batch may join, indexed so that each report looks only at those that can
 * match: point-located ones in a grid of cells about distanceM wide, and by their units (every
 * unit for a report only as precise as a unit; their own unit for those only that precise).
 * Hand-written (a few Maps) because the entries move as reports join them.
 */
class Pool {
  private readonly byKey = new Map<string, Entry[]>();
  private readonly cellDeg: number;
  readonly entries: Entry[] = [];

  constructor(private readonly s: GroupSettings) {
    this.cellDeg = Math.max(1e-4, metresToDegrees(0, s.distanceM).dLat);
  }

  private keysOf(e: Side): string[] {
    if (!e.location || !e.precision) return [];
    const c = codes0(e);
    const level = LEVEL[e.precision];
    const keys = [1, 2, 3].flatMap((l) => (c[l] ? [`u${l}:${c[l]}`] : [])); // every unit it lies in
    if (level === 0) keys.push(`c${Math.floor(e.location[0] / this.cellDeg)}:${Math.floor(e.location[1] / this.cellDeg)}`);
    else if (c[level]) keys.push(`o${level}:${c[level]}`); // only this precise
    return keys;
  }

  add(e: Omit<Entry, 'keys' | 'order'>): Entry {
    const entry = Object.assign(e, { keys: this.keysOf(e), order: this.entries.length }) as Entry;
    this.entries.push(entry);
    for (const k of entry.keys) this.byKey.set(k, [...(this.byKey.get(k) ?? []), entry]);
    return entry;
  }

  /** After its side changed: indexed under its new keys. */
  moved(e: Entry) {
    for (const k of e.keys) this.byKey.set(k, this.byKey.get(k)!.filter((x) => x !== e));
    e.keys = this.keysOf(e);
    for (const k of e.keys) this.byKey.set(k, [...(this.byKey.get(k) ?? []), e]);
  }

  /** Entries that may match a report, in pool order (older incidents first). */
  near(r: Side): Entry[] {
    if (!r.location || !r.precision) return [];
    const c = codes0(r);
    const level = LEVEL[r.precision];
    const keys: string[] = [];
    for (let l = 1; l <= 3; l++) if (c[l] && (level === 0 || l < level)) keys.push(`o${l}:${c[l]}`);
    if (level > 0) {
      if (c[level]) keys.push(`u${level}:${c[level]}`);
    } else {
      const { dLon, dLat } = metresToDegrees(r.location[1], this.s.distanceM);
      const [cx, cy] = [Math.floor(r.location[0] / this.cellDeg), Math.floor(r.location[1] / this.cellDeg)];
      const [rx, ry] = [Math.ceil(dLon / this.cellDeg), Math.ceil(dLat / this.cellDeg)];
      for (let x = cx - rx; x <= cx + rx; x++) for (let y = cy - ry; y <= cy + ry; y++) keys.push(`c${x}:${y}`);
    }
    const found = new Set<Entry>();
    for (const k of keys) for (const e of this.byKey.get(k) ?? []) found.add(e);
    return [...found].sort((a, b) => a.order - b.order);
  }
}

const codes0 = (e: Side): (string | null)[] => [null, e.pcodes.adm1, e.pcodes.adm2, e.pcodes.adm3];

/** Places the filed reports (already inserted in this transaction) in incidents; returns report id → incident id. */
export async function groupReports(w: Writer, filed: Filing[], s: GroupSettings): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  if (!filed.length) return placed;
  await store.lockGrouping(w.q);
  const probes = filed.map((f) => probe(f.facts, s)).filter((p): p is store.Probe => p !== null);
  const pool = new Pool(s);
  for (const c of await store.candidateIncidents(w.q, probes)) {
    pool.add({ id: c.id, fresh: false, facts: [], eventType: c.eventType, from: c.from, to: c.to, location: c.location, precision: c.locationPrecision, pcodes: codes(c.pcodes) });
  }
  for (const f of filed) {
    const side = sideOf(f.facts);
    const hit = bestMatch(side, pool.near(side), s);
    if (!hit) {
      placed.set(f.reportId, pool.add({ ...side, id: randomUUID(), fresh: true, facts: [f.facts] }).id);
      continue;
    }
    placed.set(f.reportId, hit.id);
    hit.facts.push(f.facts);
    const before = JSON.stringify([hit.location, hit.precision, hit.pcodes]);
    if (hit.fresh) {
      const sum = summarise(hit.facts);
      Object.assign(hit, { eventType: sum.eventType, from: sum.from, to: sum.to, location: sum.location, precision: sum.locationPrecision, pcodes: codes(sum.pcodes) });
    } else {
      hit.from = new Date(Math.min(hit.from.getTime(), side.from.getTime()));
      hit.to = new Date(Math.max(hit.to.getTime(), side.to.getTime()));
      if (side.location && side.precision && (!hit.precision || RANK[side.precision] < RANK[hit.precision])) Object.assign(hit, { location: side.location, precision: side.precision, pcodes: side.pcodes });
    }
    if (JSON.stringify([hit.location, hit.precision, hit.pcodes]) !== before) pool.moved(hit);
  }
  const fresh = pool.entries.filter((p) => p.fresh);
  const touched = pool.entries.filter((p) => !p.fresh && p.facts.length).map((p) => p.id);
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
