// The map's cluster index: every incident of the desk by columns (typed arrays, clusters.ts scans
// them), one per instance and database, built from the database when first asked for (or when
// the app is ready) and kept current from the events hub, as the vetting index is: a write through
// this process marks it stale before the write returns (the next request reads it first), another
// instance's as soon as the hub hears of it, and past `refreshMs` a request starts a comparison of
// the ledger's size in the background, should the hub have missed one (answering from the index
// as it is: the map's request never waits on the database for that). A refresh reads only the incidents the leaves since the last one name (and the
// small table of who was asked about what). The database stays the source of truth; the tests
// hold the scan to the SQL's counts for every role.
//
// Memory is bounded by the number of incidents: about 82 bytes per incident held (typed arrays
// grown by a quarter at a time, and an id table of two to four slots per incident), reported by
// `stats()`. Incidents seeded by bulk SQL (bench
// and test data, no ledger leaves) are seen by a build, so seed before the first request or call
// `reset()`.
import type { Db, Queryable } from '../db/db.ts';
import { snapshotTx } from '../db/statements.ts';
import { eventsHub } from '../events/hub.ts';
import { entitiesBetween, ledgerSize } from '../ledger/lookup.ts';
import { EVENT_TYPES } from './acled.ts';
import { EMPTY, LOCATED, NONE, PUBLISHED, REQUESTED, floatDown, floatUp, mercX, mercY, scanClusters, type ClusterColumns, type ClusterQuery, type ClusterResult, type ScanVisibility } from './clusters.ts';
import { GRADES, STATUSES, type IncidentStatus } from './review.ts';
import * as store from './store.ts';

const PAGE = 50_000;
/** Counts remembered at one version at most (one per client paging through, in practice). */
const MAX_COUNTS = 1_000;
const WATCHED = ['incident', 'info_request'];

/** What a map request asks of the index (ids and names; the index turns them into its dictionaries' indices). */
export interface ClusterAsk {
  bbox: [number, number, number, number];
  zoom: number;
  from?: Date;
  to?: Date;
  type?: string;
  status?: string;
  grade?: string;
  partyId?: string;
  visibility: store.Visibility;
}

export interface ClusterOut extends Omit<ClusterResult, 'clusters'> {
  clusters: { count: number; lon: number; lat: number; bounds: [number, number, number, number]; incident?: { id: string; status: IncidentStatus; eventType: string; partyId: string | null } }[];
  /** The ledger size the index was current to. */
  version: number;
}

export interface ClusterIndexStats {
  incidents: number;
  capacity: number;
  bytes: number;
  buildMs: number;
  refreshes: number;
  /** Scans of the whole index (each view's clusters, and each count not remembered). */
  scans: number;
}

const HEX = /-/g;

/** A dictionary of small integers (types, statuses, grades, parties). */
class Dict {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(initial: readonly string[] = []) {
    for (const x of initial) this.of(x);
  }
  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) this.index.set(name, (i = this.names.push(name) - 1));
    return i;
  }
  find(name: string): number {
    return this.index.get(name) ?? -1;
  }
}

