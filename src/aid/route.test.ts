import { describe, expect, it } from 'vitest';
import { segmentsMeet, selfIntersection, type Position } from './route.ts';

describe('selfIntersection', () => {
  it.each<[string, Position[], { i: number; j: number } | null]>([
    ['a straight line', [[0, 0], [1, 1]], null],
    ['a bent line', [[0, 0], [1, 0], [1, 1], [2, 1]], null],
    ['a zigzag that never touches itself', [[0, 0], [1, 1], [2, 0], [3, 1]], null],
    ['a repeated vertex', [[0, 0], [1, 0], [1, 0], [2, 0]], null],
    ['an X (the first and third segments cross)', [[0, 0], [2, 2], [2, 0], [0, 2]], { i: 0, j: 2 }],
    ['a closed loop (the last segment ends on the first vertex)', [[0, 0], [1, 0], [1, 1], [0, 0]], { i: 0, j: 2 }],
    ['a vertex on an earlier segment', [[0, 0], [2, 0], [2, 1], [1, 0]], { i: 0, j: 2 }],
    ['doubling back along itself', [[0, 0], [2, 0], [1, 0]], { i: 0, j: 1 }],
    ['a right-angle turn is not a fold', [[0, 0], [1, 0], [1, -1]], null],
    ['a figure of eight', [[0, 0], [1, 1], [2, 0], [2, 1], [1, 0], [0, 1]], { i: 0, j: 4 }],
  ])('%s', (_n, coords, out) => {
    expect(selfIntersection(coords)).toEqual(out);
  });

  it.each<[string, Position[], boolean]>([
    ['crossing', [[0, 0], [2, 2], [0, 2], [2, 0]], true],
    ['touching at an end', [[0, 0], [1, 0], [1, 0], [1, 1]], true],
    ['parallel apart', [[0, 0], [1, 0], [0, 1], [1, 1]], false],
    ['collinear apart', [[0, 0], [1, 0], [2, 0], [3, 0]], false],
    ['collinear overlapping', [[0, 0], [2, 0], [1, 0], [3, 0]], true],
  ])('segmentsMeet: %s', (_n, [a, b, c, d], out) => {
    expect(segmentsMeet(a, b, c, d)).toBe(out);
  });
});
