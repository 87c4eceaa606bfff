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
import { entitiesBetween, ledgerSize } from '../ledger/lookup.ts';
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

const DAY = 86_400_000;
/** Windows longer than this are kept in one list every report looks at, not in a bucket per day. */
const LONG_MS = 40 * DAY;

/**
 * Sides (incidents) indexed so that a report looks only at those that can match it: by day of
 * their window, and within a day point-located ones in a grid of cells about distanceM wide, and
 * every one by its units (a report only as precise as a unit looks for its unit; one located to a
 * point for those only that precise in its units). A superset: the rule decides. Hand-written (a
 * few Maps) because entries move as reports join them.
 */
export class SideIndex<E extends Side & { id: string; order: number }> {
  private readonly byKey = new Map<string, Set<E>>();
  private readonly keys = new Map<E, string[]>();
  /** Cells: distanceM high, and wide enough for distanceM up to latitude 48° (a report then looks at 3 × 3 of them). */
  private readonly cellY: number;
  private readonly cellX: number;

  constructor(private readonly s: GroupSettings) {
    this.cellY = Math.max(1e-4, metresToDegrees(0, s.distanceM).dLat);
    this.cellX = this.cellY * 1.5;
  }

  get size(): number {
    return this.keys.size;
  }

  /** The day buckets of a window; an entry's longer than LONG_MS goes in the one list 'L' (a query's is always spelled out: at most a month and the gap). */
  private days(from: number, to: number, entry = true): string[] {
    if (entry && to - from > LONG_MS) return ['L'];
    const out: string[] = [];
    for (let d = Math.floor(from / DAY); d <= Math.floor(to / DAY); d++) out.push(String(d));
    return out;
  }

  private keysOf(e: Side): string[] {
    if (!e.location || !e.precision) return [];
    const c = units(e);
    const level = LEVEL[e.precision];
    const here = [1, 2, 3].flatMap((l) => (c[l] ? [`u${l}:${c[l]}`] : [])); // every unit it lies in
    if (level === 0) here.push(`c${Math.floor(e.location[0] / this.cellX)}:${Math.floor(e.location[1] / this.cellY)}`);
    else if (c[level]) here.push(`o${level}:${c[level]}`); // only this precise
    return this.days(e.from.getTime(), e.to.getTime()).flatMap((d) => here.map((k) => `${d}|${k}`));
  }

  add(e: E): E {
    const keys = this.keysOf(e);
    this.keys.set(e, keys);
    for (const k of keys) {
      let set = this.byKey.get(k);
      if (!set) this.byKey.set(k, (set = new Set()));
      set.add(e);
    }
    return e;
  }

  remove(e: E): void {
    for (const k of this.keys.get(e) ?? []) {
      const set = this.byKey.get(k)!;
      set.delete(e);
      if (!set.size) this.byKey.delete(k);
    }
    this.keys.delete(e);
  }

  /** After its side changed: indexed under its new keys. */
  moved(e: E): void {
    this.remove(e);
    this.add(e);
  }

  /** Entries that may match a report, in order (older incidents first). */
  near(r: Side): E[] {
    if (!r.location || !r.precision) return [];
    const c = units(r);
    const level = LEVEL[r.precision];
    const here: string[] = [];
    for (let l = 1; l <= 3; l++) if (c[l] && (level === 0 || l < level)) here.push(`o${l}:${c[l]}`);
    if (level > 0) {
      if (c[level]) here.push(`u${level}:${c[level]}`);
    } else {
      const { dLon, dLat } = metresToDegrees(r.location[1], this.s.distanceM);
      const [x, y] = r.location;
      // the cells the disc's box meets (not a fixed 3 × 3: a point near a cell's edge needs only one side)
      for (let cx = Math.floor((x - dLon) / this.cellX); cx <= Math.floor((x + dLon) / this.cellX); cx++) {
        for (let cy = Math.floor((y - dLat) / this.cellY); cy <= Math.floor((y + dLat) / this.cellY); cy++) here.push(`c${cx}:${cy}`);
      }
    }
    const days = [...this.days(r.from.getTime() - this.s.gapMs, r.to.getTime() + this.s.gapMs, false), 'L'];
    const found = new Set<E>();
    for (const d of days) {
      for (const k of here) {
        const set = this.byKey.get(`${d}|${k}`);
        if (set) for (const e of set) found.add(e);
      }
    }
    return found.size < 2 ? [...found] : [...found].sort((a, b) => a.order - b.order);
  }
}

const units = (e: Side): (string | null)[] => [null, e.pcodes.adm1, e.pcodes.adm2, e.pcodes.adm3];

type Cached = Side & { id: string; order: number };
type Entry = Cached & { fresh: boolean; facts: ReportFacts[] };

/** How far back (from the latest incident's end) the open incidents are held in memory; older reports are matched in SQL. */
const KEEP_MS = 62 * DAY;

const asCached = (c: store.IncidentCandidate): Cached => ({
  id: c.id,
  order: c.seq,
  eventType: c.eventType,
  from: c.from,
  to: c.to,
  location: c.location,
  precision: c.locationPrecision,
  pcodes: codes(c.pcodes),
});

/**
 * The incidents grouping may join (not merged away) whose windows end within KEEP_MS of the
 * latest, in memory. Brought up to date at the start of each grouping, under the grouping lock:
 * every incident named by a ledger leaf since the last look (this instance's writes, others',
 * the desk's merges and splits) is read again, so it holds what the database holds. Reports
 * before what it covers are matched by the SQL candidate query instead.
 */
