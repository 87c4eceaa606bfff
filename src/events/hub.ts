// The events hub: every committed ledger entry becomes an event, fanned out to this process's
// subscribers. This process's own commits arrive from write() as they commit; other processes'
// (several instances on one PostgreSQL) are read from the ledger when a NOTIFY says there are
// some (migration 011), when one of our own commits shows a gap, after the LISTEN connection
// comes back, and whenever sync() is called (the app's `events.poll` job, in case a
// notification was lost). The hub keeps the index it has delivered up to and always reads
// everything after it, so a lost or reordered notification delays an event but never loses it.
import type { Db } from '../db/db.ts';
import { listenerOf, type Listener } from '../db/postgres.ts';
import { onCommitted } from '../ledger/ledger.ts';
import { entriesAfter, ledgerSize, type LedgerEntry } from '../ledger/lookup.ts';
import type { EntityType } from '../ledger/entities.ts';
import type { LedgerEvent } from './views.ts';

/** The NOTIFY channel of migration 011. */
export const CHANNEL = 'truce_ledger';
/** Entries read from the ledger at once. */
export const PAGE = 500;

export interface HubOptions {
  /** Recent events kept in memory for subscribers that fall behind; older ones are read from the ledger. */
  bufferSize: number;
  /** Where failures of the LISTEN connection or of a read go (the app's logger). */
  onError?: (err: unknown, what: string) => void;
}

export const toEvent = (l: LedgerEntry): LedgerEvent => ({ index: l.seq, type: l.entityType as EntityType, action: l.action, id: l.entityId, at: l.at.toISOString() });

export class EventHub {
  /** The events delivered so far are those with index < size; -1 until started. */
  private delivered = -1;
  /** The most recent events: recent[i] has index recentStart + i. */
  private recent: LedgerEvent[] = [];
  private recentStart = 0;
  private readonly listeners = new Set<(events: readonly LedgerEvent[]) => void>();
  private readonly wakers = new Set<() => void>();
  /** This process's events already given to listeners, ahead of other processes' ones still being read. */
  private readonly early = new Set<number>();
  private syncing: Promise<void> | null = null;
  private again = false;
  private starts = 0;
  private listener: Listener | null = null;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private opts: HubOptions = { bufferSize: 10_000 };

  constructor(private readonly db: Db) {
    onCommitted(db, (leaves) => this.committed(leaves.map(toEvent)));
  }

  /** The log's size as this process has delivered it: every event with a lower index has been delivered. */
  get size(): number {
    return this.delivered;
  }

  get started(): boolean {
    return this.delivered >= 0;
  }

