// Polygon clipping for the rare vetting case (a target meeting both a committed party's area and a
// designated group's area): does the target meet one outside the other? polyclip-ts does the
// planar (lon/lat) overlay; what it returns is then measured geodesically.
import * as polyclip from 'polyclip-ts';
import { geodesicAreaKm2 } from './geodesy.ts';
import type { Position } from './shapes.ts';

/**
 * Pieces of a clipping result smaller than this (geodesic, m²) are rounding slivers or shared
 * boundaries, not area: 1 m² is far below any territory's precision (a 1 m wide strip along a
 * whole 1 m edge) and far above the ~1e-6 m² noise of coordinates at double precision.
 */
export const SLIVER_M2 = 1;

function polygonAreaM2(p: Position[][]): number {
  return geodesicAreaKm2(p) * 1e6;
}

/** Keeps the pieces with area. */
function solid(mp: Position[][][]): Position[][][] {
  return mp.filter((p) => p.length && p[0].length >= 4 && polygonAreaM2(p) >= SLIVER_M2);
}

const nonEmpty = (mp: Position[][][]) => mp.filter((p) => p.length && p[0].length >= 4);

/** The intersection of two MultiPolygons (coordinates), without zero-area pieces. */
export function intersection(a: Position[][][], b: Position[][][]): Position[][][] {
  const aa = nonEmpty(a);
  const bb = nonEmpty(b);
  if (!aa.length || !bb.length) return [];
  return solid(polyclip.intersection(aa, bb) as Position[][][]);
}

/** Whether a minus every MultiPolygon of `minus` leaves no area (pieces under SLIVER_M2 do not count). */
export function differenceIsEmpty(a: Position[][][], minus: Position[][][][]): boolean {
  return difference(a, minus).length === 0;
}

/** Geodesic m² of a MultiPolygon's pieces that have area. */
export function areaM2(mp: Position[][][]): number {
  return solid(mp).reduce((s, p) => s + polygonAreaM2(p), 0);
}

/** a minus every MultiPolygon of `minus`, as pieces with area. */
export function difference(a: Position[][][], minus: Position[][][][]): Position[][][] {
  const aa = nonEmpty(a);
  if (!aa.length) return [];
  const others = minus.map(nonEmpty).filter((m) => m.length);
  return solid(others.length ? (polyclip.difference(aa, ...others) as Position[][][]) : aa);
}

/**
 * A MultiPolygon cut down to a box (Sutherland–Hodgman per ring, O(n)): what lies outside the
 * box is dropped, so the clipping above works on a few hundred vertices instead of a whole
 * territory. Concave rings may come back with zero-width bridges along the box's edges, which
 * polyclip-ts reads as self-touching rings (no area), so areas are exact. Hand-written: it runs
 * on the vetting path before every clip.
 */
export function clipToBox(mp: Position[][][], box: { minX: number; minY: number; maxX: number; maxY: number }): Position[][][] {
  const out: Position[][][] = [];
  for (const poly of mp) {
    const rings: Position[][] = [];
    for (const [i, ring] of poly.entries()) {
      const r = clipRing(ring, box);
      if (r.length < 4) {
        if (i === 0) break; // the outer ring is gone, and its holes with it
        continue;
      }
      rings.push(r);
    }
    if (rings.length) out.push(rings);
  }
  return out;
}

type Edge = (p: Position) => number; // >= 0 inside
function clipRing(ring: Position[], b: { minX: number; minY: number; maxX: number; maxY: number }): Position[] {
  // a ring wholly inside the box needs no work
  if (ring.every(([x, y]) => x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY)) return ring;
  const sides: Edge[] = [(p) => p[0] - b.minX, (p) => b.maxX - p[0], (p) => p[1] - b.minY, (p) => b.maxY - p[1]];
  let pts = ring.slice(0, -1);
  for (const side of sides) {
    if (!pts.length) break;
    const next: Position[] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i];
      const c = pts[(i + 1) % pts.length];
      const da = side(a);
      const dc = side(c);
      if (da >= 0) next.push(a);
      if ((da >= 0) !== (dc >= 0)) {
        const t = da / (da - dc);
        next.push([a[0] + (c[0] - a[0]) * t, a[1] + (c[1] - a[1]) * t]);
      }
    }
    pts = next;
  }
  if (pts.length < 3) return [];
  return [...pts, pts[0]];
}
