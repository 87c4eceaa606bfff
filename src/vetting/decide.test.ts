// The decision table (DESIGN.md) rule by rule and in combination, over a small made-up map in
// northern Syria: pure, no database.
import { describe, expect, it } from 'vitest';
import { decide, FLAGGED_DETAIL, referredOnGrid, REFERRED_DETAIL, spend, tell, toldBefore009, type Budget } from './decide.ts';
import { Grid } from './grid.ts';
import { VettingIndex } from './index.ts';
import type { Decision, PartyData, ReasonCode, Snapshot, Target, ToldBasis } from './model.ts';

const T = (s: string) => new Date(s);
const sq = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const party = (id: string, events: [string, string][] = [], designated = false): PartyData => ({
  id,
  name: id.toUpperCase(),
  homeState: 'SYR',
  operatesIn: [],
  designations: designated ? [{ designated: true, since: null, seq: 1 }] : [],
  events: events.map(([type, at], i) => ({ type: type as never, at: T(at), seq: i + 1 })),
});

const FEB26 = '2016-02-26T10:00:00Z';
const snapshot: Snapshot = {
  version: 1,
  parties: [
    party('a', [['committed', FEB26]]),
    party('b', [], true),
    party('n'),
    party('w', [
      ['committed', FEB26],
      ['withdrawn', '2016-03-10T00:00:00Z'],
    ]),
    party('s', [
      ['committed', FEB26],
      ['suspended', '2016-03-01T00:00:00Z'],
    ]),
    party('r'),
  ],
  territories: [
    { id: 'ta1', seq: 1, partyId: 'a', validFrom: T('2016-02-01T00:00:00Z').getTime(), polygons: [[sq(36.0, 35.0, 36.2, 35.2)]] },
    // a later version of a's area, smaller
    { id: 'ta2', seq: 7, partyId: 'a', validFrom: T('2016-03-20T00:00:00Z').getTime(), polygons: [[sq(36.0, 35.0, 36.1, 35.2)]] },
    // b holds its own square next to a's and a pocket inside a's: the pocket is mixed ground
    { id: 'tb', seq: 2, partyId: 'b', validFrom: T('2016-02-01T00:00:00Z').getTime(), polygons: [[sq(36.2, 35.0, 36.4, 35.2)], [sq(36.05, 35.05, 36.1, 35.1)]] },
    { id: 'tn', seq: 3, partyId: 'n', validFrom: T('2016-02-01T00:00:00Z').getTime(), polygons: [[sq(36.4, 35.0, 36.6, 35.2)]] },
    { id: 'tw', seq: 4, partyId: 'w', validFrom: T('2016-02-01T00:00:00Z').getTime(), polygons: [[sq(36.6, 35.0, 36.8, 35.2)]] },
    { id: 'ts', seq: 5, partyId: 's', validFrom: T('2016-02-01T00:00:00Z').getTime(), polygons: [[sq(36.8, 35.0, 37.0, 35.2)]] },
  ],
  sites: [
    { id: 'hospital', kind: 'hospital', name: 'Field hospital', geometry: { type: 'Point', coordinates: [36.15, 35.15] }, bufferM: 500, validFrom: 0, validTo: null },
    // a protected site inside designated territory
    { id: 'school', kind: 'school', name: 'School', geometry: { type: 'Point', coordinates: [36.3, 35.1] }, bufferM: 500, validFrom: 0, validTo: null },
    { id: 'closed', kind: 'shelter', name: 'Closed shelter', geometry: { type: 'Point', coordinates: [36.02, 35.02] }, bufferM: 500, validFrom: 0, validTo: T('2016-03-01T00:00:00Z').getTime() },
  ],
  corridors: [
    {
      id: 'route',
      name: 'Convoy route',
      coordinates: [
        [36.45, 35.05],
        [36.55, 35.05],
      ],
      widthM: 1000,
      validFrom: T('2016-03-01T00:00:00Z').getTime(),
      validTo: T('2016-03-05T00:00:00Z').getTime(),
    },
  ],
};
const ix = VettingIndex.build(snapshot);

