// States from the bundled Natural Earth 1:10m borders and the 12-nm territorial sea. The golden
// cases (borders.golden.json, written by hand; borders.postgis.test.ts checks each against PostGIS)
// must exist: a missing file fails here, it is never written.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { bordersLoadedBy, stateAt, statesMeeting, TERRITORIAL_SEA_M } from './borders.ts';
import { geodesicDisc } from './geodesy.ts';
import { PreparedArea, type Position } from './shapes.ts';

interface GoldenCase {
  name: string;
  target: { type: 'Point'; coordinates: Position } | { type: 'Polygon'; coordinates: Position[][] };
  radiusM?: number;
  states: string[];
}

function goldenCases(): GoldenCase[] {
  const file = new URL('./borders.golden.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: GoldenCase[] }).cases;
}

function statesOf(c: GoldenCase): string[] {
  return c.target.type === 'Point'
    ? statesMeeting({ type: 'point', lon: c.target.coordinates[0], lat: c.target.coordinates[1], radiusM: c.radiusM ?? 0 })
    : statesMeeting({ type: 'area', area: new PreparedArea([c.target.coordinates]) });
}

describe('borders: golden cases', () => {
  const cases = goldenCases();
  it('the golden file holds the cases the issue names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const c of cases) expect([...c.states].sort(), c.name).toEqual(c.states);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(statesOf(c)).toEqual(c.states);
  });
});

describe('borders', () => {
  it.each([
    ['Damascus', 36.2765, 33.5138, 'SYR'],
    ['Aleppo', 37.1612, 36.2021, 'SYR'],
    ['Ankara', 32.8597, 39.9334, 'TUR'],
    ['Beirut (Achrafieh)', 35.53, 33.88, 'LBN'],
    ['Amman', 35.9106, 31.9539, 'JOR'],
    ['the Mediterranean', 34, 34.5, null],
  ])('%s', (_name, lon, lat, code) => {
    expect(stateAt(lon, lat)).toBe(code);
  });

  it('the territorial sea is 12 international nautical miles', () => {
    expect(TERRITORIAL_SEA_M).toBe(22_224);
  });

  it('a 10 km disc on the Syria–Turkey border near Kilis meets both', () => {
    expect(stateAt(37.12, 36.6)).toBe('SYR');
    expect(stateAt(37.12, 36.8)).toBe('TUR');
    expect(statesMeeting({ type: 'point', lon: 37.12, lat: 36.68, radiusM: 10_000 })).toEqual(['SYR', 'TUR']);
    expect(statesMeeting({ type: 'area', area: new PreparedArea([[geodesicDisc(37.12, 36.68, 10_000)]]) })).toEqual(['SYR', 'TUR']);
  });

  it('a disc inland near a border but clear of it meets only its own state (no sea to reach the neighbour through)', () => {
    // 3 km from the Turkish border at most, 2 km disc: Turkey's land is within 12 nm, its sea is not
    expect(statesMeeting({ type: 'point', lon: 37.12, lat: 36.6, radiusM: 2000 })).toEqual(['SYR']);
    expect(statesMeeting({ type: 'area', area: new PreparedArea([[geodesicDisc(37.12, 36.6, 2000)]]) })).toEqual(['SYR']);
  });

  it('a small disc well inside one state meets only that one; radius 0 is the point itself', () => {
    expect(statesMeeting({ type: 'point', lon: 36.2765, lat: 33.5138, radiusM: 1000 })).toEqual(['SYR']);
    expect(statesMeeting({ type: 'point', lon: 34, lat: 34.5, radiusM: 0 })).toEqual([]);
    expect(statesMeeting({ type: 'point', lon: 35.5018, lat: 33.8938, radiusM: 2000 })).toEqual(['LBN']);
  });

  it("a disc on the Syrian coast reaching Turkey's sea off Ras al-Bassit meets both; a polygon the same", () => {
    // at sea off Kassab: both coasts within 12 nm
    const lon = 35.83;
    const lat = 35.93;
    expect(statesMeeting({ type: 'point', lon, lat, radiusM: 0 }).length).toBe(1);
    expect(statesMeeting({ type: 'point', lon, lat, radiusM: 8000 })).toEqual(['SYR', 'TUR']);
    expect(statesMeeting({ type: 'area', area: new PreparedArea([[geodesicDisc(lon, lat, 8000)]]) })).toEqual(['SYR', 'TUR']);
  });
});

describe('borders read in a worker thread at start', () => {
  it('are decoded off the event loop and answer every golden case as those read on first use do', async () => {
    vi.resetModules(); // a module of its own: nothing read yet
    const fresh = (await import('./borders.ts')) as typeof import('./borders.ts');
    expect(fresh.bordersLoadedBy()).toBe(null);
    await fresh.loadBorders();
    expect(fresh.bordersLoadedBy()).toBe('worker');
    for (const c of goldenCases()) {
      const got =
        c.target.type === 'Point'
          ? fresh.statesMeeting({ type: 'point', lon: c.target.coordinates[0], lat: c.target.coordinates[1], radiusM: c.radiusM ?? 0 })
          : fresh.statesMeeting({ type: 'area', area: new PreparedArea([c.target.coordinates]) });
      expect(got, c.name).toEqual(statesOf(c));
    }
    expect(bordersLoadedByFirstUse()).toBe('event loop');
  });
});

function bordersLoadedByFirstUse() {
  stateAt(36.3, 33.5);
  return bordersLoadedBy();
}
