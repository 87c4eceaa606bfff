import { describe, expect, it } from 'vitest';
import { concernsParty, crossed, kindOfEntry, nearOwnSite, refusedKind } from './kinds.ts';

describe('kindOfEntry', () => {
  it.each([
    ['info_request', 'info_request.sent', 'info_request.sent'],
    ['info_answer', 'info_answer.given', null],
    ['determination', 'determination.proposed', 'determination.standing'],
    ['concurrence', 'determination.concurred', 'determination.standing'],
    ['convoy_event', 'convoy.approval_added', 'convoy.approval_asked'],
    ['convoy_event', 'convoy.granted', null],
    ['report', 'report.filed', 'report.near_site'],
    ['site', 'site.notified', null],
    ['webhook', 'webhook.created', null],
  ])('%s %s: %s', (type, action, want) => expect(kindOfEntry({ type, action })).toBe(want));
});

describe('refusedKind', () => {
  it.each([
    ['liaison', ['info_request.sent', 'convoy.approval_asked'], null],
    ['liaison', ['info_request.sent', 'report.near_site'], { index: 1, kind: 'report.near_site' }],
    ['agency', ['report.near_site'], null],
    ['agency', ['determination.standing'], { index: 0, kind: 'determination.standing' }],
    ['admin', ['report.near_site'], { index: 0, kind: 'report.near_site' }],
  ] as const)('%s %j', (role, kinds, want) => expect(refusedKind(role, kinds)).toEqual(want));
});

describe('concernsParty', () => {
  it.each([
    ['A', ['A'], null, true],
    ['A', [], { perpetratorPartyIds: ['A'], targetPartyIds: [] }, true],
    ['A', [], { perpetratorPartyIds: [], targetPartyIds: ['A'] }, true],
    ['A', ['B'], { perpetratorPartyIds: ['B'], targetPartyIds: ['C'] }, false],
    [null, ['A'], null, false],
  ] as const)('%s', (party, violators, incident, want) => expect(concernsParty(party, { violatorPartyIds: violators }, incident)).toBe(want));
});

describe('nearOwnSite', () => {
  it.each([
    [undefined, false],
    [{}, false], // the agency may not see the site parts: not its site
    [{ nearestSite: null }, false],
    [{ nearestSite: { distanceM: 999 } }, true],
    [{ nearestSite: { distanceM: 1000 } }, true],
    [{ nearestSite: { distanceM: 1001 } }, false],
    [{ nearestSite: { distanceM: 3000 }, notifiedSiteHit: { siteId: 's' } }, true], // within the site's own (wider) buffer
  ])('%j', (e, want) => expect(nearOwnSite(e, 1000)).toBe(want));
});

describe('crossed (deadline thresholds)', () => {
  const H = 3_600_000;
  const due = 100 * H;
  it.each([
    ['long before', 10 * H, [], []],
    ['just inside the near window', due - 24 * H, [], ['near']],
    ['near, told already', due - 2 * H, ['near'], []],
    ['at the deadline', due, [], ['passed']],
    ['passed, near never told: passed only', due + H, [], ['passed']],
    ['passed, told', due + H, ['near', 'passed'], []],
    ['passed longer ago than the catch-up', due + 25 * H, [], []],
  ] as const)('%s', (_n, now, told, want) => expect(crossed(due, now, 24 * H, 24 * H, told)).toEqual(want));
});
