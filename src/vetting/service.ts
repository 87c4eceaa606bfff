// Keeps the vetting index fresh, records decisions in grouped commits, and replays them.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/roles.ts';
import type { Db, Queryable, Row } from '../db/db.ts';
import { snapshotTx } from '../db/statements.ts';
import { geodesicAreaKm2 } from '../geo/geodesy.ts';
import { checkGeometry, geometryFault, type Geometry } from '../geo/geojson.ts';
import { ApiError } from '../http/errors.ts';
import { eventsHub } from '../events/hub.ts';
import { SYSTEM, write, type Actor, type Writer } from '../ledger/ledger.ts';
import { assess, conclude, prepareTarget, referredOnGrid, spend, tell, type PreparedTarget } from './decide.ts';
import type { ClipPool } from './clipper.ts';
import { territoryParts, VettingIndex, withoutCoordinates, type PreparedCache } from './index.ts';
import { ensureLoaded, readSnapshot, snapshotKey, SnapshotRefused, writeSnapshot, type IndexData, type Loading } from './snapshot.ts';
import { rootAt } from '../ledger/lookup.ts';
import { filling, forgetTerritoryParts, keepTerritoryParts, preparedCache, preparedTerritoryIds } from '../geo/prepared.ts';
import fs from 'node:fs';
import { bordersLoading, loadBorders } from '../geo/borders.ts';
import type { Decision, PartyData, Snapshot, Target, VetRequest } from './model.ts';
import type { Grid } from './grid.ts';
import * as store from './store.ts';
import { isCoarse } from './views.ts';

const INDEX_TYPES = new Set<string>(store.INDEXED);

/** The rows and the ledger size from one snapshot. */
const consistent = <T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> => snapshotTx(db, fn);

/** Where and when the holder keeps its index on disk (snapshot.ts); null file: never. */
export interface SnapshotOptions {
  file: string | null;
  /** Below this many territory vertices a cold load is quick enough: no file is written. */
  minVertices: number;
  /** A newer file is written after a rebuild once the last is this old. */
  everyMs: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

const NO_SNAPSHOT: SnapshotOptions = { file: null, minVertices: Infinity, everyMs: Infinity, log: () => {} };

/**
 * The current index. The events hub marks it stale: at once for a write through this process
 * (before that write returns), as soon as the hub hears of it (LISTEN/NOTIFY) for a write
 * through another instance. `refreshMs` bounds how stale it can be should the hub miss one:
 * past it the next decision compares the ledger's size. A refresh reads only what the leaves
 * since the last version name. The first load reads the snapshot on disk when there is a sound
 * one (sealed with this database's key, its root the ledger's at its size), then only what
 * changed since; otherwise every row, and writes a snapshot for the next start.
 */
export class IndexHolder {
  private index: VettingIndex | null = null;
  /** The rows as of the index, territories without their coordinates (the cache holds their prepared parts). */
  private data: { territories: Map<string, Snapshot['territories'][0]>; sites: Map<string, Snapshot['sites'][0]>; corridors: Map<string, Snapshot['corridors'][0]>; parties: PartyData[] } | null = null;
  private readonly cache: PreparedCache;
  private generation = 0;
  private freshAt = -1;
  private checkedAt = 0;
  /** The ledger size the last refresh looked up to (decisions grow it without changing the data). */
  private scannedTo = 0;
  private refreshing: Promise<VettingIndex> | null = null;
  private snapshotAt = 0;
  private writing: Promise<void> | null = null;
  /** The file's arrays still being read (its parts are read as decisions meet them and in the background). */
  private loading: Loading | null = null;
  /** Why the file was dropped while its arrays were read: the index then comes from the database. */
  private refused: string | null = null;
  readonly stop: () => void;
  /** The last rebuild's figures, for logs and the benchmark. */
  lastBuild = { ms: 0, territories: 0, sites: 0, corridors: 0 };
  /** How the first load went: from the snapshot file or the database, and why not the file. */
  firstLoad: { from: 'snapshot' | 'database'; ms: number; why?: string } | null = null;
  /** A load from the file: reading and checking the seal, then checking the root against the ledger. */
  phases: { readMs: number; ledgerMs: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly refreshMs: number,
    private readonly snap: SnapshotOptions = NO_SNAPSHOT,
    private readonly maxPastBuilds = 2,
  ) {
    this.cache = preparedCache(db);
    const off = eventsHub(db).onEvents((events) => {
      if (events.some((e) => INDEX_TYPES.has(e.type))) this.generation++;
    });
    this.stop = () => {
      off();
      this.stopped = true;
    };
  }

