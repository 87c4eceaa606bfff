// How large a protected site or corridor may be. A notification protects a place (a hospital, a
// camp), a corridor a convoy's route for its journey: without bounds one notification could make
// every strike anywhere prohibited (issue 8, finding 2). Pure: plain GeoJSON coordinates in, the
// first fault out, named by field and bound.
import type { Config } from '../config.ts';
import { geodesicAreaKm2, geodesicDistanceM } from '../geo/geodesy.ts';

export interface SiteBounds {
  maxAreaKm2: number;
  maxSpanM: number;
  maxBufferM: number;
  /** Per organisation and 24 hours; 0: no limit. */
  notificationsPerDay: number;
}

export interface CorridorBounds {
  maxWidthM: number;
  maxLengthKm: number;
  maxDays: number;
}

export const siteBounds = (c: Config): SiteBounds => ({ maxAreaKm2: c.siteMaxAreaKm2, maxSpanM: c.siteMaxSpanM, maxBufferM: c.siteMaxBufferM, notificationsPerDay: c.siteNotificationsPerDay });
export const corridorBounds = (c: Config): CorridorBounds => ({ maxWidthM: c.corridorMaxWidthM, maxLengthKm: c.corridorMaxLengthKm, maxDays: c.corridorMaxDays });

/** A bound exceeded (EXCEEDS_BOUND) or a shape that is not a small place on the map (INVALID_GEOMETRY). */
export interface BoundFault {
  code: 'EXCEEDS_BOUND' | 'INVALID_GEOMETRY';
  field: string;
  reason: string;
  limit?: number;
}

type Pos = number[];

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : String(Math.round(n * 100) / 100));

/**
 * Vetting reads a geometry in longitude/latitude (as RFC 7946 and PostGIS `geometry`): an edge
 * more than 180° of longitude long is drawn the long way round the world, and a ring that winds
 * round a pole covers a cap there. RFC 7946 §3.1.9 asks for such shapes to be cut at 180°; a site
 * or route never needs them, so they are refused rather than guessed at.
 */
function wrapFault(ps: Pos[], at: string, ring: boolean): BoundFault | null {
  let winding = 0; // degrees of longitude walked the short way round: ±360 for a ring round a pole
  for (const [i, p] of ps.entries()) {
    if (Math.abs(p[1]) === 90) return { code: 'INVALID_GEOMETRY', field: `${at}.${i}`, reason: `position ${i} lies on a pole (latitude ${p[1]}): a site or route may not touch a pole` };
    const d = i ? p[0] - ps[i - 1][0] : 0;
    winding += d > 180 ? d - 360 : d < -180 ? d + 360 : d;
  }
  if (ring && Math.abs(winding) > 180) return { code: 'INVALID_GEOMETRY', field: at, reason: 'the ring winds round a pole: a site may not cover a pole' };
  for (let i = 1; i < ps.length; i++) {
    const d = Math.abs(ps[i][0] - ps[i - 1][0]);
    if (d > 180) {
      return {
        code: 'INVALID_GEOMETRY',
        field: `${at}.${i}`,
        reason: `the edge from position ${i - 1} to ${i} spans ${fmt(d)}° of longitude: it crosses the antimeridian (or goes round the world); split the shape at 180° (RFC 7946 §3.1.9)`,
      };
    }
  }
  return null;
}

/** The geometry and buffer of a site: Point any size of buffer up to the bound; Polygon small in area and span. */
export function siteFault(g: { type: string; coordinates: unknown }, bufferM: number, b: SiteBounds, field = 'geometry'): BoundFault | null {
  if (bufferM > b.maxBufferM) return { code: 'EXCEEDS_BOUND', field: 'bufferM', reason: `a buffer of ${fmt(bufferM)} m is over this deployment's bound of ${fmt(b.maxBufferM)} m`, limit: b.maxBufferM };
  if (g.type !== 'Polygon') return null;
  const rings = g.coordinates as Pos[][];
  for (const [i, ring] of rings.entries()) {
    const f = wrapFault(ring, `${field}.coordinates.${i}`, true);
    if (f) return f;
  }
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of rings[0]) [w, s, e, n] = [Math.min(w, p[0]), Math.min(s, p[1]), Math.max(e, p[0]), Math.max(n, p[1])];
  const span = Math.max(geodesicDistanceM(w, s, e, n), geodesicDistanceM(w, n, e, s));
  if (span > b.maxSpanM) {
    return { code: 'EXCEEDS_BOUND', field, reason: `the polygon spans ${fmt(span / 1000)} km (the diagonal of its bounding box), over this deployment's bound of ${fmt(b.maxSpanM / 1000)} km`, limit: b.maxSpanM };
  }
  const area = geodesicAreaKm2(rings as [number, number][][]);
  if (area > b.maxAreaKm2) return { code: 'EXCEEDS_BOUND', field, reason: `the polygon's area of ${fmt(area)} km² (geodesic) is over this deployment's bound of ${fmt(b.maxAreaKm2)} km²`, limit: b.maxAreaKm2 };
  return null;
}

/** A corridor's route, width and window. */
export function corridorFault(coordinates: Pos[], widthM: number, from: Date, to: Date, b: CorridorBounds, field = 'geometry'): BoundFault | null {
  if (widthM > b.maxWidthM) return { code: 'EXCEEDS_BOUND', field: 'widthM', reason: `a width of ${fmt(widthM)} m either side is over this deployment's bound of ${fmt(b.maxWidthM)} m`, limit: b.maxWidthM };
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > b.maxDays) return { code: 'EXCEEDS_BOUND', field: 'validTo', reason: `a window of ${fmt(days)} days is over this deployment's bound of ${b.maxDays} days`, limit: b.maxDays };
  const f = wrapFault(coordinates, `${field}.coordinates`, false);
  if (f) return f;
  let m = 0;
  for (let i = 1; i < coordinates.length; i++) m += geodesicDistanceM(coordinates[i - 1][0], coordinates[i - 1][1], coordinates[i][0], coordinates[i][1]);
  if (m / 1000 > b.maxLengthKm) return { code: 'EXCEEDS_BOUND', field, reason: `the route is ${fmt(m / 1000)} km long (geodesic), over this deployment's bound of ${fmt(b.maxLengthKm)} km`, limit: b.maxLengthKm };
  return null;
}
