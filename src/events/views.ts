// What a principal may see of an event: the registry of event views, and the ledger's rules for
// types without one. See README.md in this folder for the contract capabilities rely on.
import type { Principal } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { isSensitive, mayReadRow, type EntityType } from '../ledger/entities.ts';

/** One committed ledger leaf as an event. `index` is the leaf's index (its seq), `at` its time (ISO 8601 UTC). */
export interface LedgerEvent {
  index: number;
  type: EntityType;
  action: string;
  id: string;
  at: string;
}

/** What a subscriber receives as the event's data: JSON, by convention `basePayload(event)` plus what the capability adds. */
export type EventPayload = Record<string, unknown>;

/**
 * A capability's word on what `principal` sees of one of its events: the payload, or null for
 * nothing at all (the event is then not sent, not even its id). Called once per event and
 * subscriber, in the ledger's order, after the entry has committed; `q` reads the current state.
 * It must answer null, never throw, for what the principal may not see (a throw closes the
 * subscriber's stream, which the client resumes from its last id).
 */
export type EventView = (q: Queryable, principal: Principal, event: LedgerEvent) => Promise<EventPayload | null>;

const views = new Map<string, EventView>();

/** Registers what principals see of the events of a type (one view per type; a second registration replaces the first). */
export function registerEventView(type: EntityType, view: EventView): void {
  views.set(type, view);
}

/** The part of every payload: what happened to which entity, and when. */
export const basePayload = (e: LedgerEvent): EventPayload => ({ type: e.type, action: e.action, id: e.id, at: e.at });

/**
 * The ledger's rules, for types without a view: a sensitive type only to a principal who may
 * read the row (readsAll or the capability's row reader); any other type to everyone, as
 * { type, action, id, at } (its leaf names as much in GET /ledger/entries).
 */
export async function defaultView(q: Queryable, p: Principal, e: LedgerEvent): Promise<EventPayload | null> {
  if (!isSensitive(e.type)) return basePayload(e);
  return (await mayReadRow(q, p, e.type, e.id)) ? basePayload(e) : null;
}

/** The payload `p` receives for `e`, or null. */
export function viewEvent(q: Queryable, p: Principal, e: LedgerEvent): Promise<EventPayload | null> {
  return (views.get(e.type) ?? defaultView)(q, p, e);
}
