// The incidents layer's rules (web/src/map/clusters.ts), in Node: counts are exact at every
// zoom and stay exact as the stream adds, moves, merges and repeats incidents.
import { describe, expect, it } from 'vitest';
import { belongs, buildIndex, countOf, IncidentSet, itemsIn } from '../../web/src/map/clusters.ts';
import type { Incident } from '../../web/src/types.ts';

const WORLD: [number, number, number, number] = [-180, -85, 180, 85];
const DAY = { from: new Date('2016-02-27T00:00:00Z'), to: new Date('2016-02-28T00:00:00Z') };

let n = 0;
function incident(o: Partial<Incident> & { lonLat?: [number, number] | null } = {}): Incident {
  const { lonLat = [36.3, 33.5], ...rest } = o;
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    status: 'reported',
    grade: null,
    reasoning: null,
    eventType: 'shelling',
    occurredFrom: '2016-02-27T10:00:00.000Z',
    occurredTo: '2016-02-27T10:00:00.000Z',
    location: lonLat ? { type: 'Point', coordinates: lonLat } : null,
    locationPrecision: lonLat ? 'exact' : null,
    pcodes: {},
    perpetratorPartyIds: [],
    targetPartyIds: [],
    casualties: {},
    reportCount: 1,
    mergedInto: null,
    publishedAt: null,
    determination: null,
    createdAt: '2016-02-27T11:00:00.000Z',
    updatedAt: '2016-02-27T11:00:00.000Z',
    ...rest,
  };
}

/** A seeded pseudo-random generator (mulberry32): the same points every run. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('belongs: which incidents a day shows', () => {
  it.each([
    ['inside the day', '2016-02-27T10:00:00Z', '2016-02-27T10:00:00Z', 'reported', true],
    ['at the first instant', '2016-02-27T00:00:00Z', '2016-02-27T00:00:00Z', 'reported', true],
    ['at the next day’s first instant', '2016-02-28T00:00:00Z', '2016-02-28T00:00:00Z', 'reported', false],
    ['the day before', '2016-02-26T23:59:59Z', '2016-02-26T23:59:59Z', 'reported', false],
    ['a week-precision window over the day', '2016-02-22T00:00:00Z', '2016-02-29T00:00:00Z', 'verified', true],
    ['ending as the day starts', '2016-02-26T00:00:00Z', '2016-02-27T00:00:00Z', 'reported', true],
    ['merged away', '2016-02-27T10:00:00Z', '2016-02-27T10:00:00Z', 'merged', false],
  ] as const)('%s', (_name, from, to, status, expected) => {
    expect(belongs(incident({ occurredFrom: from, occurredTo: to, status }), DAY)).toBe(expected);
  });
});

describe('cluster counts', () => {
  it('add up to the number of located incidents at every zoom, over the world and over Syria', () => {
    const r = rng(9);
    const list = Array.from({ length: 2000 }, () => incident({ lonLat: [35.7 + r() * 6.3, 32.3 + r() * 5] }));
    // Many on the very same spot (reports of one town): never lost or merged into one.
    for (let i = 0; i < 50; i++) list.push(incident({ lonLat: [36.2765, 33.5138] }));
    list.push(incident({ lonLat: null }), incident({ lonLat: null }));
    const set = new IncidentSet(DAY);
    set.reset(DAY, list);
    const index = buildIndex(set.located());
    for (let z = 0; z <= 16; z++) {
      const items = itemsIn(index, WORLD, z);
      expect(countOf(items), `zoom ${z}`).toBe(2050);
      expect(itemsIn(index, [35, 32, 43, 38], z + 0.7).length).toBe(items.length);
    }
    expect(set.unlocatedCount()).toBe(2);
    // Deep enough, the 50 on one spot stay one cluster of exactly 50 (same point), the rest single.
    const deep = itemsIn(index, [36.27, 33.51, 36.28, 33.52], 16);
    expect(deep.filter((i) => i.kind === 'cluster').map((i) => (i.kind === 'cluster' ? i.count : 0))).toContain(50);
  });

  it('never abbreviates: a cluster of 1,234 says 1234', () => {
    const list = Array.from({ length: 1234 }, (_, i) => incident({ lonLat: [36.3 + (i % 10) * 1e-4, 33.5 + Math.floor(i / 10) * 1e-4] }));
    const items = itemsIn(buildIndex(list), WORLD, 3);
    expect(items).toEqual([expect.objectContaining({ kind: 'cluster', count: 1234 })]);
  });
});

describe('live updates keep the set exact', () => {
  const steps: [string, (set: IncidentSet, base: Incident[]) => boolean, number][] = [
    ['a new incident of the day is added', (s) => s.apply(incident()), 4],
    ['the same incident again counts once', (s, b) => s.apply({ ...b[0], updatedAt: '2016-02-27T12:00:00.000Z', reportCount: 2 }), 3],
    ['an older copy arriving late changes nothing', (s, b) => s.apply({ ...b[0], updatedAt: '2016-02-27T09:00:00.000Z' }), 3],
    ['an incident merged away leaves', (s, b) => s.apply({ ...b[1], status: 'merged', mergedInto: b[0].id, updatedAt: '2016-02-28T00:00:00.000Z' }), 2],
    ['an incident moved to another day leaves', (s, b) => s.apply({ ...b[2], occurredFrom: '2016-03-01T00:00:00Z', occurredTo: '2016-03-01T00:00:00Z', updatedAt: '2016-02-28T00:00:00.000Z' }), 2],
    ['an incident of another day is not added', (s) => s.apply(incident({ occurredFrom: '2016-03-02T00:00:00Z', occurredTo: '2016-03-02T00:00:00Z' })), 3],
  ];
  it.each(steps)('%s', (_name, step, size) => {
    const base = [incident(), incident(), incident()];
    const set = new IncidentSet(DAY);
    set.reset(DAY, base);
    const before = set.revision;
    const changed = step(set, base);
    expect(set.size).toBe(size);
    expect(changed).toBe(set.revision !== before);
    expect(countOf(itemsIn(buildIndex(set.located()), WORLD, 5))).toBe(size);
  });

  it('the updated copy is the one kept', () => {
    const base = [incident()];
    const set = new IncidentSet(DAY);
    set.reset(DAY, base);
    set.apply({ ...base[0], reportCount: 3, updatedAt: '2016-02-27T12:00:00.000Z' });
    expect(set.get(base[0].id)?.reportCount).toBe(3);
  });
});
