// The review of an incident (pure): which status may follow which, and which grade fits which status.
//
//   reported ──▶ under_review ──▶ verified | unverified | disputed | discounted
//                     ▲                              │
//                     └──────── reopened ◀───────────┘
//
// A decided status always carries a grade; under review there is none (the reviewer has not
// decided). 'merged' is where a merged-away incident ends: nothing follows it.

export const STATUSES = ['reported', 'under_review', 'verified', 'unverified', 'disputed', 'discounted', 'merged'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
/** The statuses a reviewer may set. */
export const REVIEW_STATUSES = ['under_review', 'verified', 'unverified', 'disputed', 'discounted'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const DECIDED: readonly IncidentStatus[] = ['verified', 'unverified', 'disputed', 'discounted'];

export const GRADES = ['confirmed', 'fair', 'weak', 'contested', 'discounted'] as const;
export type Grade = (typeof GRADES)[number];

/** Airwars' civilian-harm grading (shared/data/FORMATS.md), as the API documents it. */
export const GRADE_DEFINITIONS: Record<Grade, string> = {
  confirmed: 'A specific belligerent has accepted responsibility for civilian harm.',
  fair: 'Reported by two or more credible sources, with likely or confirmed near actions by a belligerent.',
  weak: 'Single source claim, though sometimes featuring significant information.',
  contested: 'Competing claims of responsibility, e.g. multiple belligerents, or casualties also attributed to ground forces.',
  discounted: 'Those killed were combatants, or other parties most likely responsible.',
};

/** Which statuses may follow each: forward through review, and any decision back to review (new evidence). */
const NEXT: Record<IncidentStatus, readonly ReviewStatus[]> = {
  reported: ['under_review'],
  under_review: ['verified', 'unverified', 'disputed', 'discounted'],
  verified: ['under_review'],
  unverified: ['under_review'],
  disputed: ['under_review'],
  discounted: ['under_review'],
  merged: [],
};

/**
 * The grades a status may carry. Verified: responsibility accepted (confirmed) or two credible
 * sources (fair); unverified: a single source (weak); disputed: competing claims (contested);
 * discounted: combatants, or another party responsible (discounted).
 */
export const GRADES_OF: Record<ReviewStatus, readonly Grade[]> = {
  under_review: [],
  verified: ['confirmed', 'fair'],
  unverified: ['weak'],
  disputed: ['contested'],
  discounted: ['discounted'],
};

export interface ReviewFault {
  field: 'status' | 'grade';
  /** 'transition': the current status does not allow it (409); 'grade': the grade does not fit (422). */
  kind: 'transition' | 'grade';
  reason: string;
}

/** Why this review may not be recorded on an incident of status `from`; null when it may. */
export function reviewFault(from: IncidentStatus, to: ReviewStatus, grade: Grade | null): ReviewFault | null {
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from];
    return {
      field: 'status',
      kind: 'transition',
      reason: allowed.length
        ? `an incident that is "${from}" may become ${allowed.map((s) => `"${s}"`).join(' or ')}, not "${to}"`
        : `an incident that is "${from}" is no longer reviewed`,
    };
  }
  const fits = GRADES_OF[to];
  if (!fits.length && grade !== null) return { field: 'grade', kind: 'grade', reason: `an incident "${to}" has no grade yet; grade it when deciding` };
  if (fits.length && grade === null) return { field: 'grade', kind: 'grade', reason: `"${to}" needs a grade: ${fits.map((g) => `"${g}"`).join(' or ')}` };
  if (grade !== null && fits.length && !fits.includes(grade)) {
    return { field: 'grade', kind: 'grade', reason: `"${grade}" does not fit "${to}", which takes ${fits.map((g) => `"${g}"`).join(' or ')}` };
  }
  return null;
}

export const isDecided = (s: IncidentStatus): boolean => DECIDED.includes(s);