  private stopped = false;

  async get(): Promise<VettingIndex> {
    if (this.index && this.freshAt === this.generation && Date.now() - this.checkedAt < this.refreshMs) return this.index;
    if (!this.refreshing) {
      this.refreshing = this.refresh().finally(() => (this.refreshing = null));
      // others reading the cache wait for the file's arrays too, not only for the index
      if (!this.index) filling(this.cache, this.refreshing.then(() => this.loading?.all));
    }
    return this.refreshing;
  }

  /** Whether there is a snapshot file to start from (a restart): then the index is loaded at once, not on the first decision. */
  hasSnapshot(): boolean {
    return !!this.snap.file && fs.existsSync(this.snap.file);
  }

  /** The snapshot file read and its seal checked (outside any transaction: it takes a while), or why not. */
  private async readFile(): Promise<{ d: IndexData & { loading: Loading }; readMs: number } | { why: string }> {
    if (!this.snap.file) return { why: 'no snapshot file configured' };
    if (this.refused) return { why: this.refused };
    try {
      const key = snapshotKey(await store.gridSecret(this.db));
      const t0 = performance.now();
      // the background readers wait for the borders' worker: both are a core's work for a second
      // or two after a restart, and the first decision needs the borders but not the readers
      const d = await readSnapshot(this.snap.file, key, { background: false });
      const late = new Promise((r) => setTimeout(r, 5_000).unref()); // a stuck worker holds the readers back no longer
      void Promise.race([bordersLoading(), late])
        .then(() => (this.stopped ? d.loading.drop('the app closed') : d.loading.background()))
        .catch((e: Error) => d.loading.drop(`not read (${e.message})`)); // the file is then not used
      return { d, readMs: Math.round(performance.now() - t0) };
    } catch (e) {
      if (e instanceof SnapshotRefused) return { why: e.message };
      throw e;
    }
  }

  /** The snapshot's data taken when it belongs to this ledger (its root at its size is the ledger's); else why not. */
  private async fromFile(q: Queryable, file: { d: IndexData & { loading: Loading }; readMs: number } | { why: string }): Promise<{ version: number } | { why: string }> {
    if ('why' in file) return file;
    const { d } = file;
    const t1 = performance.now();
    const size = await store.ledgerSize(q);
    const why =
      d.version > size ? `made at ledger size ${d.version}, past the ledger's ${size}` : !Buffer.from(await rootAt(q, d.version)).equals(Buffer.from(d.root)) ? `its root at size ${d.version} is not the ledger's` : null;
    if (why) {
      d.loading.drop(why);
      return { why };
    }
    for (const t of d.territories) keepTerritoryParts(this.cache, t.row.id, t.parts);
    this.loading = d.loading;
    const ids = d.territories.map((t) => t.row.id);
    // a chunk that fails its check: the file's parts are forgotten at once, and the next decision reads the database
    d.loading.all.then(
      () => (this.loading = null),
      (e: Error) => {
        this.refused = e.message;
        forgetTerritoryParts(this.cache, ids);
        this.generation++;
        this.snap.log('vetting index snapshot dropped while reading it', { why: e.message });
      },
    );
    // filled in loops: a [key, value] pair per site was 100,000 arrays more to collect after a restart
    const sites = new Map<string, (typeof d.sites)[number]>();
    for (const x of d.sites) sites.set(x.id, x);
    this.data = {
      territories: new Map(d.territories.map((t) => [t.row.id, t.row])),
      sites,
      corridors: new Map(d.corridors.map((x) => [x.id, x])),
      parties: d.parties,
    };
    this.scannedTo = d.version;
    this.phases = { readMs: file.readMs, ledgerMs: Math.round(performance.now() - t1) };
    return { version: d.version };
  }

