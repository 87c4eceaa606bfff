// A convoy route's shape checks (pure): a route that crosses or doubles back on itself is not one
// a convoy can be told to follow, and its corridor would protect a loop nobody drives.
export type Position = [number, number] | number[];

const orient = (a: Position, b: Position, p: Position) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
const within = (a: Position, b: Position, p: Position) => Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/** Closed segments ab and cd share a point (crossing, touching or overlapping). */
export function segmentsMeet(a: Position, b: Position, c: Position, d: Position): boolean {
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && within(c, d, a)) || (d2 === 0 && within(c, d, b)) || (d3 === 0 && within(a, b, c)) || (d4 === 0 && within(a, b, d));
}

/**
 * The first pair of segments (by index: segment i runs from vertex i to i+1) where the line meets
 * itself other than at the vertex two neighbours share, or null for a simple line. Neighbours
 * that fold back over each other count; repeated vertices (zero-length segments) are skipped.
 * Quadratic, which routes of a few thousand vertices afford (schemas bound the vertex count).
 */
export function selfIntersection(coords: Position[]): { i: number; j: number } | null {
  const segs: { k: number; a: Position; b: Position }[] = [];
  for (let k = 0; k + 1 < coords.length; k++) if (!same(coords[k], coords[k + 1])) segs.push({ k, a: coords[k], b: coords[k + 1] });
  for (let x = 0; x < segs.length; x++) {
    for (let y = x + 1; y < segs.length; y++) {
      const s = segs[x];
      const t = segs[y];
      if (y === x + 1 && same(s.b, t.a)) {
        // neighbours share s.b: they meet elsewhere only when they fold back along one line
        const back = orient(s.a, s.b, t.b) === 0 && (s.b[0] - s.a[0]) * (t.b[0] - t.a[0]) + (s.b[1] - s.a[1]) * (t.b[1] - t.a[1]) < 0;
        if (back) return { i: s.k, j: t.k };
        continue;
      }
      if (segmentsMeet(s.a, s.b, t.a, t.b)) return { i: s.k, j: t.k };
    }
  }
  return null;
}
