import { describe, expect, it } from 'vitest';
import type { EventType } from './acled.ts';
import { bestMatch, compatible, matchScore, occurredWindow, type LocationPrecision, type OccurredPrecision, type Side } from './group.ts';

const S = { distanceM: 5000, gapMs: 6 * 3600_000 };
const T = (s: string) => new Date(s);

describe('occurredWindow', () => {
  const rows: [string, OccurredPrecision, string, string][] = [
    ['2016-02-27T10:15:00.000Z', 'exact', '2016-02-27T10:15:00.000Z', '2016-02-27T10:15:00.000Z'],
    ['2016-02-27T10:15:00.000Z', 'day', '2016-02-27T00:00:00.000Z', '2016-02-28T00:00:00.000Z'],
    ['2016-02-29T23:59:59.999Z', 'day', '2016-02-29T00:00:00.000Z', '2016-03-01T00:00:00.000Z'], // a leap day
    ['2016-02-27T10:15:00.000Z', 'week', '2016-02-22T00:00:00.000Z', '2016-02-29T00:00:00.000Z'], // a Saturday: its Monday
    ['2016-02-22T00:00:00.000Z', 'week', '2016-02-22T00:00:00.000Z', '2016-02-29T00:00:00.000Z'], // a Monday: itself
    ['2016-02-28T23:00:00.000Z', 'week', '2016-02-22T00:00:00.000Z', '2016-02-29T00:00:00.000Z'], // a Sunday ends the ISO week
    ['2016-01-01T12:00:00.000Z', 'week', '2015-12-28T00:00:00.000Z', '2016-01-04T00:00:00.000Z'], // across a year
    ['2016-02-27T10:15:00.000Z', 'month', '2016-02-01T00:00:00.000Z', '2016-03-01T00:00:00.000Z'],
    ['2016-12-31T23:00:00.000Z', 'month', '2016-12-01T00:00:00.000Z', '2017-01-01T00:00:00.000Z'],
  ];
  it.each(rows)('%s as %s → [%s, %s)', (at, p, from, to) => {
    const w = occurredWindow(T(at), p);
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual([from, to]);
  });
});

describe('compatible types', () => {
  const rows: [EventType, EventType, boolean][] = [
    ['airstrike', 'airstrike', true],
    ['airstrike', 'shelling', true],
    ['shelling', 'cross_border_fire', true],
    ['airstrike', 'attack_on_civilians', true],
    ['ground_attack', 'sniper_fire', true],
    ['sniper_fire', 'attack_on_civilians', true],
    ['airstrike', 'ground_attack', false],
    ['shelling', 'sniper_fire', false],
    ['siege_or_aid_denial', 'siege_or_aid_denial', true],
    ['siege_or_aid_denial', 'attack_on_civilians', false],
    ['position_enhancement', 'ground_attack', false],
    ['arms_transfer', 'position_enhancement', false],
    ['other', 'airstrike', false],
    ['other', 'other', true],
  ];
  it.each(rows)('%s ~ %s: %s', (a, b, want) => {
    expect(compatible(a, b)).toBe(want);
    expect(compatible(b, a)).toBe(want);
  });
});

const P = (adm3: string | null, adm2: string | null = adm3 ? adm3.slice(0, 6) : null, adm1: string | null = adm2 ? adm2.slice(0, 4) : null) => ({ adm1, adm2, adm3 });
const side = (o: Partial<Side> & { at?: string; precision?: LocationPrecision | null }): Side => ({
  eventType: 'shelling',
  from: T(o.at ?? '2016-03-01T10:00:00Z'),
  to: T(o.at ?? '2016-03-01T10:00:00Z'),
  location: [36.4, 33.57],
  precision: 'exact',
  pcodes: P('SY030200'),
  ...o,
});
const day = (d: string) => ({ from: T(`${d}T00:00:00Z`), to: T(`${new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`) });
// 0.01° of latitude is about 1.11 km here
const north = (km: number): [number, number] => [36.4, 33.57 + km / 111];

