import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { rng } from '../../test/support/random.ts';
import { clearlySimplePolygon, MAX_SIMPLE_VERTICES } from './simple.ts';

type Ring = number[][];
const close = (r: Ring): Ring => [...r, r[0]];
const square = close([[36.2, 33.5], [36.3, 33.5], [36.3, 33.6], [36.2, 33.6]]);

describe('clearlySimplePolygon: true only where PostGIS would say valid', () => {
  it.each<[string, Ring[], boolean]>([
    ['a square', [square], true],
    ['the square clockwise', [[...square].reverse()], true],
    ['a thin triangle (1 m by 10 km)', [close([[36, 33], [36.1, 33], [36.1, 33.00001]])], true],
    ['a concave L', [close([[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]])], true],
    ['with altitudes', [close([[36, 33, 10], [36.1, 33, 12], [36.1, 33.1, 9]])], true],
    ['a bow-tie', [close([[36, 33], [36.2, 33.2], [36.2, 33], [36, 33.2]])], false],
    ['a hole (PostGIS checks nesting)', [square, close([[36.22, 33.52], [36.22, 33.58], [36.28, 33.58], [36.28, 33.52]])], false],
    ['a repeated position (valid, but left to PostGIS)', [close([[0, 0], [1, 0], [1, 0], [1, 1], [0, 1]])], false],
    ['a spike back along an edge', [close([[0, 0], [2, 0], [1, 0], [1, 1]])], false],
    ['three collinear positions in a row (valid, left to PostGIS)', [close([[0, 0], [1, 0], [2, 0], [2, 1]])], false],
    ['a ring touching itself at a vertex', [close([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1]])], false],
    ['a vertex on another edge', [close([[0, 0], [2, 0], [2, 2], [1, 0.0], [0, 2]])], false],
    ['a vertex a hair off a sloping edge (1e-12°): left to PostGIS', [close([[0, 0], [2, 2], [2, 4], [1, 1 + 1e-12], [0, 4]])], false],
    ['a vertex a hair above a level edge: the coordinates alone separate them', [close([[0, 0], [2, 0], [2, 2], [1, 1e-12], [0, 2]])], true],
    ['a degenerate ring of collinear positions', [close([[0, 0], [1, 1], [2, 2]])], false],
    ['an unclosed ring', [[[0, 0], [1, 0], [1, 1], [0, 1]]], false],
    ['too few edges', [[[0, 0], [1, 0], [0, 0]]], false],
    ['no ring', [], false],
    [`more than ${MAX_SIMPLE_VERTICES} vertices`, [close(Array.from({ length: MAX_SIMPLE_VERTICES + 1 }, (_, i) => [Math.cos((2 * Math.PI * i) / (MAX_SIMPLE_VERTICES + 1)), Math.sin((2 * Math.PI * i) / (MAX_SIMPLE_VERTICES + 1))]))], false],
    [`${MAX_SIMPLE_VERTICES} vertices on a circle`, [close(Array.from({ length: MAX_SIMPLE_VERTICES }, (_, i) => [Math.cos((2 * Math.PI * i) / MAX_SIMPLE_VERTICES), Math.sin((2 * Math.PI * i) / MAX_SIMPLE_VERTICES)]))], true],
  ])('%s', (_n, rings, want) => {
    expect(clearlySimplePolygon(rings)).toBe(want);
  });
});

/** Seeded rings of every kind the fast path must not get wrong: star-shaped (valid), random walks (mostly crossing), and rings on a coarse grid (touching, collinear, repeated). */
function rings(n: number): Ring[] {
  const r = rng(20261204);
  const out: Ring[] = [];
  for (let i = 0; i < n; i++) {
    const k = 3 + Math.floor(r() * 30);
    const cx = 35 + r() * 7;
    const cy = 32 + r() * 5;
    const kind = i % 3;
    let ring: Ring;
    if (kind === 0) {
      const angles = Array.from({ length: k }, () => r() * 2 * Math.PI).sort((a, b) => a - b);
      ring = angles.map((a) => {
        const d = 0.01 * (0.2 + r());
        return [cx + d * Math.cos(a), cy + d * Math.sin(a)];
      });
    } else if (kind === 1) {
      ring = Array.from({ length: k }, () => [cx + 0.01 * r(), cy + 0.01 * r()]);
    } else {
      ring = Array.from({ length: Math.min(k, 8) }, () => [cx + 0.001 * Math.floor(r() * 4), cy + 0.001 * Math.floor(r() * 4)]);
    }
    out.push(close(ring));
  }
  return out;
}

describe('clearlySimplePolygon against PostGIS ST_IsValid, on the test engine', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(() => t?.drop());

  it('never calls valid what PostGIS refuses, and shows most valid rings without it', async () => {
    const all = rings(3000);
    const rows = await t.db.query(`SELECT ST_IsValid(ST_GeomFromGeoJSON(g)) AS valid FROM unnest($1::text[]) WITH ORDINALITY AS u (g, i) ORDER BY i`, [
      all.map((ring) => JSON.stringify({ type: 'Polygon', coordinates: [ring] })),
    ]);
    let validByPostgis = 0;
    let shown = 0;
    const wrong: Ring[] = [];
    all.forEach((ring, i) => {
      const fast = clearlySimplePolygon([ring]);
      if (rows[i].valid) validByPostgis++;
      if (fast) shown++;
      if (fast && !rows[i].valid) wrong.push(ring);
    });
    expect(wrong).toEqual([]);
    // both kinds occur, and the fast path answers for nearly all the valid ones
    expect(validByPostgis).toBeGreaterThan(1000);
    expect(validByPostgis).toBeLessThan(2900);
    expect(shown / validByPostgis).toBeGreaterThan(0.9);
  });
});
