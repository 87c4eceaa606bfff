// Geodesic measures on the WGS 84 ellipsoid (geographiclib), as PostGIS `geography` measures them.
import { createRequire } from 'node:module';

// geographiclib-geodesic is CommonJS whose exports Node cannot name statically: load it with require.
const gl = createRequire(import.meta.url)('geographiclib-geodesic') as typeof import('geographiclib-geodesic');

export const WGS84 = gl.Geodesic.WGS84;
const DISTANCE = gl.Geodesic.DISTANCE;
// unrolled: a longitude continues past ±180 rather than wrapping, so a disc on the antimeridian
// stays one ring (and its western half mirrors its eastern one exactly)
const POSITION = gl.Geodesic.LATITUDE | gl.Geodesic.LONGITUDE | gl.Geodesic.LONG_UNROLL;

/** WGS 84 semi-major axis, metres. */
export const WGS84_A = WGS84.a;
/** The sphere PostGIS `geography` uses for its nearest-point searches: mean radius (2a + b) / 3. */
export const MEAN_RADIUS_M = (2 * WGS84.a + WGS84.a * (1 - WGS84.f)) / 3;

/** Geodesic (ellipsoidal, shortest path) distance in metres: geographiclib Inverse. */
export function geodesicDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return WGS84.Inverse(lat1, lon1, lat2, lon2, DISTANCE).s12!;
}

const E2 = WGS84.f * (2 - WGS84.f);
const D2R = Math.PI / 180;

/**
 * A short line's ellipsoidal length, flat on the plane tangent at its mid-latitude (the meridian
 * and prime-vertical radii of curvature there). No allocation and a few multiplications, where
 * GeographicLib's Inverse allocates kilobytes: searches that only compare a distance with a
 * threshold take this with shortErrM's bound and call Inverse only when the bound straddles it.
 */
export function shortDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi = ((lat1 + lat2) / 2) * D2R;
  const s = Math.sin(phi);
  const w2 = 1 - E2 * s * s;
  const w = Math.sqrt(w2);
  let dl = lon2 - lon1;
  if (dl > 180) dl -= 360;
  else if (dl < -180) dl += 360;
  const x = ((dl * D2R * WGS84_A) / w) * Math.cos(phi);
  const y = ((lat2 - lat1) * D2R * WGS84_A * (1 - E2)) / (w2 * w);
  return Math.sqrt(x * x + y * y);
}

/** shortDistanceM is used up to this length and this |latitude| (beyond, shortErrM is Infinity). */
export const SHORT_MAX_M = 100_000;
const SHORT_MAX_LAT = 80;

/**
 * A bound on |shortDistanceM − Inverse| for a line of about d metres whose points lie within
 * |latitude| ≤ lat: 1 mm + 2e-15 d³ (1 + tan² lat). The error grows as d³ tan² φ (the parallels'
 * convergence the flat plane ignores); measured against Inverse, the worst is 2.6 times under
 * this bound (geodesy.test.ts). Infinity past 100 km or 80°: callers then use Inverse.
 */
export function shortErrM(d: number, lat: number): number {
  const a = Math.abs(lat);
  if (!(d <= SHORT_MAX_M) || !(a <= SHORT_MAX_LAT)) return Infinity;
  const t = Math.tan(a * D2R);
  return 1e-3 + 2e-15 * d * d * d * (1 + t * t);
}

// The shortest degree of latitude (at the equator) is 110,574 m; 110,000 leaves a margin.
const MIN_M_PER_DEG_LAT = 110_000;
// A degree of longitude along a parallel is at least (pi/180) a cos(lat); 1% margin on top.
const M_PER_DEG_LON_EQ = (Math.PI / 180) * WGS84_A / 1.01;

/**
 * A box half-size in degrees that holds every point within m metres (geodesic) of any point at
 * latitude lat (pass the largest |lat| of a box being grown). Never too small: the longitude span
 * uses the degree length at the most poleward latitude the distance can reach, with margins; near
 * the poles (or for huge distances) it gives up and returns the whole circle of longitude.
 */
export function metresToDegrees(lat: number, m: number): { dLon: number; dLat: number } {
  if (!(m > 0)) return { dLon: 0, dLat: 0 };
  const dLat = m / MIN_M_PER_DEG_LAT;
  const far = Math.abs(lat) + dLat;
  if (far >= 89) return { dLon: 360, dLat };
  const dLon = m / (M_PER_DEG_LON_EQ * Math.cos((far * Math.PI) / 180));
  return { dLon: dLon >= 180 ? 360 : dLon, dLat };
}

/** A closed counter-clockwise ring of `segments` points at exactly radiusM from the centre (geographiclib Direct). */
export function geodesicDisc(lon: number, lat: number, radiusM: number, segments = 64): [number, number][] {
  const ring: [number, number][] = new Array(segments + 1);
  // Azimuths run clockwise from north, so walk them backwards for a counter-clockwise ring. The
  // ellipsoid is symmetric about the centre's meridian: the point at azimuth −a mirrors the one
  // at a in longitude, so only the eastern half is solved (Direct is most of a disc's cost).
  for (let i = 0; i <= segments >> 1; i++) {
    const azi = (360 * i) / segments;
    const r = WGS84.Direct(lat, lon, azi, radiusM, POSITION);
    const k = (segments - i) % segments;
    ring[k] = [r.lon2!, r.lat2!];
    if (i > 0 && 2 * i !== segments) ring[i] = [2 * lon - r.lon2!, r.lat2!];
  }
  ring[segments] = [ring[0][0], ring[0][1]];
  return ring;
}

/** Geodesic area of one polygon (first ring the shell, the rest holes), km²; ring orientation does not matter. */
export function geodesicAreaKm2(polygonCoords: [number, number][][]): number {
  let m2 = 0;
  polygonCoords.forEach((ring, i) => {
    const p = WGS84.Polygon(false);
    const n = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.length - 1 : ring.length;
    for (let k = 0; k < n; k++) p.AddPoint(ring[k][1], ring[k][0]);
    const a = Math.abs(p.Compute(false, true).area ?? 0);
    m2 += i === 0 ? a : -a;
  });
  return m2 / 1e6;
}