describe('matchScore', () => {
  const rows: [string, Side, Side, boolean][] = [
    ['same place and time', side({}), side({}), true],
    ['4.9 km apart', side({ location: north(4.9) }), side({}), true],
    ['5.1 km apart', side({ location: north(5.1) }), side({}), false],
    ['5 h 59 min apart', side({ at: '2016-03-01T15:59:00Z' }), side({}), true],
    ['6 h 01 min apart', side({ at: '2016-03-01T16:01:00Z' }), side({}), false],
    ['an incompatible type', side({ eventType: 'ground_attack' }), side({}), false],
    ['a compatible type', side({ eventType: 'airstrike' }), side({}), true],
    // a day-precision report spans its day: a time late that day meets it, 5 h after it still does
    ['a day report and a time that day', side({ ...day('2016-03-01') }), side({ at: '2016-03-01T23:00:00Z' }), true],
    ['a day report and a time 5 h after its day', side({ ...day('2016-03-01') }), side({ at: '2016-03-02T05:00:00Z' }), true],
    ['a day report and a time 7 h after its day', side({ ...day('2016-03-01') }), side({ at: '2016-03-02T07:00:00Z' }), false],
    ['two days 1 day apart', side({ ...day('2016-03-01') }), side({ ...day('2016-03-03') }), false],
    // administrative units: the same unit at the coarser level, however far the points
    ['adm3-precise, same sub-district, 20 km away', side({ precision: 'adm3', location: north(20) }), side({}), true],
    ['adm3-precise, another sub-district', side({ precision: 'adm3', pcodes: P('SY030201') }), side({}), false],
    ['adm2-precise, same district', side({ precision: 'adm2', pcodes: P(null, 'SY0302') }), side({ pcodes: P('SY030201') }), true],
    ['adm2 vs adm3, other district', side({ precision: 'adm2', pcodes: P(null, 'SY0303') }), side({ precision: 'adm3' }), false],
    ['adm1 vs adm3, same governorate', side({ precision: 'adm1', pcodes: P(null, null, 'SY03') }), side({ precision: 'adm3' }), true],
    ['near counts as a point', side({ precision: 'near', location: north(3) }), side({}), true],
    ['no location groups with nothing', side({ location: null, precision: null, pcodes: P(null) }), side({}), false],
  ];
  it.each(rows)('%s', (_, a, b, want) => {
    expect(matchScore(a, b, S) !== null).toBe(want);
    expect(matchScore(b, a, S) !== null, 'the rule is symmetric').toBe(want);
  });
});

describe('bestMatch', () => {
  it('joins the nearest of several matches, the older on a tie, none when nothing matches', () => {
    const r = side({});
    const far = { ...side({ location: north(4) }), id: 'far' };
    const near = { ...side({ location: north(1) }), id: 'near' };
    const twin = { ...side({ location: north(1) }), id: 'twin' };
    const other = { ...side({ eventType: 'airstrike', location: north(0.5) }), id: 'compatible' };
    expect(bestMatch(r, [far, near, twin], S)?.id).toBe('near');
    expect(bestMatch(r, [twin, near], S)?.id).toBe('twin');
    // a merely compatible type costs a quarter: 0.5 km + 0.25 loses to 1 km of the same type
    expect(bestMatch(r, [other, near], S)?.id).toBe('near');
    expect(bestMatch(r, [{ ...side({ location: north(9) }), id: 'x' }], S)).toBeNull();
    expect(bestMatch(r, [], S)).toBeNull();
  });

  it('weighs time against space', () => {
    const r = side({});
    const later = { ...side({ at: '2016-03-01T15:00:00Z' }), id: 'later' }; // 0 km, 5 h: 0.83
    const aside = { ...side({ location: north(2) }), id: 'aside' }; // 2 km, 0 h: 0.4
    expect(bestMatch(r, [later, aside], S)?.id).toBe('aside');
  });
});
