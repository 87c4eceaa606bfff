// GeoJSON geometry (RFC 7946, WGS 84, longitude first): the one shared schema for a geometry,
// the structural checks that name the exact coordinate at fault, and PostGIS's validity verdict.
import { Type } from 'typebox';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { clearlySimplePolygon } from './simple.ts';
import { validityDetail } from './store.ts';

export type GeometryType = 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon';
export interface Geometry {
  type: GeometryType;
  coordinates: unknown;
}

/** The schema types only; the structure (ring closure, ranges, counts) is checked by checkGeometry with precise paths. */
export const GeometrySchema = (types: readonly GeometryType[]) =>
  Type.Object(
    {
      type: Type.Enum(types),
      coordinates: Type.Array(Type.Unsafe<unknown>({}), { description: 'RFC 7946 coordinates, longitude first, WGS 84' }),
    },
    { additionalProperties: true, description: `GeoJSON ${types.join(' or ')}` },
  );

interface Fault {
  field: string;
  reason: string;
}

function position(p: unknown, at: string): Fault | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return { field: at, reason: 'must be a position [longitude, latitude] (an optional altitude third)' };
  }
  if (p[0] < -180 || p[0] > 180) return { field: `${at}.0`, reason: `longitude ${p[0]} is outside -180..180` };
  if (p[1] < -90 || p[1] > 90) return { field: `${at}.1`, reason: `latitude ${p[1]} is outside -90..90` };
  return null;
}

function positions(ps: unknown, at: string, min: number, what: string): { fault: Fault | null; count: number } {
  if (!Array.isArray(ps) || !ps.every(Array.isArray)) return { fault: { field: at, reason: `must be a list of positions (${what}): check the nesting` }, count: 0 };
  if (ps.length < min) return { fault: { field: at, reason: `${what} needs at least ${min} positions, has ${ps.length}` }, count: ps.length };
  for (const [i, p] of ps.entries()) {
    const f = position(p, `${at}.${i}`) ?? (i > 0 ? edge(ps[i - 1] as number[], p as number[], `${at}.${i}`) : null);
    if (f) return { fault: f, count: ps.length };
  }
  return { fault: null, count: ps.length };
}

const RAD = Math.PI / 180;

/**
 * An edge that longitude/latitude (geometry) and the globe (geography: areas, distances) read
 * differently: one spanning 180° of longitude or more is drawn along the parallel by the
 * first and the short way round (or over a pole) by the second, and one between antipodes
 * has no single great circle, so PostGIS fails ("Antipodal edge") and a whole-world polygon
 * came back as a 500. Refused, naming the second position of the edge.
 */
function edge(a: number[], b: number[], at: string): Fault | null {
  if (Math.abs(b[0] - a[0]) >= 180 && Math.abs(a[1]) !== 90 && Math.abs(b[1]) !== 90) {
    return { field: at, reason: `the edge from [${a[0]}, ${a[1]}] spans 180° of longitude or more: split it, or cross the antimeridian with positions on both sides of it` };
  }
  const [x1, y1] = [a[0] * RAD, a[1] * RAD], [x2, y2] = [b[0] * RAD, b[1] * RAD];
  const dot = Math.cos(y1) * Math.cos(y2) * Math.cos(x2 - x1) + Math.sin(y1) * Math.sin(y2);
  if (dot < -1 + 1e-12) return { field: at, reason: `the edge from [${a[0]}, ${a[1]}] joins two antipodal points: no single great circle joins them` };
  if (Math.abs(a[1]) === 90 && Math.abs(b[1]) === 90 && a[1] === b[1] && a[0] !== b[0]) {
    return { field: at, reason: 'an edge along a pole is no edge on the globe: a polygon may not run around a pole' };
  }
  return null;
}

function polygon(rings: unknown, at: string): { fault: Fault | null; count: number } {
  if (!Array.isArray(rings) || rings.length === 0) return { fault: { field: at, reason: 'a polygon is a non-empty list of linear rings' }, count: 0 };
  let count = 0;
  for (const [i, ring] of rings.entries()) {
    const r = positions(ring, `${at}.${i}`, 4, 'a linear ring');
    count += r.count;
    if (r.fault) return { fault: r.fault, count };
    const [a, b] = [(ring as number[][])[0], (ring as number[][])[(ring as unknown[]).length - 1]];
    if (a[0] !== b[0] || a[1] !== b[1]) return { fault: { field: `${at}.${i}`, reason: 'the ring is not closed: its last position must equal its first' }, count };
  }
  return { fault: null, count };
}

/** RFC 7946 structure: the first fault with its path under `field`, and the vertex count. */
export function geometryFault(g: Geometry, field: string): { fault: Fault | null; vertices: number } {
  const at = `${field}.coordinates`;
  switch (g.type) {
    case 'Point': {
      return { fault: position(g.coordinates, at), vertices: 1 };
    }
    case 'LineString': {
      const r = positions(g.coordinates, at, 2, 'a line');
      return { fault: r.fault, vertices: r.count };
    }
    case 'Polygon': {
      const r = polygon(g.coordinates, at);
      return { fault: r.fault, vertices: r.count };
    }
    case 'MultiPolygon': {
      if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return { fault: { field: at, reason: 'a multipolygon is a non-empty list of polygons' }, vertices: 0 };
      let vertices = 0;
      for (const [i, poly] of g.coordinates.entries()) {
        const r = polygon(poly, `${at}.${i}`);
        vertices += r.count;
        if (r.fault) return { fault: r.fault, vertices };
      }
      return { fault: null, vertices };
    }
  }
}

/**
 * Structure first (cheap, precise paths), then PostGIS's verdict (self-intersections, wrong
 * nesting, ...) with where it happens. Throws a 422 INVALID_GEOMETRY naming the field.
 */
export async function checkGeometry(q: Queryable, g: Geometry, field: string, maxVertices: number): Promise<void> {
  const { fault, vertices } = geometryFault(g, field);
  if (fault) throw new ApiError('INVALID_GEOMETRY', `${fault.field}: ${fault.reason}.`, fault.field);
  if (vertices > maxVertices) throw new ApiError('INVALID_GEOMETRY', `The geometry has ${vertices} vertices; at most ${maxVertices} are accepted.`, field);
  if (g.type === 'Point') return;
  if (g.type === 'Polygon' && clearlySimplePolygon(g.coordinates as number[][][])) return; // no round trip for a plainly valid ring
  const r = await validityDetail(q, JSON.stringify({ type: g.type, coordinates: g.coordinates }));
  // PGlite's PostGIS answers no row when GEOS throws: refuse rather than store what was not checked
  if (!r) throw new ApiError('INVALID_GEOMETRY', `${field} could not be checked by PostGIS; simplify it or send it again.`, field);
  if (!r.valid) {
    const where = r.location === null ? '' : ` at [${r.location[0]}, ${r.location[1]}]`;
    throw new ApiError('INVALID_GEOMETRY', `${field} is not a valid ${g.type}: ${r.reason}${where}.`, field, { location: r.location });
  }
}
