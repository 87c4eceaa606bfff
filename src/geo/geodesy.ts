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

const E2 = WGS84.f * (2 - WGS84.f);
const D2R = Math.PI / 180;

/**
 * Geodesic (ellipsoidal, shortest path) distance in metres: Vincenty's inverse (1975) for lines
 * under about 100 km away from the poles, geographiclib's Inverse beyond. Vincenty's because
 * geographiclib allocates some 1.5 KB a call and a disc's protected-site checks call it for every
 * site it reaches: the young-generation collections that brought landed inside decisions
 * (issue 12). Hand-written for that hot path; within 1e-6 m of geographiclib there (geodesy.test.ts).
 */
export function geodesicDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  if (Math.abs(lat1) <= VINCENTY_MAX_LAT && Math.abs(lat2) <= VINCENTY_MAX_LAT && shortDistanceM(lon1, lat1, lon2, lat2) <= VINCENTY_MAX_M) {
    const d = vincentyInverse(lon1, lat1, lon2, lat2);
    if (d >= 0) return d;
  }
  return WGS84.Inverse(lat1, lon1, lat2, lon2, DISTANCE).s12!;
}

/** Vincenty's inverse, or −1 when its iteration does not settle (then geographiclib answers). */
function vincentyInverse(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const f = WGS84.f;
  let dl = lon2 - lon1;
  if (dl > 180) dl -= 360;
  else if (dl < -180) dl += 360;
  const L = dl * D2R;
  const tanU1 = (1 - f) * Math.tan(lat1 * D2R);
  const tanU2 = (1 - f) * Math.tan(lat2 * D2R);
  const cosU1 = 1 / Math.sqrt(1 + tanU1 * tanU1);
  const sinU1 = tanU1 * cosU1;
  const cosU2 = 1 / Math.sqrt(1 + tanU2 * tanU2);
  const sinU2 = tanU2 * cosU2;
  let lam = L;
  let sinS = 0;
  let cosS = 0;
  let sig = 0;
  let cos2a = 0;
  let c2m = 0;
  for (let it = 0; it < 100; it++) {
    const sl = Math.sin(lam);
    const cl = Math.cos(lam);
    const p = cosU2 * sl;
    const q = cosU1 * sinU2 - sinU1 * cosU2 * cl;
    sinS = Math.sqrt(p * p + q * q);
    if (sinS === 0) return 0; // the same point
    cosS = sinU1 * sinU2 + cosU1 * cosU2 * cl;
    sig = Math.atan2(sinS, cosS);
    const sina = (cosU1 * cosU2 * sl) / sinS;
    cos2a = 1 - sina * sina;
    c2m = cos2a !== 0 ? cosS - (2 * sinU1 * sinU2) / cos2a : 0; // 0 on the equator
    const C = (f / 16) * cos2a * (4 + f * (4 - 3 * cos2a));
    const next = L + (1 - C) * f * sina * (sig + C * sinS * (c2m + C * cosS * (2 * c2m * c2m - 1)));
    const done = Math.abs(next - lam) <= 1e-14;
    lam = next;
    if (done) {
      const u2 = cos2a * EP2;
      const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const ds = B * sinS * (c2m + (B / 4) * (cosS * (2 * c2m * c2m - 1) - (B / 6) * c2m * (4 * sinS * sinS - 3) * (4 * c2m * c2m - 3)));
      return B_AXIS * A * (sig - ds);
    }
  }
  return -1;
}

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

const B_AXIS = WGS84.a * (1 - WGS84.f);
const EP2 = (WGS84.a * WGS84.a - B_AXIS * B_AXIS) / (B_AXIS * B_AXIS);
/** directInto's answer: longitude (unrolled from the start's), latitude. */
const direct = new Float64Array(2);

/**
 * Vincenty's direct solution (1975) into `direct`, with no allocation: geographiclib's Direct
 * builds a line object of some 30 boxed numbers per call (1.6 KB), so a 5 km disc's 500 points
 * were 400 KB, most of what a clipping decision allocated, and the young-generation collections
 * that brought landed inside decisions (issue 12). Hand-written for that hot path only; within
 * 1e-11° of geographiclib up to 100 km (geodesy.test.ts), and geodesicDisc leaves longer radii
 * and the poles to geographiclib.
 */
