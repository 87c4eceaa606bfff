// The plain data a vetting decision is made from, and the decision itself (DESIGN.md, "Decision
// rules of strike vetting"). Their owners define and load the data (through their lookups; the
// store asks them); index.ts prepares it; decide.ts reads it.
import type { PartyTimeline } from '../parties/lookup.ts';
import type { Position } from '../geo/shapes.ts';
import type { CorridorRoute, SiteArea } from '../sites/lookup.ts';
import type { TerritoryArea } from '../territory/lookup.ts';

/** A version of one party's area of control, in force from validFrom (epoch ms) until the party's next version. */
export type TerritoryData = TerritoryArea;

/** A protected site with its buffer, in force from validFrom until validTo (exclusive; null: open-ended). */
export type SiteData = SiteArea;

/** An aid corridor: a route, its width either side, and its window (both ends included). */
export type CorridorData = CorridorRoute;

/** A party's states and its designation and commitment events. */
export type PartyData = PartyTimeline;

/** Everything a decision may read, as of one version of the record (the ledger's size). */
export interface Snapshot {
  version: number;
  territories: TerritoryData[];
  sites: SiteData[];
  corridors: CorridorData[];
  parties: PartyData[];
}

export type Target = { type: 'Point'; coordinates: Position } | { type: 'Polygon'; coordinates: Position[][] };

export interface VetRequest {
  target: Target;
  /** Only with a Point: the disc of this geodesic radius. */
  radiusM: number;
  at: number;
  /** The requesting party's states as they are now (and as stored with the decision for replay). */
  homeState: string | null;
  operatesIn: string[];
}

/** The rules in the contract's order; the table's order is also the order of reasons. */
export const RULES = {
  COMMITTED_PARTY_TERRITORY: 'prohibited',
  PROTECTED_SITE: 'prohibited',
  /** Told instead of PROTECTED_SITE to roles that may not see sites: a site's buffer meets the coarse cells the target touches. */
  REFERRED_TO_TASK_FORCE: 'review',
  AID_CORRIDOR: 'prohibited',
  MIXED_AREA: 'review',
  /** The clipping path missed its deadline (TRUCE_VETTING_DEADLINE_MS): whether the target meets committed ground outside designated ground is not known. */
  DECISION_DEADLINE: 'review',
  UNCOMMITTED_PARTY_TERRITORY: 'review',
  UNDELINEATED: 'review',
  CROSS_BORDER: 'review',
  DESIGNATED_GROUP_EXCEPTION: 'permitted',
} as const;
export type ReasonCode = keyof typeof RULES;
export type Effect = 'prohibited' | 'review' | 'permitted';
export const REASON_CODES = Object.keys(RULES) as ReasonCode[];

export interface Reason {
  code: ReasonCode;
  detail: string;
  partyIds?: string[];
  /** Geodesic metres between the target and the site or route (0: it touches or lies inside). */
  distanceM?: number;
  siteId?: string;
  corridorId?: string;
  /** CROSS_BORDER: the states (ISO 3166-1 alpha-3) the target lies in that the party may not act in. */
  states?: string[];
}

export interface Decision {
  decision: Effect;
  reasons: Reason[];
}

/**
 * How the caller's answer was made from the exact decision: 'exact' for roles that may see sites;
 * 'grid' for those that may not (sites count on the coarse grid, as a referral); 'flagged' once
 * such an account went past its daily budget of referrals (referred whatever it asks).
 */
export type ToldBasis = 'exact' | 'grid' | 'flagged';
export const TOLD_BASES = ['exact', 'grid', 'flagged'] as const satisfies readonly ToldBasis[];
