// regionAreas: the areas of boolean combinations by boundary pieces, against exact figures for
// shared edges, holes and nesting, and against polyclip-ts overlays for seeded random shapes.
import * as polyclip from 'polyclip-ts';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.ts';
import { geodesicDisc, MEAN_RADIUS_M } from './geodesy.ts';
import { regionAreas, type Region } from './overlay.ts';
import { PreparedArea, type BBox, type Position } from './shapes.ts';

const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const area = (...rings: Position[][]) => new PreparedArea([rings]);
const BOX: BBox = { minX: 35.9, minY: 33.9, maxX: 36.2, maxY: 34.2 };
/** deg² to m² as regionAreas measures them (on the plane at the box's centre). */
const m2 = (deg2: number, box = BOX) => deg2 * ((Math.PI / 180) * MEAN_RADIUS_M) ** 2 * Math.cos(((box.minY + box.maxY) / 2) * (Math.PI / 180));
const IN = (...bits: number[]) => bits.reduce((m, b) => m | (1 << b), 0);

// T (bit 0) is the frame every region lies in; A is bit 1, B bit 2
const T = area(sq(36, 34, 36.1, 34.1));
const cases: { name: string; a: PreparedArea; b: PreparedArea; region: Region; deg2: number }[] = [
  { name: 'overlapping squares: the common square', a: area(sq(36, 34, 36.06, 34.06)), b: area(sq(36.04, 34.04, 36.1, 34.1)), region: { inside: IN(0, 1, 2), outside: 0 }, deg2: 0.02 * 0.02 },
  { name: 'overlapping squares: A outside B', a: area(sq(36, 34, 36.06, 34.06)), b: area(sq(36.04, 34.04, 36.1, 34.1)), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0.06 * 0.06 - 0.02 * 0.02 },
  { name: 'the same square twice (every edge shared, same way round)', a: area(sq(36.02, 34.02, 36.05, 34.05)), b: area(sq(36.02, 34.02, 36.05, 34.05)), region: { inside: IN(0, 1, 2), outside: 0 }, deg2: 0.03 * 0.03 },
  { name: 'the same square, once wound the other way: nothing of A outside B', a: area(sq(36.02, 34.02, 36.05, 34.05)), b: area(sq(36.02, 34.02, 36.05, 34.05).reverse()), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0 },
  { name: 'squares sharing an edge: no common area', a: area(sq(36.01, 34.01, 36.05, 34.05)), b: area(sq(36.05, 34.01, 36.09, 34.05)), region: { inside: IN(0, 1, 2), outside: 0 }, deg2: 0 },
  { name: 'squares sharing an edge: all of A outside B', a: area(sq(36.01, 34.01, 36.05, 34.05)), b: area(sq(36.05, 34.01, 36.09, 34.05)), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0.04 * 0.04 },
  { name: 'part of an edge shared', a: area(sq(36.01, 34.01, 36.05, 34.05)), b: area(sq(36.05, 34.03, 36.09, 34.08)), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0.04 * 0.04 },
  { name: 'B in A’s hole: A∩B empty', a: area(sq(36.01, 34.01, 36.09, 34.09), sq(36.03, 34.03, 36.06, 34.06)), b: area(sq(36.03, 34.03, 36.06, 34.06)), region: { inside: IN(0, 1, 2), outside: 0 }, deg2: 0 },
  { name: 'A with a hole, less B covering the hole and more', a: area(sq(36.01, 34.01, 36.09, 34.09), sq(36.03, 34.03, 36.06, 34.06)), b: area(sq(36.02, 34.02, 36.07, 34.07)), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0.08 * 0.08 - 0.05 * 0.05 },
  { name: 'A beyond the frame: only the frame’s part counts', a: area(sq(35.95, 33.95, 36.05, 34.05)), b: area(sq(36.15, 34.15, 36.18, 34.18)), region: { inside: IN(0, 1), outside: IN(2) }, deg2: 0.05 * 0.05 },
  { name: 'the frame itself along A’s edge', a: area(sq(36, 34, 36.1, 34.05)), b: area(sq(36.15, 34.15, 36.18, 34.18)), region: { inside: IN(0, 1), outside: 0 }, deg2: 0.1 * 0.05 },
];

/** The ring with each edge cut into k collinear ones (the squares are axis-aligned: exactly collinear). */
const dense = (ring: Position[], k: number): Position[] => [
  ...ring.slice(0, -1).flatMap(([x0, y0], i): Position[] => {
    const [x1, y1] = ring[i + 1];
    return Array.from({ length: k }, (_, j): Position => (j === 0 ? [x0, y0] : [x0 + ((x1 - x0) * j) / k, y0 + ((y1 - y0) * j) / k]));
  }),
  ring[ring.length - 1],
];
const denseArea = (a: PreparedArea, k: number) => new PreparedArea([a.rings().map((r) => dense(r, k))]);