function directInto(lat: number, lon: number, azi: number, s: number): void {
  const f = WGS84.f;
  const sa1 = Math.sin(azi * D2R);
  const ca1 = Math.cos(azi * D2R);
  const tanU1 = (1 - f) * Math.tan(lat * D2R);
  const cosU1 = 1 / Math.sqrt(1 + tanU1 * tanU1);
  const sinU1 = tanU1 * cosU1;
  const sig1 = Math.atan2(tanU1, ca1);
  const sina = cosU1 * sa1;
  const cos2a = 1 - sina * sina;
  const u2 = cos2a * EP2;
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const sig0 = s / (B_AXIS * A);
  let sig = sig0;
  let c2m = 0;
  let ss = 0;
  let cs = 0;
  for (let it = 0; it < 50; it++) {
    c2m = Math.cos(2 * sig1 + sig);
    ss = Math.sin(sig);
    cs = Math.cos(sig);
    const ds = B * ss * (c2m + (B / 4) * (cs * (2 * c2m * c2m - 1) - (B / 6) * c2m * (4 * ss * ss - 3) * (4 * c2m * c2m - 3)));
    const next = sig0 + ds;
    const done = Math.abs(next - sig) <= 1e-15;
    sig = next;
    if (done) break;
  }
  c2m = Math.cos(2 * sig1 + sig);
  ss = Math.sin(sig);
  cs = Math.cos(sig);
  const x = sinU1 * ss - cosU1 * cs * ca1;
  const lat2 = Math.atan2(sinU1 * cs + cosU1 * ss * ca1, (1 - f) * Math.sqrt(sina * sina + x * x));
  const lam = Math.atan2(ss * sa1, cosU1 * cs - sinU1 * ss * ca1);
  const C = (f / 16) * cos2a * (4 + f * (4 - 3 * cos2a));
  const L = lam - (1 - C) * f * sina * (sig + C * ss * (c2m + C * cs * (2 * c2m * c2m - 1)));
  direct[0] = lon + L / D2R;
  direct[1] = lat2 / D2R;
}

/** Beyond these, geodesicDisc and geodesicDistanceM use geographiclib (Vincenty's series loses digits on long lines, and near the poles). */
const VINCENTY_MAX_M = 100_000;
const VINCENTY_MAX_LAT = 89;

/**
 * A closed counter-clockwise ring of `segments` points at exactly radiusM from the centre (the
 * direct geodesic problem), as x, y pairs: the vetting path's form (an array per position was a
 * fifth of what a disc's clipping decision allocated).
 */
export function geodesicDiscXY(lon: number, lat: number, radiusM: number, segments = 64): Float64Array {
  const ring = new Float64Array(2 * (segments + 1));
  const fast = radiusM <= VINCENTY_MAX_M && Math.abs(lat) <= VINCENTY_MAX_LAT;
  // Azimuths run clockwise from north, so walk them backwards for a counter-clockwise ring. The
  // ellipsoid is symmetric about the centre's meridian: the point at azimuth −a mirrors the one
  // at a in longitude, so only the eastern half is solved.
  for (let i = 0; i <= segments >> 1; i++) {
    const azi = (360 * i) / segments;
    if (fast) directInto(lat, lon, azi, radiusM);
    else {
      const r = WGS84.Direct(lat, lon, azi, radiusM, POSITION);
      direct[0] = r.lon2!;
      direct[1] = r.lat2!;
    }
    const k = (segments - i) % segments;
    ring[2 * k] = direct[0];
    ring[2 * k + 1] = direct[1];
    if (i > 0 && 2 * i !== segments) {
      ring[2 * i] = 2 * lon - direct[0];
      ring[2 * i + 1] = direct[1];
    }
  }
  ring[2 * segments] = ring[0];
  ring[2 * segments + 1] = ring[1];
  return ring;
}

/** geodesicDisc as positions. */
export function geodesicDisc(lon: number, lat: number, radiusM: number, segments = 64): [number, number][] {
  const xy = geodesicDiscXY(lon, lat, radiusM, segments);
  return Array.from({ length: segments + 1 }, (_, k) => [xy[2 * k], xy[2 * k + 1]]);
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
