// Geodesy helpers: the disc, areas, the box growth the R-tree prefilters rely on, and the short-line distance with its bound.
import { describe, expect, it } from 'vitest';
import { geodesicAreaKm2, geodesicDisc, geodesicDistanceM, metresToDegrees, shortDistanceM, shortErrM, WGS84 } from './geodesy.ts';

describe('geodesy', () => {
  it('geodesicDisc: closed, counter-clockwise, every point at the radius', () => {
    const ring = geodesicDisc(36.3, 33.5, 2500, 64);
    expect(ring).toHaveLength(65);
    expect(ring[64]).toEqual(ring[0]);
    let twiceArea = 0;
    for (let i = 0; i < 64; i++) twiceArea += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    expect(twiceArea).toBeGreaterThan(0);
    for (const [x, y] of ring) expect(Math.abs(geodesicDistanceM(36.3, 33.5, x, y) - 2500)).toBeLessThan(1e-6);
  });

  it.each([64, 17, 497])('geodesicDisc with %i segments (the western half mirrored): each point where Direct puts it, in order', (n) => {
    const ring = geodesicDisc(36.3, 33.5, 4000, n);
    expect(ring).toHaveLength(n + 1);
    expect(ring[n]).toEqual(ring[0]);
    for (let i = 0; i < n; i++) {
      const want = WGS84.Direct(33.5, 36.3, 360 - (360 * i) / n, 4000);
      expect(Math.abs(ring[i][0] - want.lon2!)).toBeLessThan(1e-12);
      expect(Math.abs(ring[i][1] - want.lat2!)).toBeLessThan(1e-12);
    }
  });

  it('geodesicDisc on the antimeridian: one continuous ring, every point at the radius', () => {
    const ring = geodesicDisc(179.99, 10, 4000, 64);
    for (let i = 0; i < 64; i++) expect(Math.abs(ring[i + 1][0] - ring[i][0])).toBeLessThan(0.01);
    expect(Math.max(...ring.map((p) => p[0]))).toBeGreaterThan(180); // unrolled past it, not wrapped to −180
    for (const [x, y] of ring) expect(Math.abs(geodesicDistanceM(179.99, 10, x, y) - 4000)).toBeLessThan(1e-6);
  });

  it('geodesicAreaKm2: an octant of the ellipsoid, holes subtracted, either winding', () => {
    // The equator and meridians are geodesics: (0,0), (90,0), the pole bound one eighth of 510,065,621.7 km².
    expect(geodesicAreaKm2([[[0, 0], [90, 0], [0, 90], [0, 0]]])).toBeCloseTo(510_065_621.724 / 8, 0);
    expect(geodesicAreaKm2([[[0, 0], [0, 90], [90, 0], [0, 0]]])).toBeCloseTo(510_065_621.724 / 8, 0);
    const cell = geodesicAreaKm2([[[36, 33], [37, 33], [37, 34], [36, 34], [36, 33]]]);
    expect(cell).toBeGreaterThan(10_000);
    expect(cell).toBeLessThan(10_500);
    const holed = geodesicAreaKm2([
      [[36, 33], [37, 33], [37, 34], [36, 34], [36, 33]],
      [[36.4, 33.4], [36.4, 33.6], [36.6, 33.6], [36.6, 33.4], [36.4, 33.4]],
    ]);
    expect(cell - holed).toBeGreaterThan(400);
    expect(cell - holed).toBeLessThan(430);
  });

  it('metresToDegrees never undershoots: every point of a disc falls inside the grown box', () => {
    for (const lat of [0, 33.5, 60, 80, -75, 88.9]) {
      for (const m of [1, 500, 10_000, 100_000]) {
        const { dLon, dLat } = metresToDegrees(lat, m);
        for (const [x, y] of geodesicDisc(10, lat, m, 360)) {
          let dx = Math.abs(x - 10);
          if (dx > 180) dx = 360 - dx;
          expect(dx).toBeLessThanOrEqual(dLon);
          expect(Math.abs(y - lat)).toBeLessThanOrEqual(dLat);
        }
        // ...and is not wasteful at moderate latitudes.
        if (Math.abs(lat) <= 60) expect(dLat).toBeLessThan((m / 110_574) * 1.02);
      }
    }
    expect(metresToDegrees(89.5, 1000).dLon).toBe(360);
    expect(metresToDegrees(0, 0)).toEqual({ dLon: 0, dLat: 0 });
  });
});

