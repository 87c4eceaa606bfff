// Features of the in-memory collections (pure): does an area meet a box, and a keyset page over
// a list sorted by id (never an offset: a cursor names the last id given).
import { PreparedArea, PreparedLine, type Position } from '../geo/shapes.ts';
import type { BBox } from './params.ts';

/** (Multi)Polygon coordinates as PreparedArea takes them. */
export const polygonsOf = (g: { type: string; coordinates: unknown }): Position[][][] =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];

/**
 * The area meets the box (planar in longitude and latitude, boundaries included), as PostGIS's
 * ST_Intersects with ST_MakeEnvelope answers on geometry. A box of no width or height is a line
 * or a point.
 */
export function meetsBox(area: PreparedArea, [w, s, e, n]: BBox): boolean {
  if (e < area.bbox.minX || w > area.bbox.maxX || n < area.bbox.minY || s > area.bbox.maxY) return false;
  if (w === e && s === n) return area.contains(w, s);
  if (w === e || s === n) return new PreparedLine([[w, s], [e, n]]).intersectsArea(area);
  return new PreparedArea([[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]).intersectsArea(area);
}

/** The page after `afterId` of features sorted by id, and whether more follow. */
export function pageById<T extends { id: string }>(sorted: T[], afterId: string | null, limit: number): { items: T[]; more: boolean } {
  let start = 0;
  if (afterId !== null) {
    // the first id greater than the cursor's (binary search: the list is sorted by id)
    let [lo, hi] = [0, sorted.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].id <= afterId) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  return { items: sorted.slice(start, start + limit), more: start + limit < sorted.length };
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
