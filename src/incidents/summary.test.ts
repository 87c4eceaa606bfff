import { describe, expect, it } from 'vitest';
import { summarise, type ReportFacts } from './summary.ts';

const T = (s: string) => new Date(s);
let n = 0;
const unit = (c: string | null) => (c ? { code: c, name: `unit ${c}` } : null);
const U = (a1: string | null, a2: string | null, a3: string | null) => ({ adm1: unit(a1), adm2: unit(a2), adm3: unit(a3) });
const r = (o: Partial<ReportFacts> = {}): ReportFacts => ({
  seq: ++n,
  eventType: 'shelling',
  from: T('2016-03-01T10:00:00Z'),
  to: T('2016-03-01T10:00:00Z'),
  location: [36.4, 33.57],
  locationPrecision: 'exact',
  pcodes: U('SY03', 'SY0302', 'SY030200'),
  perpetratorPartyIds: [],
  targetPartyIds: [],
  casualties: {},
  ...o,
});
const adm2 = U('SY03', 'SY0303', null);

describe('summarise', () => {
  const rows: [string, ReportFacts[], Partial<ReturnType<typeof summarise>>][] = [
    ['one report is its own summary', [r({ seq: 1 })], { eventType: 'shelling', reportCount: 1, locationPrecision: 'exact', location: [36.4, 33.57] }],
    [
      'the window is the hull of the reports’ windows',
      [r({ seq: 1, from: T('2016-03-01T00:00:00Z'), to: T('2016-03-02T00:00:00Z') }), r({ seq: 2, from: T('2016-03-02T03:00:00Z'), to: T('2016-03-02T03:00:00Z') })],
      { from: T('2016-03-01T00:00:00Z'), to: T('2016-03-02T03:00:00Z'), reportCount: 2 },
    ],
    ['the most frequent type', [r({ seq: 1, eventType: 'airstrike' }), r({ seq: 2 }), r({ seq: 3 })], { eventType: 'shelling' }],
    ['a tie of types: the earliest filed', [r({ seq: 2, eventType: 'shelling' }), r({ seq: 1, eventType: 'airstrike' })], { eventType: 'airstrike' }],
    [
      'the location of the most precise report',
      [r({ seq: 1, locationPrecision: 'adm2', location: [36.2, 33.6], pcodes: adm2 }), r({ seq: 2, locationPrecision: 'near', location: [36.41, 33.58] })],
      { location: [36.41, 33.58], locationPrecision: 'near', pcodes: U('SY03', 'SY0302', 'SY030200') },
    ],
    ['equally precise: the earliest filed', [r({ seq: 5, location: [1, 1] }), r({ seq: 4, location: [2, 2] })], { location: [2, 2] }],
    ['no located report: no location', [r({ location: null, locationPrecision: null, pcodes: U(null, null, null) })], { location: null, locationPrecision: null, pcodes: U(null, null, null) }],
    [
      'the union of parties named',
      [r({ perpetratorPartyIds: ['b', 'a'], targetPartyIds: ['x'] }), r({ perpetratorPartyIds: ['a', 'c'], targetPartyIds: [] })],
      { perpetratorPartyIds: ['a', 'b', 'c'], targetPartyIds: ['x'] },
    ],
    [
      'casualties: the figures of the highest best, each kind on its own',
      [
        r({ casualties: { killed: { best: 3, low: 2, high: 5 }, injured: { best: 20 } } }),
        r({ casualties: { killed: { best: 7, civilians: 4 } } }),
        r({ casualties: { killed: { best: 5, low: 1, high: 90 }, injured: { best: 10, high: 30 } } }),
      ],
      { casualties: { killed: { best: 7, low: null, high: null, civilians: 4 }, injured: { best: 20, low: null, high: null, civilians: null } } },
    ],
    ['no casualty figures: none', [r(), r()], { casualties: {} }],
  ];
  it.each(rows)('%s', (_, reports, want) => {
    expect(summarise(reports)).toMatchObject(want);
  });

  it('does not depend on the order it is given the reports in', () => {
    const rs = [r({ eventType: 'airstrike' }), r({ location: [1, 1], locationPrecision: 'near' }), r({ casualties: { killed: { best: 2 } } })];
    expect(summarise([...rs].reverse())).toEqual(summarise(rs));
  });

  it('refuses an incident without reports', () => {
    expect(() => summarise([])).toThrow();
  });
});