export class ClusterIndex {
  private c: ClusterColumns = ClusterIndex.columns(0);
  /** Ids as 4 words per row, and an open-addressing table of row + 1 by the id's first word. */
  private ids = new Uint32Array(0);
  private table = new Int32Array(0);
  private readonly types = new Dict(EVENT_TYPES);
  private readonly statuses = new Dict(STATUSES);
  private readonly grades = new Dict(GRADES);
  private readonly parties = new Dict();
  private version = -1;
  private generation = 0;
  private freshAt = -1;
  private checkedAt = 0;
  private pending: Promise<void> | null = null;
  private built: Promise<void> | null = null;
  private readonly stats_ = { buildMs: 0, refreshes: 0, scans: 0 };
  /** count()'s answers at one version, by ask: a client paging through a collection asks the same count on every page. */
  private counts = { version: -1, byAsk: new Map<string, number>() };
  readonly stop: () => void;

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 5_000,
  ) {
    this.stop = eventsHub(db).onEvents((events) => {
      if (events.some((e) => WATCHED.includes(e.type))) this.generation++;
    });
  }

  private static columns(cap: number): ClusterColumns {
    return {
      n: 0,
      xLo: new Float32Array(cap),
      xHi: new Float32Array(cap),
      yLo: new Float32Array(cap),
      yHi: new Float32Array(cap),
      mx: new Uint32Array(cap),
      my: new Uint32Array(cap),
      from: new Float64Array(cap),
      to: new Float64Array(cap),
      type: new Uint8Array(cap),
      status: new Uint8Array(cap),
      grade: new Uint16Array(cap),
      flags: new Uint8Array(cap).fill(EMPTY),
      named0: new Uint32Array(cap),
      named1: new Uint32Array(cap),
      perp: new Uint16Array(cap),
      namedMore: new Map(),
      requested: new Map(),
    };
  }

  /** Room for `need` rows: the arrays grow by a quarter (copied), the id table is rebuilt at twice the rows or more. */
  private reserve(need: number): void {
    const cap = this.c.xLo.length;
    if (need <= cap) return;
    const next = Math.max(1024, Math.ceil(cap * 1.25), need);
    const old = this.c;
    const c = ClusterIndex.columns(next);
    for (const k of ['xLo', 'xHi', 'yLo', 'yHi', 'mx', 'my', 'from', 'to', 'type', 'status', 'grade', 'flags', 'named0', 'named1', 'perp'] as const) (c[k] as Uint8Array).set(old[k] as Uint8Array);
    c.n = old.n;
    c.namedMore = old.namedMore;
    c.requested = old.requested;
    this.c = c;
    const ids = new Uint32Array(next * 4);
    ids.set(this.ids);
    this.ids = ids;
    this.table = new Int32Array(2 ** Math.ceil(Math.log2(next * 2)));
    for (let r = 0; r < c.n; r++) this.place(r);
  }

  private place(row: number): void {
    const mask = this.table.length - 1;
    let h = this.ids[row * 4] & mask;
    while (this.table[h] !== 0) h = (h + 1) & mask;
    this.table[h] = row + 1;
  }

  private words(id: string): [number, number, number, number] {
    const hex = id.replace(HEX, '');
    return [parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8, 16), 16), parseInt(hex.slice(16, 24), 16), parseInt(hex.slice(24, 32), 16)];
  }

  private rowOf(id: string): number {
    if (!this.table.length) return -1;
    const w = this.words(id);
    const mask = this.table.length - 1;
    for (let h = w[0] & mask; this.table[h] !== 0; h = (h + 1) & mask) {
      const r = this.table[h] - 1;
      const b = r * 4;
      if (this.ids[b] === w[0] >>> 0 && this.ids[b + 1] === w[1] >>> 0 && this.ids[b + 2] === w[2] >>> 0 && this.ids[b + 3] === w[3] >>> 0) return r;
    }
    return -1;
  }

  private idOf(row: number): string {
    const b = row * 4;
    const h = [0, 1, 2, 3].map((k) => this.ids[b + k].toString(16).padStart(8, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Writes one incident into its row (a new one at the end). */
  private put(x: store.ClusterRow): void {
    let r = this.rowOf(x.id);
    if (r < 0) {
      this.reserve(this.c.n + 1);
      r = this.c.n++;
      this.ids.set(this.words(x.id), r * 4);
      this.place(r);
    }
    const c = this.c;
    let flags = x.published ? PUBLISHED : 0;
    if (x.lon !== null && x.lat !== null) {
      flags |= LOCATED;
      c.xLo[r] = floatDown(x.lon);
      c.xHi[r] = floatUp(x.lon);
      c.yLo[r] = floatDown(x.lat);
      c.yHi[r] = floatUp(x.lat);
      c.mx[r] = mercX(x.lon);
      c.my[r] = mercY(x.lat);
    }
    if (c.flags[r] & REQUESTED) flags |= REQUESTED; // kept until the requests are read again
    c.flags[r] = flags;
    c.from[r] = x.fromMs;
    c.to[r] = x.toMs;
    c.type[r] = this.types.of(x.eventType);
    c.status[r] = this.statuses.of(x.status);
    c.grade[r] = x.grade === null ? NONE : this.grades.of(x.grade);
    c.perp[r] = x.firstPerpetrator ? this.parties.of(x.firstPerpetrator) : NONE;
    let m0 = 0;
    let m1 = 0;
    let more: number[] | undefined;
    for (const id of x.named ? x.named.split(',') : []) {
      const p = this.parties.of(id);
      if (p < 32) m0 |= 1 << p;
      else if (p < 64) m1 |= 1 << (p - 32);
      else (more ??= []).includes(p) || more.push(p);
    }
    c.named0[r] = m0 >>> 0;
    c.named1[r] = m1 >>> 0;
    if (more) c.namedMore.set(r, more);
    else c.namedMore.delete(r);
  }

  private async loadRequested(q: Queryable): Promise<void> {
    const c = this.c;
    for (const rows of c.requested.values()) for (const r of rows) c.flags[r] &= ~REQUESTED;
    c.requested = new Map();
    for (const { partyId, incidentId } of await store.requestedIncidents(q)) {
      const r = this.rowOf(incidentId);
      if (r < 0) continue;
      const p = this.parties.of(partyId);
      let set = c.requested.get(p);
      if (!set) c.requested.set(p, (set = new Set()));
      set.add(r);
      c.flags[r] |= REQUESTED;
    }
  }

  private async build(): Promise<void> {
    const t0 = performance.now();
    const gen = this.generation;
    await snapshotTx(
      this.db,
      async (q) => {
        const size = await ledgerSize(q);
        this.c = ClusterIndex.columns(0);
        this.ids = new Uint32Array(0);
        this.table = new Int32Array(0);
        let after = 0;
        for (;;) {
          const rows = await store.clusterRows(q, after, PAGE);
          if (!rows.length) break;
          this.reserve(this.c.n + rows.length);
          for (const x of rows) this.put(x);
          after = rows[rows.length - 1].seq;
          if (rows.length < PAGE) break;
        }
        await this.loadRequested(q);
        this.version = size;
      },
      { readOnly: true },
    );
    this.freshAt = gen;
    this.checkedAt = Date.now();
    this.stats_.buildMs = performance.now() - t0;
  }

  /** Reads what the leaves since the last version name. */
  private async refresh(): Promise<void> {
    const gen = this.generation;
    await snapshotTx(
      this.db,
      async (q) => {
        const size = await ledgerSize(q);
        if (size <= this.version) return;
        const named = await entitiesBetween(q, this.version, size, WATCHED);
        const incidents = named.filter((e) => e.type === 'incident').map((e) => e.id);
        for (let i = 0; i < incidents.length; i += PAGE) for (const x of await store.clusterRowsByIds(q, incidents.slice(i, i + PAGE))) this.put(x);
        // a request, or a merge (requests follow the incident merged into), changes who was asked about what
        if (named.length) await this.loadRequested(q);
        this.version = size;
      },
      { readOnly: true },
    );
    this.freshAt = gen;
    this.checkedAt = Date.now();
    this.stats_.refreshes++;
  }

  /** Current: built once, then refreshed when the hub says so (or refreshMs has passed). */
  async current(): Promise<void> {
    this.built ??= this.build().catch((e) => {
      this.built = null;
      throw e;
    });
    await this.built;
    // the hub says something changed: read it before answering (a write is seen by the next request)
    while (this.freshAt !== this.generation) await this.refreshing();
    // only the clock says so (in case the hub missed a write): answer now, look in the background
    if (Date.now() - this.checkedAt >= this.refreshMs) this.refreshing().catch(() => undefined);
  }

  private refreshing(): Promise<void> {
    this.pending ??= this.refresh().finally(() => (this.pending = null));
    return this.pending;
  }

  /** Forgets everything: the next request builds again (after a bulk seeding). */
  reset(): void {
    this.built = null;
  }

  /** The clusters of a view, for a caller's visibility and the map's filters. */
  async clusters(a: ClusterAsk): Promise<ClusterOut> {
    await this.current();
    const idx = (d: Dict, name: string | undefined) => (name === undefined ? undefined : d.find(name));
    const v: ScanVisibility = a.visibility.all ? { all: true } : { all: false, party: a.visibility.partyId ? this.parties.find(a.visibility.partyId) : null };
    // a liaison whose party is named nowhere still sees what is published
    if (!v.all && v.party === -1) v.party = null;
    const q: ClusterQuery = {
      bbox: a.bbox,
      zoom: a.zoom,
      from: a.from?.getTime(),
      to: a.to?.getTime(),
      type: idx(this.types, a.type),
      status: idx(this.statuses, a.status),
      grade: idx(this.grades, a.grade),
      party: idx(this.parties, a.partyId),
      merged: this.statuses.find('merged'),
      visibility: v,
    };
    const res = scanClusters(this.c, q);
    this.stats_.scans++;
    const c = this.c;
    return {
      ...res,
      version: this.version,
      clusters: res.clusters.map((k) => ({
        count: k.count,
        lon: k.lon,
        lat: k.lat,
        bounds: k.bounds,
        ...(k.count === 1
          ? { incident: { id: this.idOf(k.row), status: this.statuses.names[c.status[k.row]] as IncidentStatus, eventType: this.types.names[c.type[k.row]], partyId: c.perp[k.row] === NONE ? null : this.parties.names[c.perp[k.row]] } }
          : {}),
      })),
    };
  }

  /**
   * The incidents a list with these filters holds for this visibility: those in the box when one is
   * given, else all (with and without a location). Remembered until the index moves on, by the whole
   * ask (the visibility included, so no caller is told another's count).
   */
  async count(a: Omit<ClusterAsk, 'zoom' | 'bbox'> & { bbox?: ClusterAsk['bbox'] }): Promise<number> {
    await this.current();
    const key = JSON.stringify([a.bbox ?? null, a.from?.getTime() ?? null, a.to?.getTime() ?? null, a.type ?? null, a.status ?? null, a.grade ?? null, a.partyId ?? null, a.visibility]);
    if (this.counts.version === this.version) {
      const known = this.counts.byAsk.get(key);
      if (known !== undefined) return known;
    }
    const r = await this.clusters({ ...a, bbox: a.bbox ?? [-180, -90, 180, 90], zoom: 0 });
    const n = a.bbox ? r.inView : r.located + r.unlocated;
    if (this.counts.version !== r.version || this.counts.byAsk.size >= MAX_COUNTS) this.counts = { version: r.version, byAsk: new Map() };
    this.counts.byAsk.set(key, n);
    return n;
  }

  stats(): ClusterIndexStats {
    const c = this.c;
    const arrays = [c.xLo, c.xHi, c.yLo, c.yHi, c.mx, c.my, c.from, c.to, c.type, c.status, c.grade, c.flags, c.named0, c.named1, c.perp, this.ids, this.table];
    let bytes = arrays.reduce((s, a) => s + a.byteLength, 0);
    for (const set of c.requested.values()) bytes += set.size * 16; // a Set entry, roughly
    bytes += c.namedMore.size * 48;
    return { incidents: c.n, capacity: c.xLo.length, bytes, buildMs: this.stats_.buildMs, refreshes: this.stats_.refreshes, scans: this.stats_.scans };
  }
}

const indexes = new WeakMap<Db, ClusterIndex>();

/** The one cluster index of this database in this process. */
export function clusterIndexOf(db: Db, refreshMs?: number): ClusterIndex {
  let x = indexes.get(db);
  if (!x) indexes.set(db, (x = new ClusterIndex(db, refreshMs)));
  return x;
}
