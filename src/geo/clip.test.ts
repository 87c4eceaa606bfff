// The rare-path overlay: intersections and "anything left outside?", with slivers treated as empty.
import { describe, expect, it } from 'vitest';
import { SLIVER_M2, clipToBox, differenceIsEmpty, intersection } from './clip.ts';
import { geodesicAreaKm2 } from './geodesy.ts';
import type { Position } from './shapes.ts';

const sq = (x0: number, y0: number, x1: number, y1: number): Position[][] => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

describe('clip', () => {
  it('intersection: the overlap, with its area; nothing for disjoint or merely touching areas', () => {
    const part = intersection([sq(36, 33, 36.2, 33.2)], [sq(36.1, 33.1, 36.3, 33.3)]);
    expect(part).toHaveLength(1);
    const expected = geodesicAreaKm2(sq(36.1, 33.1, 36.2, 33.2));
    expect(geodesicAreaKm2(part[0])).toBeCloseTo(expected, 6);
    expect(intersection([sq(36, 33, 36.1, 33.1)], [sq(36.1, 33, 36.2, 33.1)])).toEqual([]); // shared edge
    expect(intersection([sq(36, 33, 36.1, 33.1)], [sq(37, 33, 37.1, 33.1)])).toEqual([]);
    expect(intersection([], [sq(37, 33, 37.1, 33.1)])).toEqual([]);
  });

  it('differenceIsEmpty: covered, partly covered, covered by two together, sliver left over', () => {
    const target = [sq(36, 33, 36.1, 33.1)];
    expect(differenceIsEmpty(target, [[sq(35.9, 32.9, 36.2, 33.2)]])).toBe(true);
    expect(differenceIsEmpty(target, [[sq(36.05, 32.9, 36.2, 33.2)]])).toBe(false);
    expect(differenceIsEmpty(target, [[sq(35.9, 32.9, 36.05, 33.2)], [sq(36.05, 32.9, 36.2, 33.2)]])).toBe(true);
    expect(differenceIsEmpty(target, [])).toBe(false);
    // A strip 5e-10° (~0.05 mm) wide by 0.1° (11 km), about 0.5 m²: treated as nothing.
    const sliver = geodesicAreaKm2(sq(36, 33, 36 + 5e-10, 33.1)) * 1e6;
    expect(sliver).toBeLessThan(SLIVER_M2);
    expect(differenceIsEmpty(target, [[sq(36 + 5e-10, 32.9, 36.2, 33.2)]])).toBe(true);
    // 1e-6° wide (~10 cm × 11 km ≈ 1,000 m²) is area.
    expect(differenceIsEmpty(target, [[sq(36 + 1e-6, 32.9, 36.2, 33.2)]])).toBe(false);
  });

  it('clipToBox: keeps exactly the part in the box, holes and concave rings included', () => {
    const box = { minX: 36.05, minY: 33.05, maxX: 36.15, maxY: 33.15 };
    const boxArea = geodesicAreaKm2(sq(36.05, 33.05, 36.15, 33.15));
    // a square over the box's corner: a quarter of the box remains
    expect(geodesicAreaKm2(clipToBox([sq(36, 33, 36.1, 33.1)], box)[0])).toBeCloseTo(geodesicAreaKm2(sq(36.05, 33.05, 36.1, 33.1)), 6);
    // a ring inside the box is returned as it is; one outside disappears with its holes
    expect(clipToBox([sq(36.06, 33.06, 36.07, 33.07)], box)).toEqual([sq(36.06, 33.06, 36.07, 33.07)]);
    expect(clipToBox([[sq(37, 33, 37.1, 33.1)[0], sq(37.01, 33.01, 37.02, 33.02)[0]]], box)).toEqual([]);
    // a U whose arms cross the box twice: Sutherland–Hodgman bridges them along the box edge,
    // and the overlay reads the bridge as no area
    const u: Position[] = [[36, 33], [36.2, 33], [36.2, 33.2], [36.12, 33.2], [36.12, 33.08], [36.08, 33.08], [36.08, 33.2], [36, 33.2], [36, 33]];
    const clipped = clipToBox([[u]], box);
    const viaOverlay = intersection(clipped, [sq(35, 32, 38, 35)]);
    const exact = intersection([[u]], [sq(36.05, 33.05, 36.15, 33.15)]);
    const area = (mp: Position[][][]) => mp.reduce((a, p) => a + geodesicAreaKm2(p), 0);
    expect(area(viaOverlay)).toBeCloseTo(area(exact), 6);
    expect(area(exact)).toBeLessThan(boxArea);
    // a hole straddling the box edge is cut with it
    const holed = clipToBox([[sq(36, 33, 36.2, 33.2)[0], sq(36.1, 33.1, 36.18, 33.18)[0]]], box);
    // (geodesic edges bow, so areas add up only to about 0.01%)
    expect(area(intersection(holed, [sq(35, 32, 38, 35)]))).toBeCloseTo(boxArea - geodesicAreaKm2(sq(36.1, 33.1, 36.15, 33.15)), 1);
  });
});
