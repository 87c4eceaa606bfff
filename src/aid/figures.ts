// The aid figures (pure): people reached per area over a period, days since the last delivery,
// the share of the besieged population reached, and approvals pending per party and how long.
import type { BesiegedStatus } from './areas.ts';
import type { ConvoyState } from './convoy.ts';

export const DAY_MS = 86_400_000;

export interface AreaFacts {
  id: string;
  name: string;
  population: number;
  /** Status events, oldest first. */
  history: { at: number; status: BesiegedStatus }[];
}

export interface ConvoyFigureFacts {
  destinationAreaId: string;
  state: ConvoyState;
  peopleToReach: number;
  deliveredAt: number | null;
  pending: { partyId: string; waitingSince: number }[];
}

export interface Figures {
  areas: { areaId: string; name: string; population: number; peopleReached: number; daysSinceLastDelivery: number | null }[];
  besiegedPopulation: number;
  reachedShare: number;
  pendingApprovals: { partyId: string; pending: number; longestWaitDays: number }[];
}

/** An area's status at t: its last event at or before t (null before its first). */
export function statusAt(history: AreaFacts['history'], t: number): BesiegedStatus | null {
  let s: BesiegedStatus | null = null;
  for (const h of history) if (h.at <= t) s = h.status;
  return s;
}

/** Whole days from a to b (floor), never negative. */
export const daysBetween = (a: number, b: number) => Math.max(0, Math.floor((b - a) / DAY_MS));

/**
 * Over [from, to): an area counts when it is besieged or hard to reach at some time of the period
 * (its status at `from`, or one it took within). A convoy delivered (fully or partially: the people
 * were reached, with less) within the period reaches its peopleToReach, counted at most up to the
 * area's population. Days since the last delivery are counted to `to`, from the last delivery
 * before it (null: none recorded). The besieged population is that of the areas besieged at `to`;
 * the share is what reached them over it. Pending approvals are those of convoys still waiting,
 * now, with their longest wait to `now`.
 */
export function aidFigures(areas: AreaFacts[], convoys: ConvoyFigureFacts[], period: { from: number; to: number }, now: number): Figures {
  const { from, to } = period;
  const shown = areas.filter((a) => {
    const statuses = [statusAt(a.history, from), ...a.history.filter((h) => h.at > from && h.at < to).map((h) => h.status)];
    return statuses.some((s) => s === 'besieged' || s === 'hard_to_reach');
  });
  const delivered = convoys.filter((c) => (c.state === 'delivered' || c.state === 'partially_delivered') && c.deliveredAt !== null);
  const rows = shown.map((a) => {
    const here = delivered.filter((c) => c.destinationAreaId === a.id);
    const reached = here.filter((c) => c.deliveredAt! >= from && c.deliveredAt! < to).reduce((n, c) => n + c.peopleToReach, 0);
    const last = Math.max(-Infinity, ...here.filter((c) => c.deliveredAt! < to).map((c) => c.deliveredAt!));
    return { areaId: a.id, name: a.name, population: a.population, peopleReached: Math.min(reached, a.population), daysSinceLastDelivery: last === -Infinity ? null : daysBetween(last, to) };
  });
  const besieged = rows.filter((r) => statusAt(shown.find((a) => a.id === r.areaId)!.history, to - 1) === 'besieged');
  const besiegedPopulation = besieged.reduce((n, r) => n + r.population, 0);
  const reachedShare = besiegedPopulation ? besieged.reduce((n, r) => n + r.peopleReached, 0) / besiegedPopulation : 0;
  const byParty = new Map<string, { pending: number; since: number }>();
  for (const c of convoys) {
    if (c.state !== 'requested') continue;
    for (const p of c.pending) {
      const x = byParty.get(p.partyId) ?? { pending: 0, since: Infinity };
      byParty.set(p.partyId, { pending: x.pending + 1, since: Math.min(x.since, p.waitingSince) });
    }
  }
  const pendingApprovals = [...byParty]
    .map(([partyId, x]) => ({ partyId, pending: x.pending, longestWaitDays: daysBetween(x.since, now) }))
    .sort((a, b) => b.pending - a.pending || b.longestWaitDays - a.longestWaitDays || (a.partyId < b.partyId ? -1 : 1));
  return { areas: rows, besiegedPopulation, reachedShare: Math.round(reachedShare * 10_000) / 10_000, pendingApprovals };
}
