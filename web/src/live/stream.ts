// One EventSource on GET /api/v1/stream for the whole app, shared by whichever pages listen.
// Same origin, so the session cookie goes with it; when the connection drops the browser
// reconnects by itself and sends Last-Event-ID (the last ledger leaf index it saw), so the
// server resumes from there and nothing committed meanwhile is missed.
import type { Incident, StreamEvent } from '../types.ts';

/** A stream event; the desk's carry the incident as the caller may see it. */
export type LiveEvent = StreamEvent & { incident?: Incident };

export type LiveState = 'connecting' | 'open' | 'closed';
type Listener = (event: LiveEvent, entityType: string, leafIndex: string) => void;

/** Entity types the desk writes; the stream names each event after its entity type. */
export const DESK_TYPES = ['report', 'incident', 'incident_event', 'claim', 'info_request', 'info_answer', 'determination', 'concurrence'] as const;

/** Entity types of humanitarian access (the aid board reloads on them). */
export const AID_TYPES = ['besieged_area', 'besieged_status', 'convoy', 'convoy_event'] as const;

const listeners = new Set<Listener>();
const stateListeners = new Set<(s: LiveState) => void>();
let source: EventSource | null = null;
let state: LiveState = 'closed';
let lastId: string | null = null;

function setState(s: LiveState): void {
  if (s === state) return;
  state = s;
  for (const fn of stateListeners) fn(s);
}

function handle(ev: MessageEvent<string>): void {
  let data: LiveEvent;
  try {
    data = JSON.parse(ev.data) as LiveEvent;
  } catch {
    return; // not ours (a comment or keep-alive carries no data event)
  }
  lastId = ev.lastEventId || lastId;
  for (const fn of [...listeners]) fn(data, ev.type, ev.lastEventId);
}

function open(): void {
  if (source) return;
  source = new EventSource('/api/v1/stream', { withCredentials: true });
  setState('connecting');
  source.onopen = () => setState('open');
  // readyState CONNECTING after an error: the browser is retrying on its own; CLOSED: it gave up
  // (a 401 or a wrong content type), and so do we until someone listens again.
  source.onerror = () => {
    if (source?.readyState === EventSource.CLOSED) {
      source = null;
      setState('closed');
    } else setState('connecting');
  };
  for (const type of [...DESK_TYPES, ...AID_TYPES]) source.addEventListener(type, handle as EventListener);
  source.onmessage = handle;
}

function closeIfUnused(): void {
  if (listeners.size || stateListeners.size || !source) return;
  source.close();
  source = null;
  setState('closed');
}

/** Calls `fn` for every event the caller may see, from now on; returns the unsubscribe. */
export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  open();
  return () => {
    listeners.delete(fn);
    closeIfUnused();
  };
}

/** Follows the connection's state (for the "live" badge). */
export function onLiveState(fn: (s: LiveState) => void): () => void {
  stateListeners.add(fn);
  fn(state);
  return () => {
    stateListeners.delete(fn);
    closeIfUnused();
  };
}

/** The last leaf index received (what the browser sends as Last-Event-ID on reconnecting). */
export const lastEventId = (): string | null => lastId;

/** Closes the stream (on sign-out: the next session opens its own). */
export function closeStream(): void {
  source?.close();
  source = null;
  setState('closed');
}