describe('regionAreas', () => {
  it.each(cases)('$name', ({ a, b, region, deg2 }) => {
    const [got] = regionAreas([T, a, b], [region], BOX);
    expect(got).toBeCloseTo(m2(deg2), 3);
  });

  // long runs of edges that no other area comes near, inside the frame and out of it, and
  // stretches shared edge for edge: the runs' shortcut must give the same exact areas
  it.each(cases)('$name, every edge cut in 200', ({ a, b, region, deg2 }) => {
    const [got] = regionAreas([denseArea(T, 200), denseArea(a, 200), denseArea(b, 200)], [region], BOX);
    expect(got).toBeCloseTo(m2(deg2), 3);
  });

  it('refuses more areas than a mask tells apart', () => {
    expect(() => regionAreas(Array.from({ length: 32 }, () => T), [{ inside: 1, outside: 0 }], BOX)).toThrow(/at most 31 areas/);
  });

  it('one long edge split 160 times and run along 41 times (the per-edge scratch grows) keeps exact areas', () => {
    // A's bottom edge is one edge from 36.01 to 36.09; B lies below it, its top running along that
    // edge with 40 teeth 0.001° wide rising 0.01° into A
    const teeth = Array.from({ length: 40 }, (_, i) => 36.0115 + i * 0.0019);
    const top: Position[] = [...teeth].reverse().flatMap((x): Position[] => [[x + 0.001, 34.01], [x + 0.001, 34.02], [x, 34.02], [x, 34.01]]);
    const b = area([[36.01, 34.0], [36.09, 34.0], [36.09, 34.01], ...top, [36.01, 34.01], [36.01, 34.0]]);
    const a = area(sq(36.01, 34.01, 36.09, 34.05));
    const frame = area(sq(36, 33.99, 36.1, 34.1));
    const [both, aOnly, bOnly] = regionAreas([frame, a, b], [{ inside: IN(0, 1, 2), outside: 0 }, { inside: IN(0, 1), outside: IN(2) }, { inside: IN(0, 2), outside: IN(1) }], BOX);
    expect(both).toBeCloseTo(m2(40 * 0.001 * 0.01), 3);
    expect(aOnly).toBeCloseTo(m2(0.08 * 0.04 - 40 * 0.001 * 0.01), 3);
    expect(bOnly).toBeCloseTo(m2(0.08 * 0.01), 3);
  });

  it('agrees with polyclip-ts on 150 seeded discs over two crossing wobbly areas', () => {
    const r = rng(7);
    const star = (cx: number, cy: number, rad: number, n: number): Position[] => {
      const h = Array.from({ length: 5 }, (_, k) => ({ k: k + 2, a: 0.15 * r() / (k + 1), p: 2 * Math.PI * r() }));
      const ring: Position[] = [];
      for (let i = 0; i < n; i++) {
        const t = (2 * Math.PI * i) / n;
        const d = rad * (1 + h.reduce((s, x) => s + x.a * Math.sin(x.k * t + x.p), 0));
        ring.push([cx + d * Math.cos(t), cy + d * Math.sin(t)]);
      }
      ring.push(ring[0]);
      return ring;
    };
    const planar = (mp: Position[][][]) =>
      mp.reduce((s, poly) => s + poly.reduce((t, ring, k) => {
        let a = 0;
        for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
        return t + (k === 0 ? Math.abs(a) : -Math.abs(a)) / 2;
      }, 0), 0);
    let compared = 0;
    for (let k = 0; k < 150; k++) {
      const ring1 = star(36.05, 34.05, 0.04, 300 + Math.floor(r() * 300));
      const ring2 = star(36.05 + (r() - 0.5) * 0.03, 34.05 + (r() - 0.5) * 0.03, 0.035, 200 + Math.floor(r() * 300));
      const disc = geodesicDisc(36.05 + (r() - 0.5) * 0.06, 34.05 + (r() - 0.5) * 0.06, 300 + r() * 3000, 128);
      const A = new PreparedArea([[ring1]]);
      const B = new PreparedArea([[ring2]]);
      const D = new PreparedArea([[disc]]);
      const box = D.bbox;
      const got = regionAreas([D, A, B], [{ inside: 3, outside: 0 }, { inside: 3, outside: 4 }, { inside: 7, outside: 0 }], box);
      const da = polyclip.intersection([[disc]], [[ring1]]) as Position[][][];
      const want = [planar(da), planar(polyclip.difference(da, [[ring2]]) as Position[][][]), planar(polyclip.intersection(da, [[ring2]]) as Position[][][])].map((x) => m2(x, box));
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6 * Math.max(1, want[i]) + 1e-3);
      compared++;
    }
    expect(compared).toBe(150);
  });
});
