// The coarse grid: cells tile the map, are about the size asked for at every latitude, and sit
// where the deployment's secret puts them. Pure, no database.
import { describe, expect, it } from 'vitest';
import { geodesicDistanceM } from '../geo/geodesy.ts';
import { Grid } from './grid.ts';

const secret = (b: number) => new Uint8Array(32).fill(b);
const g = new Grid(secret(1), 1000);

describe('Grid', () => {
  it.each([
    ['Damascus', 36.29, 33.51],
    ['Idleb', 36.63, 35.93],
    ['the equator', 10, 0],
    ['Kyiv', 30.52, 50.45],
    ['Tromsø', 18.96, 69.65],
    ['the far south', -70, -60],
  ])('a cell at %s is about 1 km a side and holds its point', (_n, lon, lat) => {
    const { bbox: b } = g.cellOf(lon, lat);
    expect(lon).toBeGreaterThanOrEqual(b.minX);
    expect(lon).toBeLessThan(b.maxX);
    expect(lat).toBeGreaterThanOrEqual(b.minY);
    expect(lat).toBeLessThan(b.maxY);
    const mid = (b.minY + b.maxY) / 2;
    const width = geodesicDistanceM(b.minX, mid, b.maxX, mid);
    const height = geodesicDistanceM(b.minX, b.minY, b.minX, b.maxY);
    expect(width).toBeGreaterThan(950);
    expect(width).toBeLessThan(1050);
    expect(height).toBeGreaterThan(990);
    expect(height).toBeLessThan(1010);
  });

  it('tiles: every point of a region lies in exactly one of the cells listed for it', () => {
    const box = { minX: 36.2, minY: 33.4, maxX: 36.3, maxY: 33.5 };
    const cells = g.cellsIn(box);
    expect(cells.length).toBeGreaterThan(100); // about 9 x 11 km
    expect(cells.length).toBeLessThan(160);
    for (let i = 0; i < 500; i++) {
      const lon = box.minX + ((i * 0.618034) % 1) * (box.maxX - box.minX);
      const lat = box.minY + ((i * 0.414214) % 1) * (box.maxY - box.minY);
      const holding = cells.filter(({ bbox: b }) => lon >= b.minX && lon < b.maxX && lat >= b.minY && lat < b.maxY);
      expect(holding).toHaveLength(1);
      expect(holding[0]).toEqual(g.cellOf(lon, lat));
    }
  });

  it('lists one cell for a point, and the neighbours a box on a cell edge touches', () => {
    const c = g.cellOf(36.29, 33.51);
    expect(g.cellsIn({ minX: 36.29, minY: 33.51, maxX: 36.29, maxY: 33.51 })).toEqual([c]);
    const edge = { minX: c.bbox.maxX, minY: c.bbox.minY + 1e-4, maxX: c.bbox.maxX, maxY: c.bbox.minY + 2e-4 };
    expect(g.cellsIn(edge).map((x) => [x.row, x.col])).toEqual([[c.row, c.col + 1]]);
  });

  it('is shifted by the secret, in latitude and in each row on its own', () => {
    const other = new Grid(secret(2), 1000);
    const a = g.cellOf(36.29, 33.51).bbox;
    const b = other.cellOf(36.29, 33.51).bbox;
    expect(a.minY).not.toBeCloseTo(b.minY, 6);
    expect(a.minX).not.toBeCloseTo(b.minX, 6);
    // rows do not share their column edges: knowing one row's edges says nothing of the next
    const below = g.cellOf(36.29, a.minY - 1e-6).bbox;
    const shift = (x: number, step: number) => (((x % step) + step) % step) / step;
    expect(Math.abs(shift(a.minX, a.maxX - a.minX) - shift(below.minX, below.maxX - below.minX))).toBeGreaterThan(1e-3);
    // and the same secret always gives the same grid (replays, several instances)
    expect(new Grid(secret(1), 1000).cellOf(36.29, 33.51)).toEqual(g.cellOf(36.29, 33.51));
  });

  it('refuses a cell size that is not positive', () => {
    expect(() => new Grid(secret(1), 0)).toThrow(RangeError);
  });
});
