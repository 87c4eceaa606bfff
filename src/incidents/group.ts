// The grouping rule (pure): when does a new report belong to an existing incident?
//
// A report and an incident are of the same event when all three hold:
//  1. compatible type: the same eventType, or two of a family witnesses confuse or describe
//     from different sides (COMPATIBLE below): an airstrike, shelling and cross-border fire are
//     all "something exploded, fired from afar"; an attack on civilians is how a victim reports
//     any of those or a ground attack or sniper fire; a ground attack and sniper fire are both
//     fighting on the ground. Sieges, position enhancement, arms transfers and "other" group
//     only with their own type.
//  2. near in space: both located to a point (`exact` or `near`) within `distanceM` (default
//     5 km, geodesic) of each other; when either side is only as precise as an administrative
//     unit (`adm3`, `adm2`, `adm1`), the same unit at the coarser of the two levels. A report
//     with no location (a place name the gazetteer could not settle) groups with nothing.
//  3. near in time: their windows meet within `gapMs` (default 6 h). A report's window follows
//     from its occurredPrecision (occurredWindow below): an exact time is an instant, a day the
//     whole UTC day, a week the ISO week, a month the calendar month.
// The incident side is its summary (summary.ts): its type, the location of its most precise
// report, the hull of its reports' windows. Among the matching incidents the report joins the
// nearest (distance and time gap, each as a fraction of its setting, plus a quarter for a merely
// compatible type); ties go to the older incident. No match: it starts an incident of its own.
import { geodesicDistanceM } from '../geo/geodesy.ts';
import type { EventType } from './acled.ts';

export const OCCURRED_PRECISIONS = ['exact', 'day', 'week', 'month'] as const;
export type OccurredPrecision = (typeof OCCURRED_PRECISIONS)[number];
export const LOCATION_PRECISIONS = ['exact', 'near', 'adm3', 'adm2', 'adm1'] as const;
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number];

export interface Window {
  from: Date;
  /** The end: the instant itself for an exact time, else the start of the next day, week or month (exclusive). */
  to: Date;
}

const DAY = 86_400_000;

/**
 * The window a reported time stands for, in UTC: `exact` the instant; `day` its UTC day; `week`
 * its ISO 8601 week (Monday 00:00 to the next Monday); `month` its calendar month.
 */
export function occurredWindow(at: Date, precision: OccurredPrecision): Window {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (precision) {
    case 'exact':
      return { from: at, to: at };
    case 'day': {
      const from = new Date(Date.UTC(y, m, d));
      return { from, to: new Date(from.getTime() + DAY) };
    }
    case 'week': {
      const monday = d - ((at.getUTCDay() + 6) % 7); // getUTCDay: 0 is Sunday
      const from = new Date(Date.UTC(y, m, monday));
      return { from, to: new Date(from.getTime() + 7 * DAY) };
    }
    case 'month':
      return { from: new Date(Date.UTC(y, m, 1)), to: new Date(Date.UTC(y, m + 1, 1)) };
  }
}

/** The families of types that may describe one event (each type is compatible with itself). */
const FAMILIES: EventType[][] = [
  ['airstrike', 'shelling', 'cross_border_fire', 'attack_on_civilians'],
  ['ground_attack', 'sniper_fire', 'attack_on_civilians'],
];

export function compatible(a: EventType, b: EventType): boolean {
  return a === b || FAMILIES.some((f) => f.includes(a) && f.includes(b));
}

export interface GroupSettings {
  /** Greatest distance between two point-located sides, metres. */
  distanceM: number;
  /** Greatest gap between two windows, milliseconds. */
  gapMs: number;
}

export interface Pcodes {
  adm1: string | null;
  adm2: string | null;
  adm3: string | null;
}

/** What the rule reads of a report, and of an incident (its summary). */
export interface Side {
  eventType: EventType;
  from: Date;
  to: Date;
  /** [lon, lat], or null when not located. */
  location: [number, number] | null;
  precision: LocationPrecision | null;
  pcodes: Pcodes;
}

const ADM_LEVEL: Record<LocationPrecision, 0 | 1 | 2 | 3> = { exact: 0, near: 0, adm3: 3, adm2: 2, adm1: 1 };

/** How far apart in time two windows are (0 when they overlap or touch), ms. */
export function gapMs(a: { from: Date; to: Date }, b: { from: Date; to: Date }): number {
  return Math.max(0, Math.max(a.from.getTime(), b.from.getTime()) - Math.min(a.to.getTime(), b.to.getTime()));
}

/**
 * Space as a fraction of the setting (0..1) when the two sides are near, else null. Two points:
 * their geodesic distance over distanceM. Otherwise the same unit at the coarser level (0.5:
 * as good as a point halfway to the limit).
 */
export function spaceScore(a: Side, b: Side, s: GroupSettings): number | null {
  if (!a.location || !b.location || !a.precision || !b.precision) return null;
  const la = ADM_LEVEL[a.precision];
  const lb = ADM_LEVEL[b.precision];
  if (la === 0 && lb === 0) {
    const d = geodesicDistanceM(a.location[0], a.location[1], b.location[0], b.location[1]);
    return d <= s.distanceM ? d / s.distanceM : null;
  }
  const level = Math.min(...[la, lb].filter((l) => l > 0)) as 1 | 2 | 3;
  const key = `adm${level}` as const;
  return a.pcodes[key] !== null && a.pcodes[key] === b.pcodes[key] ? 0.5 : null;
}

/** The rule for one pair: null when they are not the same event, else a score (lower is nearer). */
export function matchScore(report: Side, incident: Side, s: GroupSettings): number | null {
  if (!compatible(report.eventType, incident.eventType)) return null;
  const gap = gapMs(report, incident);
  if (gap > s.gapMs) return null;
  const space = spaceScore(report, incident, s);
  if (space === null) return null;
  return space + (s.gapMs > 0 ? gap / s.gapMs : 0) + (report.eventType === incident.eventType ? 0 : 0.25);
}

/** The incident a report joins: the best-scoring match, the earliest listed on a tie; null for a new incident. */
export function bestMatch<C extends Side>(report: Side, candidates: readonly C[], s: GroupSettings): C | null {
  let best: C | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = matchScore(report, c, s);
    if (score !== null && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
