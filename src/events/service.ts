// Open event streams: each a Subscription written out as server-sent events, with heartbeats, a
// longest duration, its credentials checked again while it is open, and bounds on how many are
// open per account and in all.
import { PassThrough } from 'node:stream';
import type { Principal } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import type { EventHub } from './hub.ts';
import { SSE_HEARTBEAT, sseEvent, sseOpen } from './sse.ts';
import { Subscription } from './subscription.ts';

export interface StreamSettings {
  heartbeatMs: number;
  maxMs: number;
  recheckMs: number;
  perAccount: number;
  max: number;
}

/** How long a client waits before reconnecting (EventSource's `retry`). */
const RETRY_MS = 2000;

const samePrincipal = (a: Principal, b: Principal | null) => b !== null && a.accountId === b.accountId && a.role === b.role && a.partyId === b.partyId;

interface Open {
  principal: Principal;
  end(): void;
  recheck(): void;
}

export class Streams {
  private readonly open = new Set<Open>();
  private readonly perAccount = new Map<string, number>();
  private readonly unhook: () => void;

  constructor(
    private readonly hub: EventHub,
    private readonly q: Queryable,
    private readonly settings: StreamSettings,
  ) {
    // a revoked token, a disabled account or a changed role ends its streams now, not at the next check
    this.unhook = hub.onEvents((events) => {
      if (events.some((e) => e.type === 'account' || e.type === 'api_token')) for (const s of this.open) s.recheck();
    });
  }

  get count(): number {
    return this.open.size;
  }

  /**
   * Opens a stream of the events after `after` for `principal` (429 past the bounds).
   * `recheck` authenticates the request again; the stream ends when it no longer gives the same principal.
   */
  start(principal: Principal, after: number, recheck: () => Promise<Principal | null>): PassThrough {
    const mine = this.perAccount.get(principal.accountId) ?? 0;
    if (mine >= this.settings.perAccount) {
      throw new ApiError('TOO_MANY_STREAMS', `This account has ${mine} event streams open on this server, the most it may; close one first.`, 'Authorization', { limit: this.settings.perAccount });
    }
    if (this.open.size >= this.settings.max) {
      throw new ApiError('TOO_MANY_STREAMS', 'This server has as many event streams open as it allows; try again later.', '(request)', { limit: this.settings.max });
    }
    this.perAccount.set(principal.accountId, mine + 1);

    const out = new PassThrough();
    let ended = false;
    let checking = false;
    let waiting: (() => void) | null = null;
    const write = (chunk: string) => !ended && out.write(chunk);
    write(sseOpen(RETRY_MS, after >= 0 ? after : null));
    const sub = new Subscription(this.hub, this.q, principal, after, {
      send: (e, payload) => {
        if (write(sseEvent(e.index, e.type, payload)) || ended) return;
        return new Promise<void>((resolve) => (waiting = resolve)); // the client is slow: wait for it (the ledger keeps the rest)
      },
      fail: () => stream.end(),
    });
    // on a fixed schedule from the stream's start, whatever happens in the ledger (no timing to read from it)
    const heartbeat = setInterval(() => out.writableNeedDrain || write(SSE_HEARTBEAT), this.settings.heartbeatMs);
    const recheckTimer = setInterval(() => stream.recheck(), this.settings.recheckMs);
    const maxTimer = setTimeout(() => stream.end(), this.settings.maxMs);
    const stream: Open = {
      principal,
      end: () => {
        if (ended) return;
        ended = true;
        sub.close();
        clearInterval(heartbeat);
        clearInterval(recheckTimer);
        clearTimeout(maxTimer);
        this.open.delete(stream);
        const n = (this.perAccount.get(principal.accountId) ?? 1) - 1;
        if (n > 0) this.perAccount.set(principal.accountId, n);
        else this.perAccount.delete(principal.accountId);
        waiting?.();
        out.end();
      },
      recheck: () => {
        if (checking || ended) return;
        checking = true;
        recheck()
          .then((now) => samePrincipal(principal, now) || stream.end())
          .catch(() => stream.end()) // cannot tell: end it; the client reconnects and is asked again
          .finally(() => (checking = false));
      },
    };
    out.on('drain', () => {
      const w = waiting;
      waiting = null;
      w?.();
    });
    out.on('close', () => stream.end()); // the client went away: Fastify destroys the stream
    this.open.add(stream);
    return out;
  }

  /** Ends every stream (the app is closing). */
  endAll(): void {
    for (const s of [...this.open]) s.end();
  }

  close(): void {
    this.endAll();
    this.unhook();
  }
}