  private async refresh(): Promise<VettingIndex> {
    const gen = this.generation;
    const started = performance.now();
    let fresh = false;
    if (this.refused && this.loading) {
      // the file failed a check while its arrays were read: everything from it goes
      this.loading = null;
      this.index = null;
      this.data = null;
    }
    // the first load reads the file before its transaction (refreshes never overlap: get() shares one)
    const read = !this.data || !this.index ? await this.readFile() : null;
    const next = await consistent(this.db, async (q) => {
      let version: number | null = null;
      if (read) {
        const file = await this.fromFile(q, read);
        if ('why' in file) {
          // versions another index of this database prepared already come without coordinates
          const s = await store.loadSnapshot(q, null, preparedTerritoryIds(this.cache));
          this.data = {
            territories: new Map(s.territories.map((x) => [x.id, withoutCoordinates(x, this.cache)])),
            sites: new Map(s.sites.map((x) => [x.id, x])),
            corridors: new Map(s.corridors.map((x) => [x.id, x])),
            parties: s.parties,
          };
          this.scannedTo = s.version;
          this.firstLoad = { from: 'database', ms: 0, why: file.why };
          fresh = true;
          return s.version;
        }
        this.firstLoad = { from: 'snapshot', ms: 0 };
        version = file.version; // built even when nothing changed since
      }
      const { size, changed } = await store.changedSince(q, this.scannedTo);
      this.scannedTo = size;
      if (!changed.length) return version; // the data a decision reads is as it was at index.version
      const ids = (type: string) => changed.filter((c) => c.type === type).map((c) => c.id);
      for (const t of await store.loadTerritories(q, null, ids('territory'))) this.data!.territories.set(t.id, withoutCoordinates(t, this.cache));
      for (const s of await store.loadSites(q, null, ids('site'))) this.data!.sites.set(s.id, s);
      for (const c of await store.loadCorridors(q, null, ids('corridor'))) this.data!.corridors.set(c.id, c);
      if (changed.some((c) => c.type === 'party' || c.type === 'designation' || c.type === 'commitment')) this.data!.parties = await store.loadParties(q, null);
      return size;
    });
    this.checkedAt = Date.now();
    this.freshAt = gen;
    if (next !== null) {
      const d = this.data!;
      this.index = VettingIndex.build(
        { version: next, territories: [...d.territories.values()], sites: [...d.sites.values()], corridors: [...d.corridors.values()], parties: d.parties },
        this.cache,
      );
      this.lastBuild = { ms: performance.now() - started, territories: d.territories.size, sites: d.sites.size, corridors: d.corridors.size };
      if (this.firstLoad && !this.firstLoad.ms) {
        this.firstLoad.ms = this.lastBuild.ms;
        this.snap.log('vetting index loaded', { ...this.firstLoad, ...this.phases, territories: d.territories.size, sites: d.sites.size, corridors: d.corridors.size });
        if (this.firstLoad.from === 'snapshot') this.snapshotAt = Date.now();
      }
      if (fresh || Date.now() - this.snapshotAt > this.snap.everyMs) this.keep(this.index);
    }
    return this.index!;
  }

  /** Writes the index's data to the snapshot file, in the background (one write at a time). */
  private keep(ix: VettingIndex) {
    if (!this.snap.file || this.writing) return;
    const vertices = ix.territories.reduce((n, t) => n + t.area.vertexCount, 0);
    if (vertices < this.snap.minVertices) return;
    const d = this.data!;
    const file = this.snap.file;
    this.snapshotAt = Date.now();
    const loading = this.loading;
    this.writing = (async () => {
      await loading?.all; // every array read and checked before it is written again
      const t0 = performance.now();
      const root = await rootAt(this.db, ix.version);
      const key = snapshotKey(await store.gridSecret(this.db));
      const territories = [...d.territories.values()].map((row) => ({ row, parts: territoryParts(row, this.cache) }));
      const { bytes } = await writeSnapshot(file, key, { version: ix.version, root, territories, sites: [...d.sites.values()], corridors: [...d.corridors.values()], parties: d.parties });
      this.snap.log('vetting index snapshot written', { version: ix.version, bytes, ms: Math.round(performance.now() - t0) });
    })()
      .catch((e) => this.snap.log('vetting index snapshot not written', { error: (e as Error).message }))
      .finally(() => (this.writing = null));
  }

  /** Resolves once the file's arrays are all read and checked (at once when the index came from the database); rejects if one failed. */
  async loaded(): Promise<void> {
    await this.loading?.all;
  }

