// A proof, without PostGIS, that a small polygon of one ring is valid: it saves the database round
// trip (ST_IsValidDetail) that every polygon target paid before its decision (issue 12). Pure and
// conservative: it answers true only when each test is clear by a wide margin, and anything else
// (holes, many vertices, repeated positions, edges that touch, cross or nearly do, collinear
// neighbours) goes to PostGIS as before, which then also names the reason and the place.
// Written by hand because it is on the vetting hot path and is a few lines: the exact libraries
// (robust-predicates, GEOS) are what it defers to, not what it replaces.

/** Rings of more vertices than this go to PostGIS: the pairwise test grows with the square. */
export const MAX_SIMPLE_VERTICES = 128;

/**
 * Below this sine of the angle at which two edges meet (or a vertex sits off an edge's line),
 * an orientation is not trusted and PostGIS decides. Doubles carry ~1e-16; this leaves seven
 * orders of magnitude for rounding in the determinant, and is still far below any real target.
 */
const MIN_SINE = 1e-9;

/** Twice the signed area of (a, b, c), or NaN when it is too near zero to trust. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const ux = bx - ax;
  const uy = by - ay;
  const vx = cx - ax;
  const vy = cy - ay;
  const det = ux * vy - uy * vx;
  // |det| = |u| |v| sin θ, compared squared (no square roots on the hot path)
  return det * det > MIN_SINE * MIN_SINE * (ux * ux + uy * uy) * (vx * vx + vy * vy) ? det : NaN;
}

/**
 * True only when the GeoJSON Polygon coordinates are one closed ring of distinct consecutive
 * positions whose edges meet only at their shared ends, each at a clear angle: a valid polygon
 * for PostGIS (and OGC). False means "not shown here", not "invalid".
 */
export function clearlySimplePolygon(rings: readonly (readonly (readonly number[])[])[]): boolean {
  if (rings.length !== 1) return false;
  const ring = rings[0];
  const n = ring.length - 1; // edges; the last position repeats the first
  if (n < 3 || n > MAX_SIMPLE_VERTICES) return false;
  const first = ring[0];
  const last = ring[n];
  if (first[0] !== last[0] || first[1] !== last[1]) return false;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (a[0] === b[0] && a[1] === b[1]) return false;
    // neighbours at a clear angle: no spike folding back along the previous edge, no straight run
    const p = ring[i === 0 ? n - 1 : i - 1];
    if (Number.isNaN(orient(p[0], p[1], a[0], a[1], b[0], b[1]))) return false;
  }
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    const minX = Math.min(a[0], b[0]);
    const maxX = Math.max(a[0], b[0]);
    const minY = Math.min(a[1], b[1]);
    const maxY = Math.max(a[1], b[1]);
    // edges i and j share no end unless j = i ± 1 (mod n): those were the angles above
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const c = ring[j];
      const d = ring[j + 1];
      if (Math.max(c[0], d[0]) < minX || Math.min(c[0], d[0]) > maxX || Math.max(c[1], d[1]) < minY || Math.min(c[1], d[1]) > maxY) continue;
      const d1 = orient(a[0], a[1], b[0], b[1], c[0], c[1]);
      const d2 = orient(a[0], a[1], b[0], b[1], d[0], d[1]);
      const d3 = orient(c[0], c[1], d[0], d[1], a[0], a[1]);
      const d4 = orient(c[0], c[1], d[0], d[1], b[0], b[1]);
      if (Number.isNaN(d1 + d2 + d3 + d4)) return false; // an end on, or nearly on, the other's line
      if (d1 > 0 !== d2 > 0 && d3 > 0 !== d4 > 0) return false; // they cross
    }
  }
  return true;
}
