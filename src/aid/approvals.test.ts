import { describe, expect, it } from 'vitest';
import { approvalChanges, requiredApprovals, type AreaVersion } from './approvals.ts';

const square = (x0: number, y0: number, x1: number, y1: number) => [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]] as AreaVersion['polygons'];
const v = (id: string, partyId: string, validFrom: number, polygons: AreaVersion['polygons'], seq = 1): AreaVersion => ({ id, seq, partyId, validFrom, polygons });
// a route from (0.5, 0.5) east to (2.5, 0.5): it crosses the unit squares at x in [0,1], [1,2] and [2,3]
const route = [[0.5, 0.5], [2.5, 0.5]];
const W = { from: 100, to: 200 };

describe('requiredApprovals', () => {
  it.each<[string, AreaVersion[], string[], { partyId: string; reason: string }[]]>([
    ['nobody holds the ground', [], [], []],
    ['two parties crossed', [v('a1', 'A', 0, square(0, 0, 1, 1)), v('b1', 'B', 0, square(1, 0, 2, 1))], [], [{ partyId: 'A', reason: 'territory' }, { partyId: 'B', reason: 'territory' }]],
    ['a party elsewhere is not asked', [v('a1', 'A', 0, square(0, 0, 1, 1)), v('c1', 'C', 0, square(10, 10, 11, 11))], [], [{ partyId: 'A', reason: 'territory' }]],
    ['touching the boundary counts', [v('a1', 'A', 0, square(0, 0.5, 1, 1))], [], [{ partyId: 'A', reason: 'territory' }]],
    ['a version starting after the window does not count', [v('a1', 'A', 250, square(0, 0, 1, 1))], [], []],
    ['a version starting within the window counts', [v('a1', 'A', 150, square(0, 0, 1, 1))], [], [{ partyId: 'A', reason: 'territory' }]],
    ['a version ended before the window does not count', [v('a1', 'A', 0, square(0, 0, 1, 1)), v('a2', 'A', 50, square(10, 10, 11, 11), 2)], [], []],
    ['a version ending within the window counts', [v('a1', 'A', 0, square(0, 0, 1, 1)), v('a2', 'A', 150, square(10, 10, 11, 11), 2)], [], [{ partyId: 'A', reason: 'territory' }]],
    ['a besieger is asked as besieger', [v('a1', 'A', 0, square(0, 0, 1, 1))], ['Z'], [{ partyId: 'A', reason: 'territory' }, { partyId: 'Z', reason: 'besieger' }]],
    ['a besieger whose ground is crossed is asked once, as besieger', [v('a1', 'A', 0, square(0, 0, 1, 1))], ['A'], [{ partyId: 'A', reason: 'besieger' }]],
  ])('%s', (_n, versions, besiegers, out) => {
    expect(requiredApprovals(route, W, versions, besiegers)).toEqual(out);
  });
});

describe('approvalChanges', () => {
  it.each([
    ['no change', [{ partyId: 'A', reason: 'territory' as const }], [{ partyId: 'A', reason: 'territory' as const }], { added: [], dropped: [] }],
    ['one added', [], [{ partyId: 'A', reason: 'territory' as const }], { added: [{ partyId: 'A', reason: 'territory' }], dropped: [] }],
    ['one dropped', [{ partyId: 'A', reason: 'territory' as const }], [], { added: [], dropped: [{ partyId: 'A', reason: 'territory' }] }],
  ])('%s', (_n, current, required, out) => {
    expect(approvalChanges(current, required)).toEqual(out);
  });
});