const pt = (lon: number, lat: number): Target => ({ type: 'Point', coordinates: [lon, lat] });
const MAR2 = '2016-03-02T12:00:00Z';

interface Case {
  name: string;
  target: Target;
  radiusM?: number;
  at?: string;
  operatesIn?: string[];
  decision: 'permitted' | 'prohibited' | 'review';
  codes: ReasonCode[];
  partyIds?: Partial<Record<ReasonCode, string[]>>;
}

const cases: Case[] = [
  { name: 'committed party territory', target: pt(36.02, 35.18), decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY'], partyIds: { COMMITTED_PARTY_TERRITORY: ['a'] } },
  { name: 'designated group territory only', target: pt(36.35, 35.18), decision: 'permitted', codes: ['DESIGNATED_GROUP_EXCEPTION'], partyIds: { DESIGNATED_GROUP_EXCEPTION: ['b'] } },
  { name: 'mixed: designated pocket inside committed area', target: pt(36.07, 35.07), decision: 'review', codes: ['MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'], partyIds: { MIXED_AREA: ['a', 'b'] } },
  { name: 'never-committed party', target: pt(36.5, 35.18), decision: 'review', codes: ['UNCOMMITTED_PARTY_TERRITORY'], partyIds: { UNCOMMITTED_PARTY_TERRITORY: ['n'] } },
  { name: 'suspended party', target: pt(36.9, 35.1), decision: 'review', codes: ['UNCOMMITTED_PARTY_TERRITORY'], partyIds: { UNCOMMITTED_PARTY_TERRITORY: ['s'] } },
  { name: 'undelineated', target: pt(37.5, 35.5), decision: 'review', codes: ['UNDELINEATED'] },
  { name: 'across the border in Turkey', target: pt(37.0, 37.0), decision: 'review', codes: ['UNDELINEATED', 'CROSS_BORDER'] },
  { name: 'across the border where the party operates', target: pt(37.0, 37.0), operatesIn: ['TUR'], decision: 'review', codes: ['UNDELINEATED'] },
  { name: 'protected site in committed territory', target: pt(36.152, 35.15), decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY', 'PROTECTED_SITE'] },
  { name: 'protected site inside designated territory', target: pt(36.301, 35.1), decision: 'prohibited', codes: ['PROTECTED_SITE', 'DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'just outside a site buffer', target: pt(36.3, 35.106), decision: 'permitted', codes: ['DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'a site no longer protected', target: pt(36.021, 35.021), decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY'] },
  { name: 'a site while it was protected', target: pt(36.021, 35.021), at: '2016-02-28T00:00:00Z', decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY', 'PROTECTED_SITE'] },
  { name: 'aid corridor in its window', target: pt(36.5, 35.055), decision: 'prohibited', codes: ['AID_CORRIDOR', 'UNCOMMITTED_PARTY_TERRITORY'] },
  { name: 'aid corridor after its window', target: pt(36.5, 35.055), at: '2016-03-06T00:00:00Z', decision: 'review', codes: ['UNCOMMITTED_PARTY_TERRITORY'] },
  { name: 'corridor window end is included', target: pt(36.5, 35.055), at: '2016-03-05T00:00:00Z', decision: 'prohibited', codes: ['AID_CORRIDOR', 'UNCOMMITTED_PARTY_TERRITORY'] },
  { name: 'party before it withdrew', target: pt(36.7, 35.1), decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY'] },
  { name: 'party after it withdrew', target: pt(36.7, 35.1), at: '2016-03-11T00:00:00Z', decision: 'review', codes: ['UNCOMMITTED_PARTY_TERRITORY'], partyIds: { UNCOMMITTED_PARTY_TERRITORY: ['w'] } },
  { name: 'before the party committed', target: pt(36.02, 35.18), at: '2016-02-20T00:00:00Z', decision: 'review', codes: ['UNCOMMITTED_PARTY_TERRITORY'] },
  { name: 'a later territory version replaces the earlier', target: pt(36.15, 35.05), at: '2016-03-21T00:00:00Z', decision: 'review', codes: ['UNDELINEATED'] },
  { name: 'the earlier version before its replacement', target: pt(36.15, 35.05), decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY'] },
  {
    name: 'disc straddling a committed/designated border',
    target: pt(36.199, 35.15),
    radiusM: 500,
    decision: 'prohibited',
    codes: ['COMMITTED_PARTY_TERRITORY', 'DESIGNATED_GROUP_EXCEPTION'],
    partyIds: { COMMITTED_PARTY_TERRITORY: ['a'], DESIGNATED_GROUP_EXCEPTION: ['b'] },
  },
  {
    name: 'polygon straddling a committed/designated border',
    target: { type: 'Polygon', coordinates: [sq(36.19, 35.12, 36.21, 35.13)] },
    decision: 'prohibited',
    codes: ['COMMITTED_PARTY_TERRITORY', 'DESIGNATED_GROUP_EXCEPTION'],
  },
  { name: 'disc wholly in the mixed pocket', target: pt(36.075, 35.075), radiusM: 200, decision: 'review', codes: ['MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'disc from the mixed pocket into committed ground', target: pt(36.1, 35.075), radiusM: 500, decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY', 'MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'polygon wholly in the mixed pocket', target: { type: 'Polygon', coordinates: [sq(36.06, 35.06, 36.07, 35.07)] }, decision: 'review', codes: ['MIXED_AREA', 'DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'disc reaching a site buffer from outside', target: pt(36.15, 35.165), radiusM: 1200, decision: 'prohibited', codes: ['COMMITTED_PARTY_TERRITORY', 'PROTECTED_SITE'] },
  { name: 'disc reaching the corridor from afar', target: pt(36.5, 35.08), radiusM: 2500, decision: 'prohibited', codes: ['AID_CORRIDOR', 'UNCOMMITTED_PARTY_TERRITORY'] },
];

describe('decide: the decision table', () => {
  it.each(cases)('$name', (c) => {
    const d = decide(ix, { target: c.target, radiusM: c.radiusM ?? 0, at: T(c.at ?? MAR2).getTime(), homeState: 'SYR', operatesIn: c.operatesIn ?? [] });
    expect(d.reasons.map((r) => r.code)).toEqual(c.codes);
    expect(d.decision).toBe(c.decision);
    for (const [code, ids] of Object.entries(c.partyIds ?? {})) expect(d.reasons.find((r) => r.code === code)?.partyIds).toEqual(ids);
  });

  it('names the site and the distance for those who may see them', () => {
    const d = decide(ix, { target: pt(36.152, 35.15), radiusM: 0, at: T(MAR2).getTime(), homeState: 'SYR', operatesIn: [] });
    const site = d.reasons.find((r) => r.code === 'PROTECTED_SITE')!;
    expect(site.siteId).toBe('hospital');
    // 0.002° of longitude at 35.15° N is about 182.3 m
    expect(site.distanceM).toBeGreaterThan(181);
    expect(site.distanceM).toBeLessThan(184);
  });

  it('an empty map: everything is undelineated', () => {
    const empty = VettingIndex.build({ version: 0, parties: [], territories: [], sites: [], corridors: [] });
    expect(decide(empty, { target: pt(36.3, 33.5), radiusM: 0, at: 0, homeState: 'SYR', operatesIn: [] })).toEqual({
      decision: 'review',
      reasons: [{ code: 'UNDELINEATED', detail: 'The target meets no delineated territory at 1970-01-01T00:00:00.000Z.' }],
    });
  });
});

// What a role without site access is told, from the exact decision.
const R = (code: ReasonCode, extra: object = {}) => ({ code, detail: code.toLowerCase(), ...extra });
const site = R('PROTECTED_SITE', { siteId: 'hospital', distanceM: 12.5 });
const tellCases: { name: string; exact: Decision; basis: ToldBasis; referred: boolean; decision: string; codes: ReasonCode[] }[] = [
  { name: 'exact: the decision itself', exact: { decision: 'prohibited', reasons: [site] }, basis: 'exact', referred: true, decision: 'prohibited', codes: ['PROTECTED_SITE'] },
  { name: 'grid: a site hit becomes a referral, and the decision only review', exact: { decision: 'prohibited', reasons: [site] }, basis: 'grid', referred: true, decision: 'review', codes: ['REFERRED_TO_TASK_FORCE'] },
  {
    name: 'grid: the referral takes the site reason’s place in the table order',
    exact: { decision: 'prohibited', reasons: [R('COMMITTED_PARTY_TERRITORY'), site, R('PROTECTED_SITE', { siteId: 'school' }), R('AID_CORRIDOR'), R('DESIGNATED_GROUP_EXCEPTION')] },
    basis: 'grid',
    referred: true,
    decision: 'prohibited',
    codes: ['COMMITTED_PARTY_TERRITORY', 'REFERRED_TO_TASK_FORCE', 'AID_CORRIDOR', 'DESIGNATED_GROUP_EXCEPTION'],
  },
  { name: 'grid: a site near on the grid only, not hit', exact: { decision: 'permitted', reasons: [R('DESIGNATED_GROUP_EXCEPTION')] }, basis: 'grid', referred: true, decision: 'review', codes: ['REFERRED_TO_TASK_FORCE', 'DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'grid: no site on the grid', exact: { decision: 'permitted', reasons: [R('DESIGNATED_GROUP_EXCEPTION')] }, basis: 'grid', referred: false, decision: 'permitted', codes: ['DESIGNATED_GROUP_EXCEPTION'] },
  { name: 'grid: other reasons as they are', exact: { decision: 'review', reasons: [R('UNDELINEATED'), R('CROSS_BORDER')] }, basis: 'grid', referred: false, decision: 'review', codes: ['UNDELINEATED', 'CROSS_BORDER'] },
  { name: 'flagged: a referral whatever the target', exact: { decision: 'permitted', reasons: [R('DESIGNATED_GROUP_EXCEPTION')] }, basis: 'flagged', referred: false, decision: 'review', codes: ['REFERRED_TO_TASK_FORCE'] },
  { name: 'flagged: the site is not told either', exact: { decision: 'prohibited', reasons: [R('COMMITTED_PARTY_TERRITORY'), site] }, basis: 'flagged', referred: true, decision: 'review', codes: ['REFERRED_TO_TASK_FORCE'] },
];

describe('tell: what a caller is told', () => {
  it.each(tellCases)('$name', (c) => {
    const told = tell(c.exact, c.basis, c.referred);
    expect(told.decision).toBe(c.decision);
    expect(told.reasons.map((r) => r.code)).toEqual(c.codes);
    if (c.basis !== 'exact') {
      expect(JSON.stringify(told)).not.toMatch(/hospital|school|distanceM|siteId/);
      const referral = told.reasons.find((r) => r.code === 'REFERRED_TO_TASK_FORCE');
      if (referral) expect(referral).toEqual({ code: 'REFERRED_TO_TASK_FORCE', detail: c.basis === 'flagged' ? FLAGGED_DETAIL : REFERRED_DETAIL });
    }
  });
});

describe('toldBefore009: what a liaison was told before the told view was kept', () => {
  it('the exact decision, the sites collapsed into one reason without the site', () => {
    const told = toldBefore009({ decision: 'prohibited', reasons: [R('COMMITTED_PARTY_TERRITORY'), site, R('PROTECTED_SITE', { siteId: 'school' }), R('AID_CORRIDOR')] });
    expect(told).toEqual({
      decision: 'prohibited',
      reasons: [R('COMMITTED_PARTY_TERRITORY'), { code: 'PROTECTED_SITE', detail: 'The target is within the buffer of a protected site.' }, R('AID_CORRIDOR')],
    });
  });
});

const spendCases: { name: string; budget: Budget; referred: boolean; basis: ToldBasis; flagNow: boolean; next: Budget }[] = [
  { name: 'no referral spends nothing', budget: { flagged: false, referrals: 5 }, referred: false, basis: 'grid', flagNow: false, next: { flagged: false, referrals: 5 } },
  { name: 'a referral within the budget', budget: { flagged: false, referrals: 0 }, referred: true, basis: 'grid', flagNow: false, next: { flagged: false, referrals: 1 } },
  { name: 'the last referral of the budget', budget: { flagged: false, referrals: 4 }, referred: true, basis: 'grid', flagNow: false, next: { flagged: false, referrals: 5 } },
  { name: 'the first past it flags the account', budget: { flagged: false, referrals: 5 }, referred: true, basis: 'flagged', flagNow: true, next: { flagged: true, referrals: 6 } },
  { name: 'flagged: every answer flagged, no new flag', budget: { flagged: true, referrals: 6 }, referred: false, basis: 'flagged', flagNow: false, next: { flagged: true, referrals: 6 } },
  { name: 'flagged: a referral changes nothing', budget: { flagged: true, referrals: 6 }, referred: true, basis: 'flagged', flagNow: false, next: { flagged: true, referrals: 6 } },
];

describe('spend: the daily budget of referrals (5)', () => {
  it.each(spendCases)('$name', (c) => {
    expect(spend(c.budget, c.referred, 5)).toEqual({ basis: c.basis, flagNow: c.flagNow, next: c.next });
  });
});

describe('referredOnGrid: sites count on the cells the target touches', () => {
  const grid = new Grid(new Uint8Array(32).fill(7), 1000);
  const hospitalCell = grid.cellOf(36.15, 35.15);
  const { minX, minY, maxX, maxY } = hospitalCell.bbox;
  const vr = (target: Target, radiusM = 0) => ({ target, radiusM, at: T(MAR2).getTime(), homeState: 'SYR', operatesIn: [] });
  const cases: [string, Target, number, boolean][] = [
    ['a point at the site', pt(36.15, 35.15), 0, true],
    // anywhere in the site's cell: the answer cannot tell where in the cell the site is
    ['the far corner of the site’s cell', pt(minX + (maxX - minX) * 0.999, minY + (maxY - minY) * 0.001), 0, true],
    ['the other far corner', pt(minX + (maxX - minX) * 0.001, minY + (maxY - minY) * 0.999), 0, true],
    ['5 km away', pt(36.205, 35.15), 0, false],
    ['a disc from 5 km reaching the buffer’s cells', pt(36.205, 35.15), 1000, false],
    ['a closed site’s place, after it closed', pt(36.02, 35.02), 0, false],
    ['a small polygon in the school’s cell', { type: 'Polygon', coordinates: [sq(36.3001, 35.1001, 36.3002, 35.1002)] }, 0, true],
  ];
  it.each(cases)('%s', (_n, target, r, expected) => {
    expect(referredOnGrid(ix, vr(target, r), grid)).toBe(expected);
  });

  it('counts every site whose exact buffer the target meets', () => {
    for (const [lon, lat] of [[36.152, 35.15], [36.301, 35.1], [36.15, 35.154]] as [number, number][]) {
      const d = decide(ix, vr(pt(lon, lat)));
      expect(d.reasons.some((x) => x.code === 'PROTECTED_SITE')).toBe(true);
      expect(referredOnGrid(ix, vr(pt(lon, lat)), grid)).toBe(true);
    }
  });
});
