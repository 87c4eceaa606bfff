// Who sees what of humanitarian access (pure). One rule answers GET /convoys and /convoys/{id},
// the ledger's row readers and the event stream, so no role learns by another road what it may
// not read.
//
// - The task force (admin, cochair, secretariat) and monitors: every convoy in full.
// - An agency: its own organisation's convoys (or, without one, its own) in full; another's only once approved (the route,
//   window and destination a corridor protects, which every party must know), without cargo,
//   approvals or history.
// - A liaison: the convoys whose approval is asked of its party (now or before), in full.
// - Analysts and the public: no convoy; the besieged areas and the figures, which are published.
import type { Role } from '../auth/roles.ts';

export const AID_DESK: readonly Role[] = ['admin', 'cochair', 'secretariat', 'monitor'];

export interface AidViewer {
  role: Role;
  accountId?: string;
  partyId: string | null;
  organisation: string | null;
}

export interface ConvoyFacts {
  agency: string;
  /** The account that asked (an agency of no organisation acts as itself). */
  requestedBy?: string | null;
  /** Parties whose approval was ever asked. */
  askedPartyIds: readonly string[];
  /** Reached approved and not back to waiting (its route is a corridor). */
  cleared: boolean;
}

export type ConvoyView = 'full' | 'route' | null;

export function convoyView(v: AidViewer, c: ConvoyFacts): ConvoyView {
  if (AID_DESK.includes(v.role)) return 'full';
  if (v.role === 'agency') {
    if (v.organisation !== null && v.organisation === c.agency) return 'full';
    if (v.accountId !== undefined && c.requestedBy === v.accountId) return 'full';
    return c.cleared ? 'route' : null;
  }
  if (v.role === 'liaison') return v.partyId !== null && c.askedPartyIds.includes(v.partyId) ? 'full' : null;
  return null;
}

/** Besieged areas and the figures are what the task force publishes: every role reads them. */
export const seesAreas = (_v: AidViewer): boolean => true;
