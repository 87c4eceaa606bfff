// The event kinds a webhook can be registered for, who may register for which, and which
// ledger entries may give rise to which kind (pure). Whether one entry does, for one webhook, is
// then decided by what its owner may read (dispatch.ts, through the desk's and aid's lookups).
import type { Role } from '../auth/roles.ts';

export const KINDS = [
  'info_request.sent', // a request for information addressed to the liaison's party
  'info_request.deadline_near', // its deadline is within TRUCE_WEBHOOK_DEADLINE_NEAR_H and it is not answered
  'info_request.deadline_passed', // its deadline passed and it is not answered
  'determination.standing', // a determination concerning the liaison's party now stands
  'convoy.approval_asked', // the approval of a convoy is asked of the liaison's party
  'report.near_site', // a report the agency may read, at or near a site its organisation notified
] as const;
export type Kind = (typeof KINDS)[number];

/** Who registers for what: a liaison for its party, an agency for its organisation. */
export const KINDS_OF_ROLE: Partial<Record<Role, readonly Kind[]>> = {
  liaison: ['info_request.sent', 'info_request.deadline_near', 'info_request.deadline_passed', 'determination.standing', 'convoy.approval_asked'],
  agency: ['report.near_site'],
};

export const REGISTRANT_ROLES = Object.keys(KINDS_OF_ROLE) as Role[];

export const kindsOf = (role: Role): readonly Kind[] => KINDS_OF_ROLE[role] ?? [];

/** The first kind of the list a role may not register for (its index), or null. */
export function refusedKind(role: Role, kinds: readonly string[]): { index: number; kind: string } | null {
  const ok = kindsOf(role);
  const i = kinds.findIndex((k) => !ok.includes(k as Kind));
  return i < 0 ? null : { index: i, kind: kinds[i] };
}

/**
 * The kind a committed ledger entry may give rise to, or null. A determination stands once its
 * last co-chair concurs, so both the proposal and every concurrence are looked at (the notice is
 * sent once, when it first stands: the dedupe key is the determination's).
 */
export function kindOfEntry(e: { type: string; action: string }): Kind | null {
  if (e.type === 'info_request' && e.action === 'info_request.sent') return 'info_request.sent';
  if ((e.type === 'determination' && e.action === 'determination.proposed') || (e.type === 'concurrence' && e.action === 'determination.concurred')) return 'determination.standing';
  if (e.type === 'convoy_event' && e.action === 'convoy.approval_added') return 'convoy.approval_asked';
  if (e.type === 'report' && e.action === 'report.filed') return 'report.near_site';
  return null;
}

/** The entity types the fan-out reads (every other entry is passed over). */
export const ENTRY_TYPES = ['info_request', 'determination', 'concurrence', 'convoy_event', 'report'] as const;

/** Does a determination concern this party: named as violator, or named by its incident as perpetrator or target? */
export function concernsParty(partyId: string | null, d: { violatorPartyIds: readonly string[] }, incident: { perpetratorPartyIds?: readonly string[]; targetPartyIds?: readonly string[] } | null): boolean {
  if (!partyId) return false;
  return d.violatorPartyIds.includes(partyId) || Boolean(incident?.perpetratorPartyIds?.includes(partyId)) || Boolean(incident?.targetPartyIds?.includes(partyId));
}

/**
 * Is a report, as the agency reads it (GET /reports/{id}: the site parts are there only when
 * the site is its organisation's), at or near one of its sites: a hit on its notified site's
 * buffer, or its nearest site within `nearM`?
 */
export function nearOwnSite(enrichment: { nearestSite?: { distanceM: number } | null; notifiedSiteHit?: unknown } | undefined, nearM: number): boolean {
  if (!enrichment) return false;
  if (enrichment.notifiedSiteHit) return true;
  return Boolean(enrichment.nearestSite && enrichment.nearestSite.distanceM <= nearM);
}

export type Threshold = 'near' | 'passed';

/**
 * The deadline thresholds an open request has crossed at `now` and not yet been told (ms times):
 * 'near' from `dueAt - nearMs` until it is due, 'passed' from `dueAt` on; a request found already
 * past its deadline is told only that it passed. Thresholds crossed more than `catchUpMs` ago are
 * not told any more (after a long stop, or for requests older than the webhooks).
 */
export function crossed(dueAt: number, now: number, nearMs: number, catchUpMs: number, told: readonly Threshold[]): Threshold[] {
  const out: Threshold[] = [];
  if (now >= dueAt) {
    if (!told.includes('passed') && now - dueAt <= catchUpMs) out.push('passed');
  } else if (now >= dueAt - nearMs && !told.includes('near')) out.push('near');
  return out;
}
