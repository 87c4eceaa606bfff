// One subscriber of the hub with a principal: every event after its position, in order, as
// that principal may see it. Catching up (a resume from an old id) and following live are the
// same loop: take what comes after the position, from memory or else from the ledger.
import type { Principal } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { entriesAfter } from '../ledger/lookup.ts';
import { PAGE, toEvent, type EventHub } from './hub.ts';
import { viewEvent, type EventPayload, type LedgerEvent } from './views.ts';

export interface Sink {
  /** Sends one event the principal may see; a promise makes the subscriber wait (the client is slow). */
  send(e: LedgerEvent, payload: EventPayload): void | Promise<void>;
  /** The subscription failed (a view or a read threw): close the client's stream; it resumes from its last id. */
  fail(err: unknown): void;
}

export class Subscription {
  private cursor: number;
  private running = false;
  private closed = false;
  private readonly unhook: () => void;

  /** `after`: the index of the last event the subscriber has (its Last-Event-ID), or hub.size - 1 for only new ones. */
  constructor(
    private readonly hub: EventHub,
    private readonly q: Queryable,
    readonly principal: Principal,
    after: number,
    private readonly sink: Sink,
  ) {
    this.cursor = after;
    this.unhook = hub.onGrow(() => this.wake());
    this.wake();
  }

  /** The index of the last event handled, whether it was sent or withheld. */
  get position(): number {
    return this.cursor;
  }

  close(): void {
    this.closed = true;
    this.unhook();
  }

  private wake() {
    if (!this.running && !this.closed) void this.run();
  }

  private async run() {
    this.running = true;
    try {
      // the check and `running = false` below run in one tick: a wake in between cannot be missed
      while (!this.closed && this.cursor + 1 < this.hub.size) {
        const events = this.hub.eventsAfter(this.cursor, PAGE) ?? (await entriesAfter(this.q, this.cursor, Math.min(PAGE, this.hub.size - this.cursor - 1))).map(toEvent);
        if (!events.length) break; // the ledger lost leaves behind the server's back (`truce verify` says so): nothing to send
        for (const e of events) {
          const payload = await viewEvent(this.q, this.principal, e);
          if (this.closed) return;
          this.cursor = e.index;
          if (payload) await this.sink.send(e, payload);
          if (this.closed) return;
        }
      }
    } catch (e) {
      if (!this.closed) {
        this.close();
        this.sink.fail(e);
      }
    } finally {
      this.running = false;
    }
  }
}
