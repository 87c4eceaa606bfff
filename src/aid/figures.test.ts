import { describe, expect, it } from 'vitest';
import { aidFigures, DAY_MS, statusAt, type AreaFacts, type ConvoyFigureFacts } from './figures.ts';
import { statusFault } from './areas.ts';

const D = (n: number) => n * DAY_MS; // day n of the scenario
const areas: AreaFacts[] = [
  { id: 'A', name: 'Alpha', population: 1000, history: [{ at: D(0), status: 'besieged' }] },
  { id: 'B', name: 'Beta', population: 400, history: [{ at: D(0), status: 'hard_to_reach' }, { at: D(15), status: 'besieged' }] },
  { id: 'C', name: 'Gamma', population: 300, history: [{ at: D(0), status: 'besieged' }, { at: D(5), status: 'lifted' }] },
  { id: 'L', name: 'Lifted long ago', population: 50, history: [{ at: D(0), status: 'lifted' }] },
];
const convoy = (destinationAreaId: string, state: ConvoyFigureFacts['state'], peopleToReach: number, deliveredAt: number | null, pending: ConvoyFigureFacts['pending'] = []): ConvoyFigureFacts => ({
  destinationAreaId, state, peopleToReach, deliveredAt, pending,
});
const convoys = [
  convoy('A', 'delivered', 600, D(12)),
  convoy('A', 'partially_delivered', 700, D(18)), // 1,300 to A in all: capped at its 1,000
  convoy('A', 'delivered', 200, D(2)), // before the period: counts for days since, not people reached
  convoy('B', 'delivered', 100, D(25)),
  convoy('B', 'blocked', 400, null),
  convoy('C', 'delivered', 300, D(40)), // after the period
  convoy('B', 'requested', 300, null, [{ partyId: 'P', waitingSince: D(20) }, { partyId: 'Q', waitingSince: D(28) }]),
  convoy('A', 'requested', 300, null, [{ partyId: 'P', waitingSince: D(22) }]),
  convoy('A', 'cancelled', 300, null, [{ partyId: 'Q', waitingSince: D(1) }]), // not waiting any more
];

describe('aidFigures', () => {
  it('matches the table computed by hand', () => {
    // period: days 10 to 30; now: day 31
    const f = aidFigures(areas, convoys, { from: D(10), to: D(30) }, D(31));
    expect(f.areas).toEqual([
      { areaId: 'A', name: 'Alpha', population: 1000, peopleReached: 1000, daysSinceLastDelivery: 12 }, // last delivery day 18 → day 30
      { areaId: 'B', name: 'Beta', population: 400, peopleReached: 100, daysSinceLastDelivery: 5 }, // day 25 → 30
      // Gamma was lifted on day 5, before the period; the lifted area neither
    ]);
    // besieged at the end: Alpha (1,000) and Beta (400, besieged from day 15)
    expect(f.besiegedPopulation).toBe(1400);
    expect(f.reachedShare).toBe(0.7857); // 1,100 / 1,400
    expect(f.pendingApprovals).toEqual([
      { partyId: 'P', pending: 2, longestWaitDays: 11 }, // since day 20, to day 31
      { partyId: 'Q', pending: 1, longestWaitDays: 3 },
    ]);
  });

  it.each([
    ['a period before anything', D(-10), D(-5), { areas: 0, besiegedPopulation: 0, reachedShare: 0 }],
    ['the first days: Gamma still besieged', D(0), D(4), { areas: 3, besiegedPopulation: 1300, reachedShare: 0.1538 }], // 200 to A over A and C
  ])('%s', (_n, from, to, out) => {
    const f = aidFigures(areas, convoys, { from, to }, D(31));
    expect({ areas: f.areas.length, besiegedPopulation: f.besiegedPopulation, reachedShare: f.reachedShare }).toEqual(out);
  });

  it('has no days since a delivery where there was none', () => {
    const f = aidFigures(areas, [], { from: D(10), to: D(30) }, D(31));
    expect(f.areas.map((a) => a.daysSinceLastDelivery)).toEqual([null, null]);
  });
});

describe('statusAt', () => {
  it.each([
    [D(-1), null],
    [D(0), 'hard_to_reach'],
    [D(14), 'hard_to_reach'],
    [D(15), 'besieged'],
  ] as const)('Beta at %s → %s', (t, s) => {
    expect(statusAt(areas[1].history, t)).toBe(s);
  });
});

describe('statusFault', () => {
  const h = areas[1].history;
  it.each([
    ['a change', { at: D(20), status: 'lifted' as const }, null],
    ['the same status', { at: D(20), status: 'besieged' as const }, 'status'],
    ['the same as then, not as now', { at: D(10), status: 'besieged' as const }, null],
    ['before the first status', { at: D(-1), status: 'lifted' as const }, 'at'],
  ])('%s', (_n, next, field) => {
    expect(statusFault(h, next)?.field ?? null).toBe(field);
  });
});
