// What other capabilities may read of humanitarian access: through here, never aid/store.ts.
// Strike vetting reads approved convoys' routes as corridors (AID_CORRIDOR), as of a version.
import type { Queryable } from '../db/db.ts';
import type { CorridorRoute } from '../sites/lookup.ts';
import { corridorWindow, fold } from './convoy.ts';
import { convoysOfEvents, listConvoys } from './store.ts';

/** The entity types whose leaves change a convoy's corridor. */
export const CORRIDOR_TYPES = ['convoy', 'convoy_event'] as const;

/**
 * Approved convoys' routes as corridors, as the record stood at `version` (null: now): every
 * convoy that was approved by then, its window as it then stood (cut short by a cancellation,
 * empty when it went back to waiting), in vetting's CorridorRoute shape (id: the convoy's).
 * `ids` may name other corridors too; only convoys answer. Two statements for all of them.
 */
export async function convoyCorridors(q: Queryable, version: number | null, ids: string[] | null = null): Promise<CorridorRoute[]> {
  if (ids && !ids.length) return []; // a refresh that names no corridor asks nothing
  const convoys = await listConvoys(q, { ids: ids ?? undefined, version });
  const out: CorridorRoute[] = [];
  for (const c of convoys) {
    if (!c.events.some((e) => e.type === 'approved')) continue;
    const w = corridorWindow(fold(c.events), { from: c.windowFrom.getTime(), to: c.windowTo.getTime() });
    out.push({ id: c.id, name: `Aid convoy from ${c.originName}`, coordinates: c.route.coordinates as CorridorRoute['coordinates'], widthM: c.widthM, validFrom: w.validFrom, validTo: w.validTo });
  }
  return out;
}

/** The convoy of each of these events, by event id (a convoy event changes its convoy's corridor). */
export const convoyOfEvents = convoysOfEvents;
export { hasAreaFromSource } from './store.ts';
// webhooks: an approval asked of a party (a convoy event's convoy, type, party and reason); what
// the party's liaison may see of it is decided by the events view of `convoy_event` (routes.ts)
export { convoyEventFacts } from './store.ts';