  /**
   * Every event, once each, to trusted in-process code (caches): this process's own as their
   * write commits, before write() returns (so a cache is fresh for the next request); other
   * processes' in the ledger's order as soon as they are read. No filtering: never hand these to
   * a client (subscribe through Subscription for that).
   */
  onEvents(fn: (events: readonly LedgerEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls fn (synchronously, so keep it short) whenever size grows. */
  onGrow(fn: () => void): () => void {
    this.wakers.add(fn);
    return () => this.wakers.delete(fn);
  }

  /** Events after `after` (index > after) from memory, at most `limit`; null when they are older than the buffer (read them from the ledger). */
  eventsAfter(after: number, limit: number): LedgerEvent[] | null {
    if (after + 1 < this.recentStart) return null;
    const from = after + 1 - this.recentStart;
    return this.recent.slice(from, from + limit);
  }

  /** Starts following the ledger (and LISTEN on PostgreSQL); each start needs its stop. */
  async start(opts: HubOptions): Promise<void> {
    if (this.starts++ > 0) return;
    this.opts = opts;
    const listen = listenerOf(this.db);
    if (listen) await this.connect(); // first, so nothing committed after the size is read goes unheard
    const size = await ledgerSize(this.db);
    if (this.starts === 0) return; // stopped meanwhile
    this.delivered = size;
    this.recentStart = size;
  }

  async stop(): Promise<void> {
    if (this.starts === 0 || --this.starts > 0) return;
    clearTimeout(this.retry);
    const l = this.listener;
    this.listener = null;
    await l?.close();
    await this.syncing;
    this.delivered = -1;
    this.recent = [];
    this.early.clear();
  }

  /** Does this hub hear of other processes' commits (PostgreSQL), so that polling can catch a lost notification? */
  get followsOthers(): boolean {
    return listenerOf(this.db) !== undefined;
  }

  /** Reads and delivers whatever the ledger holds after what was delivered; one read at a time. */
  sync(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const got = await entriesAfter(this.db, this.delivered - 1, PAGE);
            if (!this.started) return;
            this.append(got.map(toEvent));
            if (got.length < PAGE) break;
          }
        } while (this.again);
      } catch (e) {
        if (this.started) this.opts.onError?.(e, 'reading the ledger for events');
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** This process's commit. */
  private committed(events: LedgerEvent[]) {
    if (!events.length) return;
    if (!this.started || events[0].index > this.delivered) {
      // caches hear of our own write at once; streams get it in order once the gap before it is read
      this.tell(events);
      if (this.started) {
        for (const e of events) this.early.add(e.index);
        void this.sync();
      }
      return;
    }
    this.append(events); // in order (or already read, when a notification beat this callback)
  }

  /** Delivers the events that continue the sequence; the rest were delivered already. */
  private append(events: LedgerEvent[]) {
    const next: LedgerEvent[] = [];
    for (const e of events) {
      if (e.index < this.delivered + next.length) continue;
      if (e.index > this.delivered + next.length) {
        void this.sync(); // cannot happen with whole commits; read rather than skip
        break;
      }
      next.push(e);
    }
    if (!next.length) return;
    this.recent.push(...next);
    this.delivered += next.length;
    if (this.recent.length > 2 * this.opts.bufferSize) {
      const drop = this.recent.length - this.opts.bufferSize;
      this.recent.splice(0, drop);
      this.recentStart += drop;
    }
    this.tell(this.early.size ? next.filter((e) => !this.early.delete(e.index)) : next);
    for (const wake of this.wakers) wake();
  }

  private tell(events: LedgerEvent[]) {
    if (!events.length) return;
    for (const fn of this.listeners) {
      try {
        fn(events);
      } catch (e) {
        this.opts.onError?.(e, 'an event listener');
      }
    }
  }

  private notified(payload: string) {
    const m = /^(\d+)-(\d+)$/.exec(payload);
    if (m && Number(m[2]) <= this.delivered) return; // our own commit, already delivered
    void this.sync();
  }

  private async connect(): Promise<void> {
    try {
      const l = await listenerOf(this.db)!(CHANNEL, (p) => this.notified(p), (e) => this.lost(e));
      if (this.starts === 0) return void (await l.close()); // stopped while connecting
      this.listener = l;
      this.retryMs = 0;
    } catch (e) {
      this.lost(e);
    }
  }

  /** The LISTEN connection failed: try again, backing off, and read what was missed meanwhile. */
  private lost(e: unknown) {
    this.listener = null;
    if (this.starts === 0) return;
    this.opts.onError?.(e, 'the LISTEN connection for events');
    this.retryMs = Math.min(30_000, Math.max(500, this.retryMs * 2));
    this.retry = setTimeout(async () => {
      if (this.starts === 0) return;
      await this.connect();
      if (this.listener) void this.sync();
    }, this.retryMs).unref();
  }
}

const hubs = new WeakMap<object, EventHub>();

/** The one hub of a database (created on first use; it delivers this process's commits to onEvents even before it is started). */
export function eventsHub(db: Db): EventHub {
  let h = hubs.get(db);
  if (!h) hubs.set(db, (h = new EventHub(db)));
  return h;
}
