// Words and colours of the desk: event types, statuses, grades (Airwars' definitions), findings.
import type { EventType, Finding, IncidentGrade as Grade, IncidentStatus, LocationPrecision, OccurredPrecision } from '../types.ts';

export const EVENT_TYPES: [EventType, string][] = [
  ['airstrike', 'Airstrike'],
  ['shelling', 'Shelling'],
  ['ground_attack', 'Ground attack'],
  ['sniper_fire', 'Sniper fire'],
  ['attack_on_civilians', 'Attack on civilians'],
  ['siege_or_aid_denial', 'Siege or aid denial'],
  ['cross_border_fire', 'Cross-border fire'],
  ['position_enhancement', 'Position enhancement'],
  ['arms_transfer', 'Arms transfer'],
  ['other', 'Other'],
];
export const eventTypeLabel = (t: string): string => EVENT_TYPES.find(([k]) => k === t)?.[1] ?? t;

/** The review states a reviewer can set, in the order of the review. */
export const STATUSES: [IncidentStatus, string][] = [
  ['reported', 'Reported'],
  ['under_review', 'Under review'],
  ['verified', 'Verified'],
  ['unverified', 'Unverified'],
  ['disputed', 'Disputed'],
  ['discounted', 'Discounted'],
];
export const statusLabel = (s: string): string => (s === 'merged' ? 'Merged' : (STATUSES.find(([k]) => k === s)?.[1] ?? s));

/** Marker and badge colour per status: open ones stand out, closed ones recede. */
export const STATUS_COLORS: Record<string, string> = {
  reported: '#d9480f',
  under_review: '#b86e00',
  verified: '#b42318',
  unverified: '#6b7684',
  disputed: '#7048e8',
  discounted: '#9aa4b1',
  merged: '#9aa4b1',
};

/** Airwars' grades, with their definitions shown beside the choice. */
export const GRADES: [Grade, string, string][] = [
  ['confirmed', 'Confirmed', 'A belligerent has accepted responsibility.'],
  ['fair', 'Fair', 'Reported by two or more credible sources, with likely or confirmed actions of a belligerent nearby.'],
  ['weak', 'Weak', 'A single source, though it may carry significant information.'],
  ['contested', 'Contested', 'Competing claims of responsibility (several belligerents, or ground forces too).'],
  ['discounted', 'Discounted', 'Those harmed were combatants, or another party most likely caused it.'],
];
/**
 * The review's rules, as the server holds them (src/incidents/review.ts; the web app may not
 * import server code, so they are restated here and the server still decides): the statuses
 * that may follow each, and the grades each decided status takes.
 */
export const NEXT_STATUSES: Record<string, IncidentStatus[]> = {
  reported: ['under_review'],
  under_review: ['verified', 'unverified', 'disputed', 'discounted'],
  verified: ['under_review'],
  unverified: ['under_review'],
  disputed: ['under_review'],
  discounted: ['under_review'],
  merged: [],
};
export const GRADES_OF: Record<string, Grade[]> = {
  under_review: [],
  verified: ['confirmed', 'fair'],
  unverified: ['weak'],
  disputed: ['contested'],
  discounted: ['discounted'],
};

export const gradeLabel = (g: string | null | undefined): string => (g ? (GRADES.find(([k]) => k === g)?.[1] ?? g) : '—');

export const FINDINGS: [Finding, string][] = [
  ['violation', 'Violation'],
  ['no_violation', 'No violation'],
  ['inconclusive', 'Inconclusive'],
];
export const findingLabel = (f: string): string => FINDINGS.find(([k]) => k === f)?.[1] ?? f;

export const OCCURRED_PRECISIONS: [OccurredPrecision, string][] = [
  ['exact', 'Exact time'],
  ['day', 'That day'],
  ['week', 'That week'],
  ['month', 'That month'],
];
export const LOCATION_PRECISIONS: [LocationPrecision, string][] = [
  ['exact', 'Exact'],
  ['near', 'Near (within a few km)'],
  ['adm3', 'Sub-district only'],
  ['adm2', 'District only'],
  ['adm1', 'Governorate only'],
];

/** Roles on the task force's side of the desk (see the API contract). */
export const REVIEWERS = ['admin', 'secretariat', 'cochair', 'monitor'];
export const SECRETARIAT = ['admin', 'secretariat'];
export const FILERS = ['admin', 'secretariat', 'cochair', 'monitor', 'liaison', 'agency'];
export const CLAIM_RECORDERS = ['admin', 'secretariat', 'cochair', 'liaison'];