  /** The snapshot being written, if any (tests and shutdown wait for it). */
  flushed(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  /** The index as the record stood at `version` (for replays; the last few are kept). */
  private readonly past = new Map<number, Promise<VettingIndex>>();
  /** Past indexes being built: each reads the record as of its version and prepares every site. */
  private pastBuilding = 0;
  at(version: number): Promise<VettingIndex> {
    let p = this.past.get(version);
    if (!p) {
      // replays of many distinct versions at once would each hold the loop and the database for a build
      if (this.pastBuilding >= this.maxPastBuilds)
        return Promise.reject(new ApiError('RATE_LIMITED', `Replays need the data as of ${this.maxPastBuilds} other versions already being read; retry in a few seconds.`, 'id', { limit: this.maxPastBuilds }));
      this.pastBuilding++;
      // the versions already prepared come without their coordinates (the cache has their parts)
      p = store
        .loadSnapshot(this.db, version, preparedTerritoryIds(this.cache))
        .then((s) => VettingIndex.build(s, this.cache))
        .finally(() => this.pastBuilding--);
      p.catch(() => this.past.delete(version));
      this.past.set(version, p);
      if (this.past.size > 4) this.past.delete(this.past.keys().next().value!);
    }
    return p;
  }
}

/**
 * A decision that never holds the event loop long: clipping of up to `inlineEdges` edges is done
 * here (a few milliseconds), larger in the pool's workers; if they miss the deadline, the parts
 * they were for are a review (DECISION_DEADLINE) and the rest of the decision stands.
 */
export async function decideBounded(ix: VettingIndex, vr: VetRequest, t: PreparedTarget, pool: ClipPool, inlineEdges: number, deadlineMs: number): Promise<Decision> {
  try {
    // just after a restart: the parts this target meets, read from the file if the threads have not yet
    ensureLoaded(() => ix.territoriesIn(t.bbox, vr.at).map((e) => e.area));
  } catch (e) {
    if (e instanceof SnapshotRefused) throw new ApiError('INDEX_RELOADING', 'The vetting index is being read from the database again (its file on disk failed a check); try again in a few seconds.');
    throw e;
  }
  await loadBorders(); // at once unless they are still being read at start
  const a = assess(ix, vr, t, inlineEdges);
  if (!a.clip.jobs.length) return conclude(a);
  return conclude(a, await pool.run(a.clip.jobs), deadlineMs);
}

/** What a role without site access is told is settled in the recording transaction, against its budget. */
export interface Coarse {
  exact: Decision;
  /** A site counted on the grid. */
  referred: boolean;
  gridM: number;
}

/** A decision made and waiting to be recorded. */
export interface Planned {
  row: store.NewVetting;
  coarse: Coarse | null;
}

/** Requests that go into one commit together: one decision, or every target of a batch. */
interface Pending {
  items: Planned[];
  actor: Actor;
  resolve: (r: Row[]) => void;
  reject: (e: unknown) => void;
}

/** Midnight UTC of the day `now` falls in. */
export const utcDayStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * The told view of a decision for a role that may see sites: the decision itself. Its reasons are
 * not stored twice: told_reasons NULL with basis 'exact' reads as the row's reasons (views.toldOf).
 * At full size a decision's reasons run to ~1 KB; repeated, they doubled every row, its hashing
 * and its parse (issue 12).
 */
export function toldExact(d: Decision): Pick<store.NewVetting, 'told_decision' | 'told_reasons' | 'told_basis' | 'grid_m'> {
  return { told_decision: d.decision, told_reasons: null, told_basis: 'exact', grid_m: null };
}

/**
 * Grouped commits: decisions that arrive while a commit is in flight wait and go together in
 * the next one (one transaction, one ledger append, each leaf naming its own requester). Each
 * answer is sent only once its decision is committed, so an acknowledged decision is durable.
 * For roles without site access the answer is settled here, under a lock on the account's
 * budget: the same statements run whether or not a site was near, and concurrent requests of
 * one account (on any instance) spend its budget one after another.
 */
export class VettingRecorder {
  private queue: Pending[] = [];
  private running = 0;
  /** Commits in flight at once: more than one only where transactions run side by side (PostgreSQL's pool). */
  private readonly depth: number;

  constructor(
    private readonly db: Db,
    private readonly maxBatch: number,
    private readonly referralsPerDay: number,
    depth = 2,
  ) {
    // PGlite runs one transaction at a time: a second commit would only wait, with a smaller batch
    this.depth = db.engine === 'pglite' ? 1 : Math.max(1, depth);
  }

  async record(row: store.NewVetting, actor: Actor, coarse: Coarse | null = null): Promise<Row> {
    return (await this.recordAll([{ row, coarse }], actor))[0];
  }

