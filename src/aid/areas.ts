// Besieged and hard-to-reach areas (pure): the statuses and what a status event may say.
export const BESIEGED_STATUSES = ['besieged', 'hard_to_reach', 'lifted'] as const;
export type BesiegedStatus = (typeof BESIEGED_STATUSES)[number];

/** A status event must change the status in force at its time and not precede the area's first. */
export function statusFault(history: { at: number; status: BesiegedStatus }[], next: { at: number; status: BesiegedStatus }): { field: string; reason: string } | null {
  if (history.length && next.at < history[0].at) return { field: 'at', reason: `The area's first status is from ${new Date(history[0].at).toISOString()}; a status cannot precede it.` };
  let cur: BesiegedStatus | null = null;
  for (const h of history) if (h.at <= next.at) cur = h.status;
  if (cur === next.status) return { field: 'status', reason: `The area is ${next.status} at that time already.` };
  return null;
}