class IncidentCache {
  private readonly byId = new Map<string, Cached>();
  private readonly index: SideIndex<Cached>;
  private checkedTo = -1;
  /** Incidents ending at or after this are all held (-Infinity: all). */
  coveredFrom = Number.POSITIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(s: GroupSettings) {
    this.index = new SideIndex(s);
  }

  private put(c: store.IncidentCandidate | null, id: string) {
    const old = this.byId.get(id);
    if (old) {
      this.index.remove(old);
      this.byId.delete(id);
    }
    if (!c || c.status === 'merged' || c.to.getTime() < this.coveredFrom) return;
    const e = asCached(c);
    this.byId.set(id, e);
    this.index.add(e);
    this.latest = Math.max(this.latest, e.to.getTime());
  }

  async sync(q: Parameters<typeof store.candidateIncidents>[0]): Promise<void> {
    const size = await ledgerSize(q);
    if (this.checkedTo < 0) {
      const latest = await store.latestIncidentEnd(q);
      this.coveredFrom = latest === null ? Number.NEGATIVE_INFINITY : latest.getTime() - KEEP_MS;
      for (const c of await store.openIncidentsEndingFrom(q, latest === null ? null : new Date(this.coveredFrom))) this.put(c, c.id);
    } else if (size > this.checkedTo) {
      const ids = (await entitiesBetween(q, this.checkedTo, size, ['incident'])).map((e) => e.id);
      const rows = new Map((await store.incidentsById(q, ids)).map((c) => [c.id, c]));
      for (const id of ids) this.put(rows.get(id) ?? null, id);
    }
    this.checkedTo = size;
    // keep what is recent: the window moves on with the latest incident
    if (this.latest - KEEP_MS > this.coveredFrom + DAY) {
      this.coveredFrom = this.latest - KEEP_MS;
      for (const e of [...this.byId.values()]) if (e.to.getTime() < this.coveredFrom) this.put(null, e.id);
    }
  }

  near(r: Side): Cached[] {
    return this.index.near(r);
  }
}

const caches = new WeakMap<object, IncidentCache>();

/**
 * Places the filed reports (already inserted in this transaction) in incidents; returns report id
 * → incident id. With a cacheKey (the database), the candidates come from the in-memory
 * IncidentCache of that key; without, from SQL.
 */
export async function groupReports(w: Writer, filed: Filing[], s: GroupSettings, cacheKey: object | null = null): Promise<Map<string, string>> {
  const placed = new Map<string, string>();
  if (!filed.length) return placed;
  await store.lockGrouping(w.q);
  const pool = new SideIndex<Entry>(s);
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const join = (c: Cached) => {
    if (seen.has(c.id)) return;
    seen.add(c.id);
    entries.push(pool.add({ ...c, fresh: false, facts: [] })); // a copy: the batch's changes are not the cache's until committed (and read back)
  };
  let cache = cacheKey ? caches.get(cacheKey) : undefined;
  if (cacheKey && !cache) caches.set(cacheKey, (cache = new IncidentCache(s)));
  if (cache) await cache.sync(w.q);
  const sides = filed.map((f) => sideOf(f.facts));
  const older = cache ? filed.filter((f, i) => sides[i].from.getTime() - s.gapMs < cache.coveredFrom) : filed;
  if (cache) for (const side of sides) for (const c of cache.near(side)) join(c);
  // reports before what the cache holds (or no cache): the incidents they may join, from SQL
  const probes = older.map((f) => probe(f.facts, s)).filter((p): p is store.Probe => p !== null);
  for (const c of await store.candidateIncidents(w.q, probes)) join(asCached(c));
  let order = Number.MAX_SAFE_INTEGER - filed.length; // new incidents come after every stored one
  filed.forEach((f, i) => {
    const side = sides[i];
    const hit = bestMatch(side, pool.near(side), s);
    if (!hit) {
      const e = pool.add({ ...side, id: randomUUID(), order: order++, fresh: true, facts: [f.facts] });
      entries.push(e);
      placed.set(f.reportId, e.id);
      return;
    }
    placed.set(f.reportId, hit.id);
    hit.facts.push(f.facts);
    const before = { location: hit.location, precision: hit.precision, from: hit.from.getTime(), to: hit.to.getTime() };
    if (hit.fresh) {
      const sum = summarise(hit.facts);
      Object.assign(hit, { eventType: sum.eventType, from: sum.from, to: sum.to, location: sum.location, precision: sum.locationPrecision, pcodes: codes(sum.pcodes) });
    } else {
      hit.from = new Date(Math.min(hit.from.getTime(), side.from.getTime()));
      hit.to = new Date(Math.max(hit.to.getTime(), side.to.getTime()));
      if (side.location && side.precision && (!hit.precision || RANK[side.precision] < RANK[hit.precision])) Object.assign(hit, { location: side.location, precision: side.precision, pcodes: side.pcodes });
    }
    // its keys follow its place (the units go with the location) and its days
    if (hit.location !== before.location || hit.precision !== before.precision || hit.from.getTime() !== before.from || hit.to.getTime() !== before.to) pool.moved(hit);
  });
  const fresh = entries.filter((p) => p.fresh);
  const touched = entries.filter((p) => !p.fresh && p.facts.length).map((p) => p.id);
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