  /**
   * The decisions of one batch, in its order, all in one commit (even past maxBatch): every
   * target is recorded, or none is. Coarse answers spend the account's budget in this order.
   */
  recordAll(items: Planned[], actor: Actor): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, actor, resolve, reject });
      if (this.running < this.depth) void this.drain();
    });
  }

  /** The next commit: waiting requests up to maxBatch decisions (a larger batch alone), never split. */
  private take(): Pending[] {
    let n = 0;
    let k = 0;
    while (k < this.queue.length && (k === 0 || n + this.queue[k].items.length <= this.maxBatch)) n += this.queue[k++].items.length;
    return this.queue.splice(0, k);
  }

  /**
   * One of up to `depth` loops, each committing the waiting requests in turn. With two, the next
   * commit's statements go out while the previous one's append and COMMIT are still in flight (its
   * ledger append waits in the database for the previous one's), so the event loop is not idle
   * waiting for a round trip while every client waits for its answer.
   */
  private async drain() {
    this.running++;
    try {
      // let the requests already read off the sockets join this commit (on PGlite the database
      // shares this thread, so without the pause every decision would commit alone)
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) {
        const batch = this.take();
        const all = batch.flatMap((b) => b.items.map((item) => ({ ...item, actor: b.actor })));
        try {
          const rows = await write(this.db, batch[0].actor, async (w) => {
            await this.settle(w, all);
            const written = await store.insertVettings(w.q, all.map((b) => b.row));
            const byId = new Map(written.map((r) => [String(r.id), r]));
            for (const b of all) w.record('vetting.decided', 'vetting', byId.get(b.row.id)!, b.actor);
            return byId;
          });
          for (const b of batch) b.resolve(b.items.map((item) => rows.get(item.row.id)!));
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running--;
    }
  }

  /** Fills in the told view of the coarse requests in the batch, in arrival order, flagging accounts past their budget. */
  private async settle(w: Writer, batch: Planned[]) {
    const coarse = batch.filter((b) => b.coarse && b.row.requested_by);
    if (!coarse.length) return;
    const ids = [...new Set(coarse.map((b) => b.row.requested_by!))];
    await store.lockBudgets(w.q, ids);
    const state = await store.budgets(w.q, ids, utcDayStart(new Date()).toISOString());
    for (const b of coarse) {
      const id = b.row.requested_by!;
      const { basis, flagNow, next } = spend(state.get(id) ?? { flagged: false, referrals: 0 }, b.coarse!.referred, this.referralsPerDay);
      state.set(id, next);
      if (flagNow) {
        const flag = await store.insertFlag(w.q, { accountId: id, event: 'flagged', referrals: next.referrals });
        w.record('vetting.flagged', 'vetting_flag', flag, SYSTEM);
      }
      const told = tell(b.coarse!.exact, basis, b.coarse!.referred);
      Object.assign(b.row, { told_decision: told.decision, told_reasons: told.reasons, told_basis: basis, grid_m: b.coarse!.gridM });
    }
  }
}

/** The secretariat lifts an account's flag: an event after the flag, never an edit of it. */
export async function liftFlag(w: Writer, accountId: string, reason: string | null): Promise<Row> {
  await store.lockBudgets(w.q, [accountId]);
  const last = await store.latestFlag(w.q, accountId);
  if (!last || last.event !== 'flagged') throw new ApiError('NOT_FLAGGED', `Account ${accountId} is not flagged.`, 'accountId');
  const row = await store.insertFlag(w.q, { accountId, event: 'lifted', reason, recordedBy: w.actor.accountId });
  w.record('vetting.flag_lifted', 'vetting_flag', row);
  return row;
}

/** The bounds a target is checked against (src/config.ts). */
export interface TargetBounds {
  maxRadiusM: number;
  maxVertices: number;
  coarseMaxRadiusM: number;
  coarseMaxAreaKm2: number;
}

/** One target as a request gives it. */
export interface TargetInput {
  target: { type: string; coordinates: unknown };
  radiusM?: number;
  at?: string;
  note?: string;
}

/**
 * The checks of one target that need no database, naming fields under `prefix` ('' for a single
 * request, 'targets.17.' in a batch): its structure, radius and size, and for roles without site
 * access the bounds that keep a question small.
 */
