// States from the bundled Natural Earth 1:50m borders.
import { describe, expect, it } from 'vitest';
import { stateAt, statesMeeting } from './borders.ts';
import { geodesicDisc } from './geodesy.ts';
import { PreparedArea } from './shapes.ts';

describe('borders', () => {
  it.each([
    ['Damascus', 36.2765, 33.5138, 'SYR'],
    ['Aleppo', 37.1612, 36.2021, 'SYR'],
    ['Ankara', 32.8597, 39.9334, 'TUR'],
    // Ras Beirut itself lies seaward of the 1:50m coastline; its eastern districts are inland.
    ['Beirut (Achrafieh)', 35.53, 33.88, 'LBN'],
    ['Amman', 35.9106, 31.9539, 'JOR'],
    ['the Mediterranean', 34, 34.5, null],
  ])('%s', (_name, lon, lat, code) => {
    expect(stateAt(lon, lat)).toBe(code);
  });

  it('a 10 km disc on the Syria–Turkey border near Kilis meets both', () => {
    expect(stateAt(37.12, 36.6)).toBe('SYR');
    expect(stateAt(37.12, 36.8)).toBe('TUR');
    expect(statesMeeting({ type: 'point', lon: 37.12, lat: 36.68, radiusM: 10_000 })).toEqual(['SYR', 'TUR']);
    expect(statesMeeting({ type: 'area', area: new PreparedArea([[geodesicDisc(37.12, 36.68, 10_000)]]) })).toEqual(['SYR', 'TUR']);
  });

  it('a small disc well inside one state meets only that one; radius 0 is the point itself', () => {
    expect(statesMeeting({ type: 'point', lon: 36.2765, lat: 33.5138, radiusM: 1000 })).toEqual(['SYR']);
    expect(statesMeeting({ type: 'point', lon: 34, lat: 34.5, radiusM: 0 })).toEqual([]);
    // From the sea off Beirut, 2 km reaches the coast.
    expect(statesMeeting({ type: 'point', lon: 35.5018, lat: 33.8938, radiusM: 2000 })).toEqual(['LBN']);
  });
});
