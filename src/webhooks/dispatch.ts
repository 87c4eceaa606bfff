// From ledger entries to deliveries, and the deliveries themselves.
//
// Fan-out: the events hub wakes it (this instance's commits at once; other instances' when the
// hub hears of them), and a periodic job catches up. It reads the ledger after its position,
// kept in the database (webhook_cursors 'fanout'), and in ONE transaction queues a delivery for
// every registration an entry concerns and moves the position past it: an entry the hub has
// acknowledged is queued once, whether the instance stops before, during or after the pass.
// One instance at a time holds the position's row (FOR UPDATE SKIP LOCKED); the others skip.
//
// Deadlines: a periodic job finds the open requests whose deadline is near or passed, marks each
// (request, threshold) once ever (webhook_deadlines), and queues the notices in the same transaction.
//
// Delivery: rows of the outbox are claimed with FOR UPDATE SKIP LOCKED and a lease (so two
// instances never send one at the same time), sent, and logged; a failure is tried again after
// an exponential delay with jitter, up to the attempts allowed; after too many failures in a row
// the webhook is disabled. A delivery interrupted by a stop is given back, and sent after restart.
import { randomUUID } from 'node:crypto';
import { accountsByIds } from '../auth/lookup.ts';
import type { Principal } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { LedgerEvent } from '../events/views.ts';
import { viewEvent } from '../events/views.ts';
import { convoyEventFacts } from '../aid/lookup.ts';
import { determinationAsSeenBy, openRequestsDue, reportAsSeenBy, requestAsSeenBy } from '../incidents/lookup.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { entriesAfter, ledgerSize } from '../ledger/lookup.ts';
import type { EntityType } from '../ledger/entities.ts';
import { afterAttempt, isSuccess, shouldDisable, type RetryRules } from './backoff.ts';
import { postOnce } from './deliver.ts';
import { concernsParty, crossed, kindOfEntry, nearOwnSite, type Kind, type Threshold } from './kinds.ts';
import { disableForFailures } from './service.ts';
import { signHeader } from './signature.ts';
import * as store from './store.ts';

/** Ledger entries read per fan-out transaction. */
export const FANOUT_PAGE = 200;
/** Open requests read per page by the deadline job. */
const DEADLINE_PAGE = 500;

export interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The body every delivery carries. */
export interface Envelope {
  id: string;
  kind: Kind;
  webhookId: string;
  /** When it happened: the ledger entry's time, or for deadline notices the time the threshold was found crossed. */
  occurredAt: string;
  /** The ledger leaf the notice comes from (deadline notices come from none). */
  ledgerIndex: number | null;
  data: Record<string, unknown>;
}

const principalOf = (a: { id: string; name: string; role: Principal['role']; partyId: string | null }): Principal => ({ accountId: a.id, name: a.name, role: a.role, partyId: a.partyId, via: 'token' });

/** The registrants of these webhooks as principals (accounts disabled meanwhile are left out: they are told nothing). */
async function principals(q: Queryable, hooks: store.WebhookRecord[]): Promise<Map<string, Principal>> {
  const accounts = await accountsByIds(q, hooks.map((h) => h.accountId));
  return new Map([...accounts.values()].filter((a) => !a.disabled).map((a) => [a.id, principalOf(a)]));
}

/**
 * What `p` is told of a ledger entry for one kind, and its dedupe key; null when the entry is
 * not for it or it may not read it. Everything comes through the owners' lookups, as the API
 * would answer this principal: the notice never holds more than it may read.
 */