export function checkTarget(role: string, t: TargetInput, bounds: TargetBounds, prefix = ''): { vertices: number } {
  const g = t.target as Geometry;
  const field = `${prefix}target`;
  const { fault, vertices } = geometryFault(g, field);
  if (fault) throw new ApiError('INVALID_GEOMETRY', `${fault.field}: ${fault.reason}.`, fault.field);
  if (t.radiusM !== undefined && g.type !== 'Point') throw new ApiError('INCONSISTENT', 'radiusM applies to a Point target only.', `${prefix}radiusM`);
  if ((t.radiusM ?? 0) > bounds.maxRadiusM) throw new ApiError('VALIDATION_FAILED', `radiusM may be at most ${bounds.maxRadiusM} m.`, `${prefix}radiusM`);
  if (vertices > bounds.maxVertices) throw new ApiError('INVALID_GEOMETRY', `The target has ${vertices} vertices; at most ${bounds.maxVertices} are accepted.`, field);
  if (isCoarse(role) && (t.radiusM ?? 0) > bounds.coarseMaxRadiusM) {
    throw new ApiError('TARGET_TOO_LARGE', `radiusM may be at most ${bounds.coarseMaxRadiusM} m for the ${role} role.`, `${prefix}radiusM`, { bound: bounds.coarseMaxRadiusM, unit: 'm' });
  }
  if (isCoarse(role) && g.type === 'Polygon') {
    const km2 = geodesicAreaKm2(g.coordinates as [number, number][][]);
    if (km2 > bounds.coarseMaxAreaKm2) {
      throw new ApiError('TARGET_TOO_LARGE', `The target covers ${km2.toFixed(2)} km²; at most ${bounds.coarseMaxAreaKm2} km² for the ${role} role.`, field, { bound: bounds.coarseMaxAreaKm2, unit: 'km2' });
    }
  }
  return { vertices };
}

/** A liaison vets for its own party only (checked first, before anything about the target). */
export function ownPartyOnly(p: Principal, partyId: string): void {
  if (p.role === 'liaison' && partyId !== p.partyId) throw new ApiError('FORBIDDEN', 'A liaison may vet only for its own party.', 'requestingPartyId');
}

/** The requesting party, which must exist. */
export function requestingParty(index: VettingIndex, partyId: string): PartyData {
  const party = index.parties.get(partyId);
  if (!party) throw new ApiError('UNKNOWN_REFERENCE', `No party with id ${partyId}.`, 'requestingPartyId');
  return party.data;
}

/** PostGIS's verdict on a polygon target (a point needs none). */
export async function checkTargetValidity(db: Queryable, t: TargetInput, maxVertices: number, prefix = ''): Promise<void> {
  if (t.target.type === 'Polygon') await checkGeometry(db, t.target as Geometry, `${prefix}target`, maxVertices);
}

/**
 * Decides one checked target: the exact decision, and for a role without site access whether a
 * site counts on the grid (its told view is settled against the budget when it is recorded).
 * The same path whether or not a site is near, for a single request and for each target of a batch.
 */
export async function planVetting(
  index: VettingIndex,
  grid: Grid | null,
  p: Principal,
  party: PartyData,
  t: TargetInput,
  now: Date,
  /** The decision within the deadline (decideBounded with the route's pool). */
  decide: (ix: VettingIndex, vr: VetRequest, t: PreparedTarget) => Promise<Decision>,
): Promise<Planned> {
  const target = { type: t.target.type, coordinates: t.target.coordinates } as Target;
  const at = t.at ? new Date(t.at) : now;
  const vr: VetRequest = { target, radiusM: t.radiusM ?? 0, at: at.getTime(), homeState: party.homeState, operatesIn: party.operatesIn };
  const prepared = prepareTarget(vr);
  const d = await decide(index, vr, prepared);
  const referred = grid ? referredOnGrid(index, vr, grid, prepared) : false;
  const told = grid ? { told_decision: 'review', told_reasons: [], told_basis: 'grid', grid_m: grid.cellM } : toldExact(d);
  return {
    row: {
      id: randomUUID(),
      target,
      radius_m: t.radiusM ?? null,
      at: at.toISOString(),
      requesting_party_id: party.id,
      home_state: vr.homeState,
      operates_in: vr.operatesIn,
      note: t.note ?? null,
      decision: d.decision,
      reasons: d.reasons,
      data_version: index.version,
      requested_by: p.accountId,
      requested_role: p.role,
      ...told,
    },
    coarse: grid ? { exact: d, referred, gridM: grid.cellM } : null,
  };
}
