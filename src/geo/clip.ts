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
  const aa = nonEmpty(a);
  if (!aa.length) return true;
  const others = minus.map(nonEmpty).filter((m) => m.length);
  const rest = others.length ? (polyclip.difference(aa, ...others) as Position[][][]) : aa;
  return solid(rest).length === 0;
}
