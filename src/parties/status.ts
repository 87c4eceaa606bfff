// A party's status at a time, derived from its designation and its commitment events (pure).
export type EventType = 'committed' | 'withdrawn' | 'suspended' | 'reinstated';
export type Status = 'committed' | 'withdrawn' | 'suspended' | 'not_committed' | 'designated';
type CommitmentState = Exclude<Status, 'designated'>;

export interface StatusEvent {
  type: EventType;
  at: Date;
  seq: number;
}

/** A listing or delisting, effective from `since` (null: from the beginning). */
export interface DesignationEvent {
  designated: boolean;
  since: Date | null;
  seq: number;
}

/** Which event types may follow each state. */
const NEXT: Record<CommitmentState, Partial<Record<EventType, CommitmentState>>> = {
  not_committed: { committed: 'committed' },
  committed: { withdrawn: 'withdrawn', suspended: 'suspended' },
  suspended: { reinstated: 'committed', withdrawn: 'withdrawn' },
  withdrawn: { committed: 'committed' },
};

const sinceMs = (d: DesignationEvent) => (d.since ? d.since.getTime() : -Infinity);

/** The designation in force at `at`: the latest event effective by then, or none. */
export function designationAt<D extends DesignationEvent>(events: D[], at: Date): D | null {
  let cur: D | null = null;
  for (const d of [...events].sort((a, b) => sinceMs(a) - sinceMs(b) || a.seq - b.seq)) {
    if (sinceMs(d) > at.getTime()) break;
    cur = d;
  }
  return cur;
}

export function isDesignatedAt(events: DesignationEvent[], at: Date): boolean {
  return designationAt(events, at)?.designated ?? false;
}

const byTime = (a: StatusEvent, b: StatusEvent) => a.at.getTime() - b.at.getTime() || a.seq - b.seq;

/** The commitment state after the events up to and including `at`. */
export function commitmentStateAt(events: StatusEvent[], at: Date): CommitmentState {
  let s: CommitmentState = 'not_committed';
  for (const e of [...events].sort(byTime)) {
    if (e.at > at) break;
    s = NEXT[s][e.type] ?? s;
  }
  return s;
}

export function statusAt(designations: DesignationEvent[], events: StatusEvent[], at: Date): Status {
  return isDesignatedAt(designations, at) ? 'designated' : commitmentStateAt(events, at);
}

/**
 * Checks that a new event fits the party's history: replaying all events in time order with
 * the new one in its place, every step must be allowed. Returns the reason when it does not.
 */
export function checkNewEvent(events: StatusEvent[], added: Omit<StatusEvent, 'seq'>): string | null {
  const all = [...events, { ...added, seq: Number.MAX_SAFE_INTEGER }].sort(byTime);
  let s: CommitmentState = 'not_committed';
  for (const e of all) {
    const next: CommitmentState | undefined = NEXT[s][e.type];
    if (!next) {
      const when = e.at.toISOString();
      return e.seq === Number.MAX_SAFE_INTEGER
        ? `a "${e.type}" event cannot follow the status "${s}" the party has at ${when}`
        : `it would make the existing "${e.type}" event at ${when} follow the status "${s}"`;
    }
    s = next;
  }
  return null;
}
