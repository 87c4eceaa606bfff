// Keeps the vetting index fresh, records decisions in grouped commits, and replays them.
import type { Db, Queryable, Row } from '../db/db.ts';
import { onCommitted, write, type Actor } from '../ledger/ledger.ts';
import { VettingIndex, type PreparedCache } from './index.ts';
import type { PartyData, Snapshot } from './model.ts';
import * as store from './store.ts';

const INDEX_TYPES = new Set(['territory', 'site', 'corridor', 'party', 'designation', 'commitment']);

async function consistent<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.tx(async (q) => {
    await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ'); // the rows and the ledger size from one snapshot
    return fn(q);
  });
}

/**
 * The current index. A write through this process marks it stale at once; writes by other
 * instances are noticed by comparing the ledger's size at most every `refreshMs`. A refresh
 * reads only what the leaves since the last version name.
 */
export class IndexHolder {
  private index: VettingIndex | null = null;
  private data: { territories: Map<string, Snapshot['territories'][0]>; sites: Map<string, Snapshot['sites'][0]>; corridors: Map<string, Snapshot['corridors'][0]>; parties: PartyData[] } | null = null;
  private readonly cache: PreparedCache = new Map();
  private generation = 0;
  private freshAt = -1;
  private checkedAt = 0;
  /** The ledger size the last refresh looked up to (decisions grow it without changing the data). */
  private scannedTo = 0;
  private refreshing: Promise<VettingIndex> | null = null;
  readonly stop: () => void;
  /** The last rebuild's figures, for logs and the benchmark. */
  lastBuild = { ms: 0, territories: 0, sites: 0, corridors: 0 };

  constructor(
    private readonly db: Db,
    private readonly refreshMs: number,
  ) {
    this.stop = onCommitted(db, (types) => {
      if ([...types].some((t) => INDEX_TYPES.has(t))) this.generation++;
    });
  }

  async get(): Promise<VettingIndex> {
    if (this.index && this.freshAt === this.generation && Date.now() - this.checkedAt < this.refreshMs) return this.index;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refresh(): Promise<VettingIndex> {
    const gen = this.generation;
    const started = performance.now();
    const next = await consistent(this.db, async (q) => {
      if (!this.data || !this.index) {
        const s = await store.loadSnapshot(q, null);
        this.data = { territories: new Map(s.territories.map((x) => [x.id, x])), sites: new Map(s.sites.map((x) => [x.id, x])), corridors: new Map(s.corridors.map((x) => [x.id, x])), parties: s.parties };
        this.scannedTo = s.version;
        return s.version;
      }
      const { size, changed } = await store.changedSince(q, this.scannedTo);
      this.scannedTo = size;
      if (!changed.length) return null; // the data a decision reads is as it was at index.version
      const ids = (type: string) => changed.filter((c) => c.type === type).map((c) => c.id);
      for (const t of await store.loadTerritories(q, null, ids('territory'))) this.data.territories.set(t.id, t);
      for (const s of await store.loadSites(q, null, ids('site'))) this.data.sites.set(s.id, s);
      for (const c of await store.loadCorridors(q, null, ids('corridor'))) this.data.corridors.set(c.id, c);
      if (changed.some((c) => c.type === 'party' || c.type === 'designation' || c.type === 'commitment')) this.data.parties = await store.loadParties(q, null);
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
    }
    return this.index!;
  }

  /** The index as the record stood at `version` (for replays; the last few are kept). */
  private readonly past = new Map<number, Promise<VettingIndex>>();
  at(version: number): Promise<VettingIndex> {
    let p = this.past.get(version);
    if (!p) {
      p = store.loadSnapshot(this.db, version).then((s) => VettingIndex.build(s, this.cache));
      p.catch(() => this.past.delete(version));
      this.past.set(version, p);
      if (this.past.size > 4) this.past.delete(this.past.keys().next().value!);
    }
    return p;
  }
}

interface Pending {
  row: store.NewVetting;
  actor: Actor;
  resolve: (r: Row) => void;
  reject: (e: unknown) => void;
}

/**
 * Grouped commits: decisions that arrive while a commit is in flight wait and go together in
 * the next one (one transaction, one ledger append, each leaf naming its own requester). Each
 * answer is sent only once its decision is committed, so an acknowledged decision is durable.
 */
export class VettingRecorder {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly maxBatch: number,
  ) {}

  record(row: store.NewVetting, actor: Actor): Promise<Row> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, actor, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain() {
    this.running = true;
    try {
      // let the requests already read off the sockets join this commit (on PGlite the database
      // shares this thread, so without the pause every decision would commit alone)
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const rows = await write(this.db, batch[0].actor, async (w) => {
            const written = await store.insertVettings(w.q, batch.map((b) => b.row));
            const byId = new Map(written.map((r) => [String(r.id), r]));
            for (const b of batch) w.record('vetting.decided', 'vetting', byId.get(b.row.id)!, b.actor);
            return byId;
          });
          for (const b of batch) b.resolve(rows.get(b.row.id)!);
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