async function noticeOf(q: Queryable, p: Principal, kind: Kind, e: LedgerEvent, config: Config): Promise<{ dedupe: string; data: Record<string, unknown> } | null> {
  switch (kind) {
    case 'info_request.sent': {
      const r = p.role === 'liaison' ? await requestAsSeenBy(q, p, e.id) : null;
      return r && r.request.addressedToPartyId === p.partyId ? { dedupe: `${kind}:${e.id}`, data: { request: r.request, incident: r.incident } } : null;
    }
    case 'determination.standing': {
      const d = p.role === 'liaison' ? await determinationAsSeenBy(q, p, e.type as 'determination' | 'concurrence', e.id) : null;
      if (!d || !d.standing || !concernsParty(p.partyId, d.determination, d.incident ?? null)) return null;
      return { dedupe: `${kind}:${d.determination.id}`, data: { determination: d.determination, incident: d.incident } };
    }
    case 'convoy.approval_asked': {
      if (p.role !== 'liaison') return null;
      const f = (await convoyEventFacts(q, [e.id])).get(e.id);
      if (!f || f.type !== 'approval_added' || f.partyId !== p.partyId) return null;
      const seen = await viewEvent(q, p, e); // aid's view of convoy events: to who may read the convoy in full
      return seen ? { dedupe: `${kind}:${e.id}`, data: { convoyId: f.convoyId, partyId: f.partyId, reason: f.reason } } : null;
    }
    case 'report.near_site': {
      const r = p.role === 'agency' ? await reportAsSeenBy(q, p, e.id) : null;
      return r && nearOwnSite(r.enrichment as never, config.webhookNearSiteM) ? { dedupe: `${kind}:${e.id}`, data: { report: r } } : null;
    }
    default:
      return null;
  }
}

const envelope = (id: string, kind: Kind, webhookId: string, occurredAt: string, ledgerIndex: number | null, data: Record<string, unknown>): string =>
  JSON.stringify({ id, kind, webhookId, occurredAt, ledgerIndex, data } satisfies Envelope);

/** Runs fn one at a time; a kick while it runs makes it run once more after. */
class Serial {
  private running: Promise<void> | null = null;
  private again = false;
  closed = false;
  constructor(
    private readonly fn: () => Promise<void>,
    private readonly log: Logger,
    private readonly what: string,
  ) {}
  run(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.fn();
        } while (this.again && !this.closed);
      } catch (e) {
        if (!this.closed) this.log.error({ err: e }, `webhooks: ${this.what} failed`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
  kick(): void {
    if (!this.closed) setImmediate(() => void this.run());
  }
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }
}

