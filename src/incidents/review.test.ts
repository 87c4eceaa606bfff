// The review state machine and which grade fits which status. Pure, no database.
import { describe, expect, it } from 'vitest';
import { GRADES, GRADES_OF, REVIEW_STATUSES, STATUSES, reviewFault, type Grade, type IncidentStatus, type ReviewStatus } from './review.ts';

describe('reviewFault', () => {
  it.each<[IncidentStatus, ReviewStatus, Grade | null, null | 'transition' | 'grade']>([
    // forward
    ['reported', 'under_review', null, null],
    ['under_review', 'verified', 'confirmed', null],
    ['under_review', 'verified', 'fair', null],
    ['under_review', 'unverified', 'weak', null],
    ['under_review', 'disputed', 'contested', null],
    ['under_review', 'discounted', 'discounted', null],
    // back to review from every decision
    ['verified', 'under_review', null, null],
    ['unverified', 'under_review', null, null],
    ['disputed', 'under_review', null, null],
    ['discounted', 'under_review', null, null],
    // skipping review, deciding twice, standing still
    ['reported', 'verified', 'confirmed', 'transition'],
    ['reported', 'discounted', 'discounted', 'transition'],
    ['verified', 'disputed', 'contested', 'transition'],
    ['under_review', 'under_review', null, 'transition'],
    ['verified', 'verified', 'fair', 'transition'],
    // nothing follows a merge
    ['merged', 'under_review', null, 'transition'],
    ['merged', 'verified', 'confirmed', 'transition'],
    // grades that do not fit
    ['under_review', 'verified', null, 'grade'],
    ['under_review', 'verified', 'weak', 'grade'],
    ['under_review', 'verified', 'contested', 'grade'],
    ['under_review', 'unverified', 'fair', 'grade'],
    ['under_review', 'disputed', 'confirmed', 'grade'],
    ['under_review', 'discounted', 'weak', 'grade'],
    ['under_review', 'discounted', null, 'grade'],
    ['reported', 'under_review', 'weak', 'grade'],
    ['disputed', 'under_review', 'contested', 'grade'],
  ])('%s → %s graded %s: %s', (from, to, grade, want) => {
    const f = reviewFault(from, to, grade);
    expect(f?.kind ?? null).toBe(want);
    if (f) expect(f.field).toBe(want === 'transition' ? 'status' : 'grade');
  });

  it('every grade fits exactly one decided status, and every decided status takes one', () => {
    for (const g of GRADES) expect(REVIEW_STATUSES.filter((s) => GRADES_OF[s].includes(g))).toHaveLength(1);
    for (const s of REVIEW_STATUSES.filter((x) => x !== 'under_review')) expect(GRADES_OF[s].length).toBeGreaterThan(0);
  });

  it('allows only the listed steps out of every status', () => {
    const allowed = (from: IncidentStatus) => REVIEW_STATUSES.filter((to) => reviewFault(from, to, GRADES_OF[to][0] ?? null) === null);
    expect(Object.fromEntries(STATUSES.map((s) => [s, allowed(s)]))).toEqual({
      reported: ['under_review'],
      under_review: ['verified', 'unverified', 'disputed', 'discounted'],
      verified: ['under_review'],
      unverified: ['under_review'],
      disputed: ['under_review'],
      discounted: ['under_review'],
      merged: [],
    });
  });
});