describe('shortDistanceM', () => {
  // seeded: the same 400,000 lines every run
  let seed = 20261204;
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  it.each([
    [10, 1_000],
    [40, 30_000],
    [40, 100_000],
    [70, 60_000],
    [80, 100_000],
  ])('within its bound of Inverse: |lat| ≤ %i°, d ≤ %i m', (latMax, dMax) => {
    let worst = 0;
    for (let i = 0; i < 80_000; i++) {
      const lat1 = (rnd() * 2 - 1) * latMax;
      const lon1 = rnd() * 360 - 180;
      const d = rnd() * dMax;
      const az = rnd() * 360;
      const p = WGS84.Direct(lat1, lon1, az, d);
      if (Math.abs(p.lat2!) > latMax) continue;
      const g = geodesicDistanceM(lon1, lat1, p.lon2!, p.lat2!);
      const a = shortDistanceM(lon1, lat1, p.lon2!, p.lat2!);
      const bound = shortErrM(a, Math.max(Math.abs(lat1), Math.abs(p.lat2!)));
      worst = Math.max(worst, Math.abs(a - g) / bound);
    }
    // the bound keeps a margin over the worst measured error
    expect(worst).toBeLessThan(0.6);
    expect(worst).toBeGreaterThan(0);
  });

  it('wraps across the antimeridian; no bound past 100 km or 80°', () => {
    expect(shortDistanceM(179.999, 10, -179.999, 10)).toBeCloseTo(geodesicDistanceM(179.999, 10, -179.999, 10), 3);
    expect(shortErrM(100_001, 0)).toBe(Infinity);
    expect(shortErrM(1_000, 80.5)).toBe(Infinity);
    expect(shortErrM(NaN, 0)).toBe(Infinity);
  });
});

// geodesicDisc and geodesicDistanceM solve short lines by Vincenty's formulae (no allocation) and
// leave the rest to geographiclib: against geographiclib, across latitudes, radii and azimuths.
describe("Vincenty's direct and inverse against geographiclib", () => {
  it.each([
    [0, 50],
    [33.5, 5_000],
    [-47, 20_000],
    [72, 100_000],
    [88.9, 3_000],
    [89.5, 3_000], // past 89°: geographiclib's own
    [10, 250_000], // past 100 km: geographiclib's own
  ])('disc at latitude %f, radius %f m: every point where Direct puts it', (lat, r) => {
    const ring = geodesicDisc(36.3, lat, r, 90);
    for (let i = 0; i < 90; i++) {
      const want = WGS84.Direct(lat, 36.3, 360 - 4 * i, r);
      expect(Math.abs(ring[i][0] - want.lon2!)).toBeLessThan(1e-11);
      expect(Math.abs(ring[i][1] - want.lat2!)).toBeLessThan(1e-11);
    }
  });

  it('distance: within 1e-6 m of Inverse on 20,000 seeded lines of 1 m to 150 km, anywhere', () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let worst = 0;
    for (let k = 0; k < 20_000; k++) {
      const lat = (next() - 0.5) * 179.8;
      const lon = (next() - 0.5) * 360;
      const p = WGS84.Direct(lat, lon, next() * 360, 10 ** (next() * 5.18));
      worst = Math.max(worst, Math.abs(geodesicDistanceM(lon, lat, p.lon2!, p.lat2!) - WGS84.Inverse(lat, lon, p.lat2!, p.lon2!).s12!));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('distance: the same point is 0, across the antimeridian the short way, the equator and meridians exact', () => {
    expect(geodesicDistanceM(36.3, 33.5, 36.3, 33.5)).toBe(0);
    expect(Math.abs(geodesicDistanceM(179.99, 10, -179.99, 10) - WGS84.Inverse(10, 179.99, 10, -179.99).s12!)).toBeLessThan(1e-6);
    expect(Math.abs(geodesicDistanceM(0, 0, 0.5, 0) - WGS84.Inverse(0, 0, 0, 0.5).s12!)).toBeLessThan(1e-6);
    expect(Math.abs(geodesicDistanceM(20, -0.3, 20, 0.4) - WGS84.Inverse(-0.3, 20, 0.4, 20).s12!)).toBeLessThan(1e-6);
  });
});