export class Dispatcher {
  readonly fanout: Serial;
  readonly deadlines: Serial;
  readonly deliver: Serial;
  private readonly stopping = new AbortController();
  private readonly retry: RetryRules;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.retry = { baseMs: config.webhookRetryBaseMs, maxMs: config.webhookRetryMaxMs, maxAttempts: config.webhookMaxAttempts };
    this.fanout = new Serial(async () => {
      let queued = 0;
      for (;;) {
        const r = await this.fanoutPage();
        queued += r.queued;
        if (!r.more) break;
      }
      if (queued) this.deliver.kick();
    }, log, 'the fan-out');
    this.deadlines = new Serial(async () => {
      if (await this.deadlinePass(Date.now())) this.deliver.kick();
    }, log, 'the deadline notices');
    this.deliver = new Serial(async () => {
      while (!this.deliver.closed && (await this.startDue()) > 0);
    }, log, 'delivering');
  }

  /**
   * Were there active webhooks at the last pass (or has this instance registered or enabled one
   * since)? When not, a commit does not wake the fan-out: the periodic pass moves the position on
   * (or, if another instance registered one meanwhile, fans out), so nothing is lost, and writes
   * cost nothing more while nobody listens.
   */
  listening = true;

  /** Entries of interest woke us (the hub): fan out soon. */
  wake(events: readonly LedgerEvent[]): void {
    if (this.listening && events.some((e) => kindOfEntry(e))) this.fanout.kick();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all([this.fanout.close(), this.deadlines.close(), this.deliver.close()]);
    await Promise.allSettled([...this.inflight]); // each gives its claim back
  }

  /** One transaction of the fan-out: the next page of the ledger after the position. */
  async fanoutPage(): Promise<{ queued: number; more: boolean }> {
    return this.db.tx(async (q) => {
      const position = await store.claimCursor(q, 'fanout');
      if (position === null) return { queued: 0, more: false }; // another instance is at it
      const size = await ledgerSize(q);
      if (position >= size - 1) return { queued: 0, more: false };
      this.listening = await store.anyActive(q);
      if (!this.listening) {
        // nobody listens: skip ahead (a registration committed after the size was read has a later leaf, so nothing it wants is skipped)
        await store.moveCursor(q, 'fanout', size - 1);
        return { queued: 0, more: false };
      }
      const entries = await entriesAfter(q, position, FANOUT_PAGE);
      if (!entries.length) return { queued: 0, more: false };
      const events: LedgerEvent[] = entries.map((l) => ({ index: l.seq, type: l.entityType as EntityType, action: l.action, id: l.entityId, at: l.at.toISOString() }));
      const wanted = events.map((e) => ({ e, kind: kindOfEntry(e) })).filter((x): x is { e: LedgerEvent; kind: Kind } => x.kind !== null);
      const hooks = await store.activeFor(q, [...new Set(wanted.map((x) => x.kind))]);
      const who = await principals(q, hooks);
      const items: store.Queued[] = [];
      for (const { e, kind } of wanted) {
        const byAccount = new Map<string, Awaited<ReturnType<typeof noticeOf>>>(); // an account's webhooks are told the same
        for (const h of hooks) {
          const p = who.get(h.accountId);
          if (!p || !h.events.includes(kind) || h.createdAt.getTime() > Date.parse(e.at)) continue;
          if (!byAccount.has(p.accountId)) byAccount.set(p.accountId, await noticeOf(q, p, kind, e, this.config));
          const n = byAccount.get(p.accountId);
          if (!n) continue;
          const id = randomUUID();
          items.push({ id, webhookId: h.id, dedupe: n.dedupe, kind, body: envelope(id, kind, h.id, e.at, e.index, n.data) });
        }
      }
      const queued = await store.enqueue(q, items);
      await store.moveCursor(q, 'fanout', events.at(-1)!.index);
      return { queued, more: entries.length === FANOUT_PAGE };
    });
  }

  /** One pass of the deadline job at `now`: returns the notices queued. */
  async deadlinePass(now: number): Promise<number> {
    const nearMs = this.config.webhookDeadlineNearH * 3_600_000;
    const catchUpMs = this.config.webhookDeadlineCatchUpH * 3_600_000;
    return this.db.tx(async (q) => {
      if ((await store.claimCursor(q, 'deadlines')) === null) return 0; // another instance is at it
      const hooks = await store.activeFor(q, ['info_request.deadline_near', 'info_request.deadline_passed']);
      const who = await principals(q, hooks);
      let queued = 0;
      let after: { dueAt: Date; seq: number } | undefined;
      for (;;) {
        const due = await openRequestsDue(q, new Date(now - catchUpMs), new Date(now + nearMs), DEADLINE_PAGE, after);
        if (!due.length) break;
        after = { dueAt: due.at(-1)!.dueAt, seq: due.at(-1)!.seq };
        const told = await store.deadlinesTold(q, due.map((r) => r.id));
        const marks = due.flatMap((r) => crossed(r.dueAt.getTime(), now, nearMs, catchUpMs, (told.get(r.id) ?? []) as Threshold[]).map((threshold) => ({ requestId: r.id, threshold, r })));
        const fresh = await store.markDeadlines(q, marks);
        const items: store.Queued[] = [];
        for (const m of marks) {
          if (!fresh.has(`${m.requestId}/${m.threshold}`)) continue;
          const kind: Kind = m.threshold === 'near' ? 'info_request.deadline_near' : 'info_request.deadline_passed';
          const byAccount = new Map<string, Awaited<ReturnType<typeof requestAsSeenBy>>>();
          for (const h of hooks) {
            const p = who.get(h.accountId);
            if (!p || !h.events.includes(kind) || p.role !== 'liaison' || p.partyId !== m.r.addressedToPartyId) continue;
            if (!byAccount.has(p.accountId)) byAccount.set(p.accountId, await requestAsSeenBy(q, p, m.requestId));
            const seen = byAccount.get(p.accountId);
            if (!seen || seen.answered) continue;
            const id = randomUUID();
            items.push({ id, webhookId: h.id, dedupe: `${kind}:${m.requestId}`, kind, body: envelope(id, kind, h.id, new Date(now).toISOString(), null, { request: seen.request, incident: seen.incident }) });
          }
        }
        queued += await store.enqueue(q, items);
        if (due.length < DEADLINE_PAGE) break;
      }
      return queued;
    });
  }

  /** Attempts being sent now, at most TRUCE_WEBHOOK_CONCURRENCY. */
  private readonly inflight = new Set<Promise<void>>();

  /**
   * Claims as many due deliveries as there are free places and starts them; does not wait for
   * them: a slow receiver holds one place until its timeout, never the others' deliveries.
   * Each ends by logging itself and waking this again. Returns how many were claimed.
   */
  async startDue(): Promise<number> {
    const free = this.config.webhookConcurrency - this.inflight.size;
    if (free <= 0 || this.stopping.signal.aborted) return 0;
    const leaseMs = this.config.webhookTimeoutMs * 2 + 5_000;
    const claimed = await store.claimDue(this.db, free, leaseMs);
    if (!claimed.length) return 0;
    const owners = await accountsByIds(this.db, claimed.map((c) => c.accountId));
    for (const c of claimed) {
      const p: Promise<void> = this.send(c, owners.get(c.accountId))
        .catch((e) => this.log.error({ err: e }, 'webhooks: logging a delivery failed'))
        .finally(() => {
          this.inflight.delete(p);
          this.deliver.kick();
        });
      this.inflight.add(p);
    }
    return claimed.length;
  }

  private async send(c: store.Claimed, owner: { disabled: boolean } | undefined): Promise<void> {
    const done = await this.attempt(c, owner);
    if (!done) {
      await store.release(this.db, [c.id]); // stopping: not an attempt; sent again after restart (or when the lease ends)
      return;
    }
    // logged, and disabled after too many failures in a row, in one transaction: no attempt can be claimed in between
    const off = await write(
      this.db,
      SYSTEM,
      async (w) => {
        const n = (await store.recordAttempts(w.q, [done])).get(c.webhookId) ?? 0;
        return !done.a.ok && done.next.state !== 'dropped' && shouldDisable(n, this.config.webhookDisableAfter) && (await disableForFailures(w, c.webhookId)) ? n : 0;
      },
      { allowEmpty: true },
    );
    if (off) this.log.warn({ webhookId: c.webhookId, failures: off }, 'webhooks: disabled after repeated failure');
  }

  /** One attempt, not yet logged; null when the instance is stopping. */
  private async attempt(c: store.Claimed, owner: { disabled: boolean } | undefined): Promise<{ a: store.Attempt; next: store.Next } | null> {
    const base = { outboxId: c.id, webhookId: c.webhookId, attempt: c.attempt };
    if (!owner || owner.disabled) return { a: { ...base, durationMs: 0, status: null, ok: false, error: 'not sent: the owner account is disabled', response: null }, next: { state: 'dropped' } };
    const t = Math.floor(Date.now() / 1000);
    const headers = { 'truce-signature': signHeader(c.secret, t, c.body), 'truce-event': c.kind, 'truce-delivery': c.id, 'truce-attempt': String(c.attempt) };
    const res = await postOnce(c.url, c.body, headers, { rules: { allowPrivate: this.config.webhookAllowPrivate }, timeoutMs: this.config.webhookTimeoutMs, signal: this.stopping.signal });
    if (this.stopping.signal.aborted) return null;
    const ok = res.error === null && isSuccess(res.status);
    const after = afterAttempt(ok, c.attempt, this.retry, Math.random());
    return { a: { ...base, durationMs: res.durationMs, status: res.status, ok, error: res.error, response: res.response }, next: after.state === 'pending' ? { state: 'pending', retryMs: after.delayMs } : after };
  }
}
