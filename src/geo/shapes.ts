// Prepared geometries for the vetting hot path: exact planar "meets" tests in lon/lat (as PostGIS
// `geometry` ST_Intersects, boundary included) and geodesic distances as PostGIS `geography`
// ST_Distance computes them (edges are great-circle arcs; the nearest point is found on the sphere,
// then measured on the WGS 84 ellipsoid with geographiclib). Hand-written throughout: this is the
// hot path, and nothing here allocates per query except the rare fallbacks.
//
// Limits: longitudes are taken as they come (no antimeridian wrapping); a geometry crossing ±180°
// is treated as planar in lon/lat, like PostGIS `geometry` does.
import { MEAN_RADIUS_M, geodesicDistanceM, metresToDegrees, shortDistanceM } from './geodesy.ts';

export type Position = [number, number];
export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** What a protected site or corridor is to vetting: something with a box and geodesic distances. */
export interface Shape {
  bbox: BBox;
  distanceM(lon: number, lat: number, maxM?: number): number;
  withinM(lon: number, lat: number, m: number): boolean;
  distanceToAreaM(a: PreparedArea, maxM?: number): number;
  withinAreaM(a: PreparedArea, m: number): boolean;
}

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
// Math.hypot gathers its arguments into a fresh array on every call (V8): on the distance paths
// that was a tenth of what a slow decision allocated. Metre-scale planar lengths cannot overflow.
const planar = (x: number, y: number) => Math.sqrt(x * x + y * y);

/** Twice the signed area of (a, b, p): > 0 when p is left of a→b. */
function orient(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/** Closed segments ab and cd share a point (crossing, touching or overlapping). */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = orient(cx, cy, dx, dy, ax, ay);
  const d2 = orient(cx, cy, dx, dy, bx, by);
  if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) return false;
  const d3 = orient(ax, ay, bx, by, cx, cy);
  const d4 = orient(ax, ay, bx, by, dx, dy);
  if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) return false;
  if (d1 === 0 && d2 === 0 && d3 === 0 && d4 === 0) {
    // Collinear: they meet when their extents overlap on both axes.
    return Math.max(ax, bx) >= Math.min(cx, dx) && Math.max(cx, dx) >= Math.min(ax, bx) && Math.max(ay, by) >= Math.min(cy, dy) && Math.max(cy, dy) >= Math.min(ay, by);
  }
  return true;
}

function boxesMeet(a: BBox, b: BBox): boolean {
  return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}

/** The box of everything within m metres of (lon, lat). */
function around(lon: number, lat: number, m: number): BBox {
  const { dLon, dLat } = metresToDegrees(lat, m);
  return { minX: lon - dLon, minY: lat - dLat, maxX: lon + dLon, maxY: lat + dLat };
}

function grow(b: BBox, m: number): BBox {
  const { dLon, dLat } = metresToDegrees(Math.max(Math.abs(b.minY), Math.abs(b.maxY)), m);
  return { minX: b.minX - dLon, minY: b.minY - dLat, maxX: b.maxX + dLon, maxY: b.maxY + dLat };
}

/** Sphere angle (radians) from the proxy 1 - cos(angle) used to rank candidates. */
function proxyToMetres(proxy: number): number {
  return 2 * Math.asin(Math.min(1, Math.sqrt(proxy / 2))) * MEAN_RADIUS_M;
}

// A candidate's sphere distance converted to metres can be up to ~0.6% shorter than its geodesic
// length (the ellipsoid's radii of curvature span 6,335–6,400 km around the 6,371 km mean); searches
// grow their box by this factor so that no nearer candidate is left outside.
const SPHERE_SLACK = 1.01;

/**
 * Vertices and edges of rings or a line, flat: xy holds every position (rings closed), edge k runs
 * from vertex start[k] to start[k] + 1. Nothing per edge is kept beyond that and the cell lists of
 * its Grid: an edge's great-circle data is worked out when a search reaches it (a few products and
 * four trigonometric calls), which keeps a country's front lines at front-line detail in well under
 * a gigabyte (issue 12: the per-edge normals and R-tree took 140 bytes an edge).
 */
export class EdgeSet {
  readonly xy: Float64Array;
  readonly start: Int32Array;
  /** First vertex of each ring (or of the line). */
  readonly firstVertex: Int32Array;
  /** Box of the vertices (what planar tests need). */
  readonly vbox: BBox;
  /** Box of the great-circle arcs (what distance prefilters need): the vertices' box plus arc bulges. */
  readonly abox: BBox;
  /** The most any arc bulges in latitude beyond its ends (degrees): searches in the planar grid grow by it. */
  readonly bulge: number;
  private grid_: Grid | null = null;
  /** The edge (start vertex) the last rough nearest-edge search here found, or −1: the next one's first candidate. */
  lastNearest = -1;
  private readonly closed: boolean;

  /** paths: as positions, or as flat x, y pairs (a disc target's ring, made without an array per position). */
  constructor(paths: (Position[] | Float64Array)[], closed: boolean);
  constructor(parts: EdgeSetParts);
  constructor(paths: (Position[] | Float64Array)[] | EdgeSetParts, closed = true) {
    this.closed = closed;
    if (!Array.isArray(paths)) {
      ({ xy: this.xy, start: this.start, firstVertex: this.firstVertex, vbox: this.vbox, abox: this.abox, bulge: this.bulge } = paths);
      this.grid_ = Grid.from(paths.grid);
      return;
    }
    // Typed arrays filled directly: a number[] of millions of pushes costs more than the data.
    let room = 0;
    for (const p of paths) room += (p instanceof Float64Array ? p.length >> 1 : p.length) + 2;
    const xs = new Float64Array(2 * room);
    const starts = new Int32Array(room);
    const firsts: number[] = [];
    let nv = 0;
    let ne = 0;
    for (const path of paths) {
      const first = nv;
      let count = 0;
      const flat = path instanceof Float64Array;
      const len = flat ? path.length >> 1 : path.length;
      for (let k = 0; k < len; k++) {
        const x = flat ? path[2 * k] : (path as Position[])[k][0];
        const y = flat ? path[2 * k + 1] : (path as Position[])[k][1];
        // Repeated positions add nothing but zero-length edges.
        if (count > 0 && xs[2 * nv - 2] === x && xs[2 * nv - 1] === y) continue;
        xs[2 * nv] = x;
        xs[2 * nv + 1] = y;
        nv++;
        count++;
      }
      if (count === 0) continue;
      if ((closed && (xs[2 * nv - 2] !== xs[2 * first] || xs[2 * nv - 1] !== xs[2 * first + 1])) || count === 1) {
        // Close the ring; a lone position gets one zero-length edge, which keeps it measurable.
        xs[2 * nv] = xs[2 * first];
        xs[2 * nv + 1] = xs[2 * first + 1];
        nv++;
        count++;
      }
      firsts.push(first);
      for (let i = 0; i < count - 1; i++) starts[ne++] = first + i;
    }
    if (!ne) throw new Error('geometry has no positions');
    this.xy = xs.slice(0, 2 * nv);
    this.start = starts.slice(0, ne);
    this.firstVertex = Int32Array.from(firsts);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < this.xy.length; i += 2) {
      const x = this.xy[i];
      const y = this.xy[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.vbox = { minX, minY, maxX, maxY };
    let aMinY = minY;
    let aMaxY = maxY;
    let bulge = 0;
    for (let k = 0; k < this.start.length; k++) {
      const i = this.start[k];
      arcLatRange(this.xy, i);
      const lo = range[0];
      const hi = range[1]; // read, not destructured: destructuring a call's array allocated an iterator per edge
      if (lo < aMinY) aMinY = lo;
      if (hi > aMaxY) aMaxY = hi;
      const y0 = this.xy[2 * i + 1];
      const y1 = this.xy[2 * i + 3];
      bulge = Math.max(bulge, Math.min(y0, y1) - lo, hi - Math.max(y0, y1));
    }
    this.abox = { minX, minY: aMinY, maxX, maxY: aMaxY };
    this.bulge = bulge;
  }

  /**
   * Cells over vbox listing the edges that touch each (and, for rings, the point-in-polygon
   * references). Built on first use: most shapes an index prepares (at full size, 5,000 site
   * areas after a restart) are never reached by a search, and the grids were most of the build.
   */
  get grid(): Grid {
    return (this.grid_ ??= new Grid(this, this.closed));
  }

  get edgeCount(): number {
    return this.start.length;
  }

  /** The typed arrays and boxes, for a snapshot on disk (vetting/snapshot.ts); `new EdgeSet(parts)` takes them back without work. */
  parts(): EdgeSetParts {
    return { xy: this.xy, start: this.start, firstVertex: this.firstVertex, vbox: this.vbox, abox: this.abox, bulge: this.bulge, grid: this.grid.parts() };
  }

  /**
   * Every edge (by its start vertex i) listed in a cell that the box (grown by the arcs' bulge)
   * meets: every edge whose arc box meets it, and a few more; each once. Written into
   * out[0..n), n returned (out is not cut to n: resizing arrays costs more than the search).
   */
  edgesInto(minX: number, minY0: number, maxX: number, maxY0: number, out: number[]): number {
    const g = this.grid;
    const vb = this.vbox;
    const minY = minY0 - this.bulge;
    const maxY = maxY0 + this.bulge;
    if (minX > vb.maxX || maxX < vb.minX || minY > vb.maxY || maxY < vb.minY) return 0;
    return this.cellsInto(g, g.col(minX), g.col(maxX), g.row(minY), g.row(maxY), out);
  }

  /**
   * edgesInto for the box of the segment from vertex i of xy to vertex i + 1. The clipping path
   * asks this once per edge per other area: passed as four numbers, the box's doubles were boxed
   * on every call (and col/row's too), most of what a clipping decision allocated (issue 12).
   */
  edgesNearSegment(xy: Float64Array, i: number, out: number[]): number {
    const ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
    const minX = ax < bx ? ax : bx;
    const maxX = ax < bx ? bx : ax;
    const minY = (ay < by ? ay : by) - this.bulge;
    const maxY = (ay < by ? by : ay) + this.bulge;
    const vb = this.vbox;
    if (minX > vb.maxX || maxX < vb.minX || minY > vb.maxY || maxY < vb.minY) return 0;
    const g = this.grid;
    // Grid.col / row, inline (see above)
    let c0 = Math.floor((minX - g.x0) / g.cw);
    let c1 = Math.floor((maxX - g.x0) / g.cw);
    let r0 = Math.floor((minY - g.y0) / g.ch);
    let r1 = Math.floor((maxY - g.y0) / g.ch);
    c0 = c0 < 0 ? 0 : c0 >= g.nx ? g.nx - 1 : c0;
    c1 = c1 < 0 ? 0 : c1 >= g.nx ? g.nx - 1 : c1;
    r0 = r0 < 0 ? 0 : r0 >= g.ny ? g.ny - 1 : r0;
    r1 = r1 < 0 ? 0 : r1 >= g.ny ? g.ny - 1 : r1;
    // most segments the clipping path asks about lie in cells no edge of this set passes: no stamp then
    const cs = g.cellStart;
    let any = false;
    for (let r = r0; r <= r1 && !any; r++) any = cs[r * g.nx + c1 + 1] > cs[r * g.nx + c0];
    if (!any) return 0;
    return this.cellsInto(g, c0, c1, r0, r1, out);
  }

  /** Every edge listed in the cells [c0, c1] × [r0, r1], each once, into out[0..n). */
  private cellsInto(g: Grid, c0: number, c1: number, r0: number, r1: number, out: number[]): number {
    const stamp = nextStamp(this.xy.length >> 1);
    const cells = g.cellEdges;
    let n = 0;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * g.nx + c;
        for (let t = g.cellStart[cell], end = g.cellStart[cell + 1]; t < end; t++) {
          const i = cells[t];
          if (seen[i] === stamp) continue;
          seen[i] = stamp;
          out[n++] = i;
        }
      }
    }
    return n;
  }
}


/** What a snapshot keeps of an edge set (all of it: nothing is recomputed on load). */
export interface EdgeSetParts {
  xy: Float64Array;
  start: Int32Array;
  firstVertex: Int32Array;
  vbox: BBox;
  abox: BBox;
  bulge: number;
  grid: GridParts;
}

// One shared "seen" stamp per vertex for the searches: no per-set memory, no per-search allocation.
// A search is done before the next begins (the nested loops below walk vertices or keep their own arrays).
let seen = new Uint32Array(1024);
let stampNow = 0;
function nextStamp(n: number): number {
  if (seen.length < n) seen = new Uint32Array(Math.max(n, 2 * seen.length));
  if (++stampNow === 0xffffffff) {
    seen.fill(0);
    stampNow = 1;
  }
  return stampNow;
}

/** A point for unitOfVertex. */
const lonLat = new Float64Array(2);
/** The unit vector of vertex v of xy, read where it lies: as a call's arguments its two doubles were boxed (a target's edge set is built on the vetting path). */
function unitOfVertex(out: Float64Array, at: number, xy: Float64Array, v: number): void {
  const la = xy[2 * v + 1] * D2R;
  const lo = xy[2 * v] * D2R;
  const c = Math.cos(la);
  out[at] = c * Math.cos(lo);
  out[at + 1] = c * Math.sin(lo);
  out[at + 2] = Math.sin(la);
}

const tmp = new Float64Array(3);
// an edge's ends as unit vectors, and its great circle's unit normal n with the in-plane vectors
// u = n×A and w = B×n: a point p projects inside the arc exactly when p·u >= 0 and p·w >= 0
const ev = new Float64Array(6);
const en = new Float64Array(3);
const eu = new Float64Array(3);
const ew = new Float64Array(3);
/** Fills ev/en/eu/ew for the edge from vertex i; false for a zero-length edge (n undefined). */
function edgeFrame(xy: Float64Array, i: number): boolean {
  unitOfVertex(ev, 0, xy, i);
  unitOfVertex(ev, 3, xy, i + 1);
  const ax = ev[0], ay = ev[1], az = ev[2];
  const bx = ev[3], by = ev[4], bz = ev[5];
  // n = A × (B − A): the same normal as A × B, without the cancellation of two near-equal vectors.
  const dx = bx - ax, dy = by - ay, dz = bz - az;
  let nx = ay * dz - az * dy;
  let ny = az * dx - ax * dz;
  let nz = ax * dy - ay * dx;
  const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  if (len === 0) return false;
  nx /= len;
  ny /= len;
  nz /= len;
  en[0] = nx;
  en[1] = ny;
  en[2] = nz;
  eu[0] = ny * az - nz * ay;
  eu[1] = nz * ax - nx * az;
  eu[2] = nx * ay - ny * ax;
  ew[0] = by * nz - bz * ny;
  ew[1] = bz * nx - bx * nz;
  ew[2] = bx * ny - by * nx;
  return true;
}

const range = new Float64Array(2);
/** Latitude range of the great-circle arc from vertex i to i + 1 (wider than its ends when it bulges poleward). Returns a shared array. */
function arcLatRange(xy: Float64Array, i: number): Float64Array {
  const y0 = xy[2 * i + 1];
  const y1 = xy[2 * i + 3];
  let lo = y0 < y1 ? y0 : y1;
  let hi = y0 < y1 ? y1 : y0;
  range[0] = lo;
  range[1] = hi;
  if (xy[2 * i] === xy[2 * i + 2]) return range; // a meridian arc does not bulge
  unitOfVertex(ev, 0, xy, i);
  unitOfVertex(ev, 3, xy, i + 1);
  const ax = ev[0], ay = ev[1], az = ev[2], bx = ev[3], by = ev[4], bz = ev[5];
  const nx = ay * bz - az * by;
  const ny = az * bx - ax * bz;
  const nz = ax * by - ay * bx;
  // The northernmost point of the great circle: ẑ projected on its plane (unnormalised).
  const vx = -nz * nx;
  const vy = -nz * ny;
  const vz = nx * nx + ny * ny;
  if (vx === 0 && vy === 0 && vz === 0) return range;
  // It lies on the arc when it is between A and B: (A×V)·n >= 0 and (V×B)·n >= 0; −V likewise.
  const t1 = (ay * vz - az * vy) * nx + (az * vx - ax * vz) * ny + (ax * vy - ay * vx) * nz;
  const t2 = (vy * bz - vz * by) * nx + (vz * bx - vx * bz) * ny + (vx * by - vy * bx) * nz;
  const pad = 1e-9; // degrees (~0.1 mm): rounding of the extremum
  if (t1 >= 0 && t2 >= 0) hi = Math.max(hi, Math.atan2(vz, planar(vx, vy)) * R2D + pad);
  else if (t1 <= 0 && t2 <= 0) lo = Math.min(lo, -Math.atan2(vz, planar(vx, vy)) * R2D - pad);
  range[0] = lo;
  range[1] = hi;
  return range;
}

// ---- nearest boundary point on the sphere (hand-written: hot path) ----

// The running best of a nearest search; module scratch so searches allocate nothing.
let bestProxy = Infinity;
let bestSet: EdgeSet | null = null;
/** The best edge's start vertex. */
let bestEdge = -1;
/** 0: the arc's interior, 1: its start, 2: its end. */
let bestKind = 0;
/** The query point of the best pair (lon, lat) and its unit vector. */
let bestPx = 0;
let bestPy = 0;
const qv = new Float64Array(3);
let qLon = 0;
let qLat = 0;

function resetBest(): void {
  bestProxy = Infinity;
  bestSet = null;
  bestEdge = -1;
}

/**
 * Offers the edge of set s from vertex i for the query point in qv/qLon/qLat; ranks by
 * 1 − cos(sphere angle), computed without cancellation, as PostGIS's edge_distance_to_point ranks.
 */
function offerEdge(s: EdgeSet, i: number): void {
  const px = qv[0], py = qv[1], pz = qv[2];
  if (edgeFrame(s.xy, i) && px * eu[0] + py * eu[1] + pz * eu[2] >= 0 && px * ew[0] + py * ew[1] + pz * ew[2] >= 0) {
    const d = px * en[0] + py * en[1] + pz * en[2];
    const proxy = (d * d) / (1 + Math.sqrt(1 - d * d));
    if (proxy < bestProxy) {
      bestProxy = proxy;
      bestSet = s;
      bestEdge = i;
      bestKind = 0;
      bestPx = qLon;
      bestPy = qLat;
    }
    return;
  }
  // edgeFrame left the ends' unit vectors in ev (a zero-length edge too)
  let dx = px - ev[0], dy = py - ev[1], dz = pz - ev[2];
  const pa = (dx * dx + dy * dy + dz * dz) / 2;
  dx = px - ev[3];
  dy = py - ev[4];
  dz = pz - ev[5];
  const pb = (dx * dx + dy * dy + dz * dz) / 2;
  const proxy = pa <= pb ? pa : pb;
  if (proxy < bestProxy) {
    bestProxy = proxy;
    bestSet = s;
    bestEdge = i;
    bestKind = pa <= pb ? 1 : 2;
    bestPx = qLon;
    bestPy = qLat;
  }
}

function setQuery(lon: number, lat: number): void {
  qLon = lon;
  qLat = lat;
  lonLat[0] = lon;
  lonLat[1] = lat;
  unitOfVertex(qv, 0, lonLat, 0);
}

/** Offers every edge of s whose arc box meets box b. */
const offerScratch: number[] = [];
function offerEdgesIn(s: EdgeSet, b: BBox): void {
  const n = s.edgesInto(b.minX, b.minY, b.maxX, b.maxY, offerScratch);
  for (let k = 0; k < n; k++) offerEdge(s, offerScratch[k]);
}

function offerAllEdges(s: EdgeSet): void {
  for (let k = 0; k < s.start.length; k++) offerEdge(s, s.start[k]);
}

/** Geodesic metres from the best pair's query point to its nearest point on the sphere (PostGIS: spheroid_distance of the sphere's closest points). */
function bestDistanceM(rough = false): number {
  if (!bestSet) return Infinity;
  const s = bestSet;
  const i = bestEdge;
  let lon: number;
  let lat: number;
  if (bestKind === 1) {
    lon = s.xy[2 * i];
    lat = s.xy[2 * i + 1];
  } else if (bestKind === 2) {
    lon = s.xy[2 * i + 2];
    lat = s.xy[2 * i + 3];
  } else {
    edgeFrame(s.xy, i);
    const p = tmp;
    lonLat[0] = bestPx;
    lonLat[1] = bestPy;
    unitOfVertex(p, 0, lonLat, 0);
    const d = p[0] * en[0] + p[1] * en[1] + p[2] * en[2];
    const kx = p[0] - d * en[0];
    const ky = p[1] - d * en[1];
    const kz = p[2] - d * en[2];
    lat = Math.atan2(kz, planar(kx, ky)) * R2D;
    lon = Math.atan2(ky, kx) * R2D;
  }
  return rough ? shortDistanceM(bestPx, bestPy, lon, lat) : geodesicDistanceM(bestPx, bestPy, lon, lat);
}

/**
 * The best pair's geodesic metres, or, when even the shortest length it can have is past maxM,
 * that lower bound: callers take any value past maxM as "farther". Most candidates a search meets
 * are, and GeographicLib's Inverse allocated ~18 KB a call, half of everything a decision did.
 */
function bestDistanceWithin(maxM: number, rough = false): number {
  if (!bestSet) return Infinity;
  const low = proxyToMetres(bestProxy) / SPHERE_SLACK;
  return low > maxM ? low : bestDistanceM(rough);
}

// offerCell's bound and scales (bound, kx, ky, bulgeM), set by its caller: as arguments, its four
// doubles were boxed on every call.
const cellArgs = new Float64Array(4);
/**
 * Offers the edges of one grid cell not offered yet in this search (stamp), but for those surely
 * farther than the bound in cellArgs: a planar distance with the smallest metres per degree (kx, ky),
 * less the arcs' bulge, settles most of them without the sphere's trigonometry.
 */
function offerCell(s: EdgeSet, cell: number, stamp: number): void {
  const bound = cellArgs[0], kx = cellArgs[1], ky = cellArgs[2], bulgeM = cellArgs[3];
  const g = s.grid;
  const cells = g.cellEdges;
  const xy = s.xy;
  for (let t = g.cellStart[cell], end = g.cellStart[cell + 1]; t < end; t++) {
    const i = cells[t];
    if (seen[i] === stamp) continue;
    seen[i] = stamp;
    const px = (qLon - xy[2 * i]) * kx;
    const py = (qLat - xy[2 * i + 1]) * ky;
    const ex = (xy[2 * i + 2] - xy[2 * i]) * kx;
    const ey = (xy[2 * i + 3] - xy[2 * i + 1]) * ky;
    const l2 = ex * ex + ey * ey;
    const f = l2 > 0 ? Math.max(0, Math.min(1, (px * ex + py * ey) / l2)) : 0;
    if (planar(px - f * ex, py - f * ey) - bulgeM - 1 > bound) continue;
    offerEdge(s, i);
  }
}

// Metres per degree, lower bounds (WGS 84 meridian degree at the equator; the parallel's at the
// sphere's mean radius less 1%): what the nearest-first search below may skip on.
const M_PER_DEG_LAT_MIN = 110_574 * 0.99;
const M_PER_DEG_LON_EQ_MIN = 111_320 * 0.99;

/**
 * The nearest boundary distance from a point, or any value > maxM when it is farther than maxM.
 * Nearest first: the grid's cells in rings around the point's cell, until the next ring is surely
 * farther than the best found (or than maxM). A wide search (a coast 22 km out) then reads the
 * few cells near the nearest edge, not every edge within 22 km (hand-written: hot path).
 */
function pointToEdgesM(s: EdgeSet, lon: number, lat: number, maxM: number, anyWithin = false, rough = false): number {
  resetBest();
  setQuery(lon, lat);
  const g = s.grid;
  const vb = s.vbox;
  const ky = M_PER_DEG_LAT_MIN;
  const kx = M_PER_DEG_LON_EQ_MIN * Math.cos(Math.min(89.99, Math.max(Math.abs(vb.minY), Math.abs(vb.maxY), Math.abs(lat)) + s.bulge) * D2R);
  const bulgeM = s.bulge * ky;
  // from the point to the grid's box: no cell is nearer
  const outX = lon < vb.minX ? vb.minX - lon : lon > vb.maxX ? lon - vb.maxX : 0;
  const outY = lat < vb.minY - s.bulge ? vb.minY - s.bulge - lat : lat > vb.maxY + s.bulge ? lat - vb.maxY - s.bulge : 0;
  const toGrid = planar(outX * kx, outY * ky);
  if (toGrid > maxM) return Infinity;
  const c0 = g.col(lon);
  const r0 = g.row(lat);
  const rings = Math.max(c0, g.nx - 1 - c0, r0, g.ny - 1 - r0);
  const stamp = nextStamp(s.xy.length >> 1);
  // Rough searches come in runs of nearby points (a sea search's cells): the last one's nearest
  // edge first, and its length bounds this search from the start, so the rings below offer only
  // the edges about as near instead of every edge until one is found. Any edge is a bound, so a
  // stale one changes nothing. (Not for the other searches: there a far hint cost more than it saved.)
  if (rough && s.lastNearest >= 0) offerEdge(s, s.lastNearest);
  let checked = NaN;
  for (let k = 0; k <= rings; k++) {
    if (k > 0) {
      // every cell of ring k lies outside the square of the rings before it, and inside the grid
      const x1 = g.x0 + (c0 - k + 1) * g.cw;
      const x2 = g.x0 + (c0 + k) * g.cw;
      const y1 = g.y0 + (r0 - k + 1) * g.ch;
      const y2 = g.y0 + (r0 + k) * g.ch;
      const inside = lon >= x1 && lon <= x2 && lat >= y1 && lat <= y2;
      const margin = inside ? Math.min((lon - x1) * kx, (x2 - lon) * kx, (lat - y1) * ky, (y2 - lat) * ky) : 0;
      const lb = Math.max(toGrid, margin - bulgeM);
      const bound = bestSet ? Math.min(maxM, proxyToMetres(bestProxy) * SPHERE_SLACK) : maxM;
      if (lb > bound) break;
      // "is some edge within maxM?" is answered by the first one found
      if (anyWithin && bestSet && bestProxy !== checked) {
        checked = bestProxy; // measured once per new best: a far first candidate stays far
        const d = bestDistanceWithin(maxM);
        if (d <= maxM) return d;
      }
    }
    const rLo = Math.max(0, r0 - k);
    const rHi = Math.min(g.ny - 1, r0 + k);
    const cLo = Math.max(0, c0 - k);
    const cHi = Math.min(g.nx - 1, c0 + k);
    for (let r = rLo; r <= rHi; r++) {
      cellArgs[0] = bestSet ? Math.min(maxM, proxyToMetres(bestProxy) * SPHERE_SLACK) : maxM;
      cellArgs[1] = kx;
      cellArgs[2] = ky;
      cellArgs[3] = bulgeM;
      if (r === r0 - k || r === r0 + k) for (let c = cLo; c <= cHi; c++) offerCell(s, r * g.nx + c, stamp);
      else {
        if (c0 - k >= 0) offerCell(s, r * g.nx + c0 - k, stamp);
        if (k > 0 && c0 + k < g.nx) offerCell(s, r * g.nx + c0 + k, stamp);
      }
    }
  }
  if (rough && bestSet) s.lastNearest = bestEdge;
  return bestDistanceWithin(maxM, rough);
}

/** Offers, for every vertex of a near b (within r metres), b's edges near it. */
function offerVerticesToEdges(a: EdgeSet, b: EdgeSet, r: number): void {
  const bb = grow(b.abox, r);
  if (!boxesMeet(a.abox, bb)) return;
  const xy = a.xy;
  const g = a.grid;
  // Walk a's vertices in bb through its grid: a vertex counts in the one cell it lies in (so once),
  // and every vertex in bb lies in a cell bb meets. A path's last vertex starts no edge: taken apart.
  const c0 = g.col(bb.minX);
  const c1 = g.col(bb.maxX);
  const r0 = g.row(bb.minY);
  const r1 = g.row(bb.maxY);
  const visit = (t: number) => {
    const lon = xy[2 * t];
    const lat = xy[2 * t + 1];
    if (lon < bb.minX || lon > bb.maxX || lat < bb.minY || lat > bb.maxY) return;
    setQuery(lon, lat);
    offerEdgesIn(b, around(lon, lat, r));
  };
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const cell = row * g.nx + col;
      for (let t = g.cellStart[cell], end = g.cellStart[cell + 1]; t < end; t++) {
        const i = g.cellEdges[t];
        if (g.col(xy[2 * i]) === col && g.row(xy[2 * i + 1]) === row) visit(i);
      }
    }
  }
  for (let k = 0; k < a.firstVertex.length; k++) {
    const last = (k + 1 < a.firstVertex.length ? a.firstVertex[k + 1] : xy.length >> 1) - 1;
    visit(last);
  }
}

/** Geodesic distance between two edge sets that do not meet, vertex-to-edge both ways (as PostGIS). */
function edgesToEdgesM(a: EdgeSet, b: EdgeSet, maxM: number): number {
  resetBest();
  if (maxM < Infinity) {
    offerVerticesToEdges(a, b, maxM);
    offerVerticesToEdges(b, a, maxM);
    return bestDistanceWithin(maxM);
  }
  for (let r = 1000; r < 2.5e7; r *= 4) {
    offerVerticesToEdges(a, b, r);
    offerVerticesToEdges(b, a, r);
    if (bestSet && proxyToMetres(bestProxy) * SPHERE_SLACK <= r) return bestDistanceM();
  }
  resetBest();
  for (const [p, q] of [
    [a, b],
    [b, a],
  ]) {
    for (let t = 0; t < p.xy.length / 2; t++) {
      setQuery(p.xy[2 * t], p.xy[2 * t + 1]);
      offerAllEdges(q);
    }
  }
  return bestDistanceM();
}

/** Planar: some edge of a meets some edge of b (closed segments). */
function edgesMeet(a: EdgeSet, b: EdgeSet): boolean {
  if (!boxesMeet(a.vbox, b.vbox)) return false;
  // Walk the smaller set, query the larger one's grid.
  const [small, large] = a.edgeCount <= b.edgeCount ? [a, b] : [b, a];
  const g = large.grid;
  const sx = small.xy;
  const lx = large.xy;
  const lb = large.vbox;
  for (let k = 0; k < small.start.length; k++) {
    const i = 2 * small.start[k];
    const ax = sx[i], ay = sx[i + 1], bx = sx[i + 2], by = sx[i + 3];
    const minX = Math.min(ax, bx), maxX = Math.max(ax, bx), minY = Math.min(ay, by), maxY = Math.max(ay, by);
    if (minX > lb.maxX || maxX < lb.minX || minY > lb.maxY || maxY < lb.minY) continue;
    const c0 = g.col(minX);
    const c1 = g.col(maxX);
    const r1 = g.row(maxY);
    for (let r = g.row(minY); r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * g.nx + c;
        for (let t = g.cellStart[cell], end = g.cellStart[cell + 1]; t < end; t++) {
          const j = 2 * g.cellEdges[t];
          if (segmentsMeet(ax, ay, bx, by, lx[j], lx[j + 1], lx[j + 2], lx[j + 3])) return true;
        }
      }
    }
  }
  return false;
}

// ---- planar point-in-polygon grid (hand-written: hot path) ----
//
// The vertex box is cut into cells (about two per edge). Each cell lists the edges that touch it and
// knows whether a reference point R inside it, chosen well away from every edge, is inside. A query
// q in the cell is inside when R is, flipped once per edge that the segment R→q crosses: only the
// cell's edges can cross it. R's status comes from a half-open ray cast along its row. If R→q passes
// exactly through a vertex, the query falls back to a plain ray cast over all edges.

/** Offsets of candidate reference points within a cell (fractions in 0.25–0.75, first the centre). */
const FRAC = Array.from({ length: 64 }, (_, k) => 0.25 + (((0.5 + k * 0.6180339887498949) % 1) * 0.5));

/** A row's crossings while a grid is built (kept: the grids of targets are built on the vetting path). */
let rowXs = new Float64Array(256);

class Grid {
  readonly x0: number;
  readonly y0: number;
  readonly cw: number;
  readonly ch: number;
  readonly nx: number;
  readonly ny: number;
  /** Edges of cell c: vertex indices (edge start) cellEdges[cellStart[c] .. cellStart[c + 1]). */
  readonly cellStart: Int32Array;
  readonly cellEdges: Int32Array;
  /** Per cell: bits 0–5 the reference point's FRAC index in x; bit 7 set when it is inside (rings only). */
  readonly ref: Uint8Array;
  /** Per row: the reference points' y (rings only). */
  readonly rowY: Float64Array;

  static from(p: GridParts): Grid {
    return Object.assign(Object.create(Grid.prototype) as Grid, p);
  }

  parts(): GridParts {
    const { x0, y0, cw, ch, nx, ny, cellStart, cellEdges, ref, rowY } = this;
    return { x0, y0, cw, ch, nx, ny, cellStart, cellEdges, ref, rowY };
  }

  /** The column of x, clamped to the grid (as the cells were filled). */
  col(x: number): number {
    const c = Math.floor((x - this.x0) / this.cw);
    return c < 0 ? 0 : c >= this.nx ? this.nx - 1 : c;
  }

  row(y: number): number {
    const r = Math.floor((y - this.y0) / this.ch);
    return r < 0 ? 0 : r >= this.ny ? this.ny - 1 : r;
  }

  /** refs: also pick each cell's reference point for point in polygon (closed rings only). */
  constructor(s: EdgeSet, refs: boolean) {
    const { minX, minY, maxX, maxY } = s.vbox;
    const w = maxX - minX;
    const h = maxY - minY;
    const target = Math.min(1 << 21, Math.max(1, 2 * s.edgeCount));
    let nx: number;
    let ny: number;
    if (w <= 0 || h <= 0) {
      nx = w > 0 ? Math.min(4096, target) : 1;
      ny = h > 0 ? Math.min(4096, target) : 1;
    } else {
      nx = Math.max(1, Math.min(4096, Math.round(Math.sqrt((target * w) / h))));
      ny = Math.max(1, Math.min(4096, Math.round(target / nx)));
    }
    this.nx = nx;
    this.ny = ny;
    this.x0 = minX;
    this.y0 = minY;
    this.cw = w > 0 ? w / nx : 1;
    this.ch = h > 0 ? h / ny : 1;
    const xy = s.xy;
    const start = s.start;
    const cw = this.cw;
    const ch = this.ch;
    // Cells are padded by a billionth of their size so rounding at cell borders loses no edge.
    const ex = cw * 1e-9;
    const ey = ch * 1e-9;
    const ne = start.length;
    const counts = new Int32Array(nx * ny + 1);
    const rowCounts = new Int32Array(ny + 1);
    const cellStart = new Int32Array(nx * ny + 1);
    const rowStart = new Int32Array(ny + 1);
    let cellEdges = counts; // replaced after the counting pass
    let rowEdges = rowCounts;
    let fillCell = counts;
    let fillRow = rowCounts;
    // Two passes over the (row, columns) each edge passes through, its x-extent clipped to each
    // row's band: the first counts, the second fills. Written out rather than as a visitor with
    // callbacks: those boxed every double they were passed, and a target's grid is built on the
    // vetting path (issue 12).
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        for (let c = 0; c < nx * ny; c++) cellStart[c + 1] = cellStart[c] + counts[c];
        for (let r = 0; r < ny; r++) rowStart[r + 1] = rowStart[r] + rowCounts[r];
        cellEdges = new Int32Array(cellStart[nx * ny]);
        rowEdges = new Int32Array(rowStart[ny]);
        fillCell = cellStart.slice(0, nx * ny);
        fillRow = rowStart.slice(0, ny);
      }
      for (let k = 0; k < ne; k++) {
        const i = 2 * start[k];
        const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
        const r0 = Math.max(0, Math.min(ny - 1, Math.floor((Math.min(ay, by) - ey - minY) / ch)));
        const r1 = Math.max(0, Math.min(ny - 1, Math.floor((Math.max(ay, by) + ey - minY) / ch)));
        for (let r = r0; r <= r1; r++) {
          let lo = Math.min(ax, bx);
          let hi = Math.max(ax, bx);
          if (ay !== by && r0 !== r1) {
            const ta = (minY + r * ch - ey - ay) / (by - ay);
            const tb = (minY + (r + 1) * ch + ey - ay) / (by - ay);
            const t0 = Math.max(0, Math.min(ta, tb));
            const t1 = Math.min(1, Math.max(ta, tb));
            const xa = ax + t0 * (bx - ax);
            const xb = ax + t1 * (bx - ax);
            lo = Math.max(lo, Math.min(xa, xb));
            hi = Math.min(hi, Math.max(xa, xb));
          }
          const c0 = Math.max(0, Math.min(nx - 1, Math.floor((lo - ex - minX) / cw)));
          const c1 = Math.max(0, Math.min(nx - 1, Math.floor((hi + ex - minX) / cw)));
          if (pass === 0) {
            rowCounts[r]++;
            for (let c = c0; c <= c1; c++) counts[r * nx + c]++;
          } else {
            rowEdges[fillRow[r]++] = start[k];
            for (let c = c0; c <= c1; c++) cellEdges[fillCell[r * nx + c]++] = start[k];
          }
        }
      }
    }
    this.cellStart = cellStart;
    this.cellEdges = cellEdges;

    // Reference points, row by row.
    this.ref = new Uint8Array(refs ? nx * ny : 0);
    this.rowY = new Float64Array(refs ? ny : 0);
    if (!refs) return;
    for (let r = 0; r < ny; r++) {
      // A row line through no vertex: then the boundary meets it only at the crossings below.
      let ry = minY + ch * (r + 0.5);
      for (let f = 0; f < FRAC.length; f++) {
        ry = minY + ch * (r + FRAC[f]);
        let clear = true;
        for (let t = rowStart[r]; t < rowStart[r + 1] && clear; t++) {
          const i = 2 * rowEdges[t];
          if (xy[i + 1] === ry || xy[i + 3] === ry) clear = false;
        }
        if (clear) break;
      }
      this.rowY[r] = ry;
      let nxs = 0;
      if (rowXs.length < rowStart[r + 1] - rowStart[r]) rowXs = new Float64Array(2 * (rowStart[r + 1] - rowStart[r]));
      for (let t = rowStart[r]; t < rowStart[r + 1]; t++) {
        const i = 2 * rowEdges[t];
        const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
        if (ay > ry !== by > ry) rowXs[nxs++] = ax + ((ry - ay) * (bx - ax)) / (by - ay);
      }
      const sorted = rowXs.subarray(0, nxs).sort();
      let left = 0; // crossings left of the reference point; rx grows with c
      for (let c = 0; c < nx; c++) {
        const cell = r * nx + c;
        // Pick the candidate farthest from the cell's edges (the first one clear by 1e-6 cell wins).
        let bestF = 0;
        let bestGap = -1;
        const need = 1e-6 * (cw + ch);
        for (let f = 0; f < FRAC.length; f++) {
          const rx = minX + cw * (c + FRAC[f]);
          let gap = Infinity;
          for (let t = this.cellStart[cell]; t < this.cellStart[cell + 1]; t++) {
            const i = 2 * this.cellEdges[t];
            gap = Math.min(gap, segmentDistance(rx, ry, xy[i], xy[i + 1], xy[i + 2], xy[i + 3]));
          }
          if (gap > bestGap) {
            bestGap = gap;
            bestF = f;
          }
          if (gap > need) break;
        }
        const rx = minX + cw * (c + FRAC[bestF]);
        while (left < sorted.length && sorted[left] < rx) left++;
        this.ref[cell] = bestF | (left % 2 === 1 ? 128 : 0);
      }
    }
  }
}

/** What a snapshot keeps of a grid. */
export interface GridParts {
  x0: number;
  y0: number;
  cw: number;
  ch: number;
  nx: number;
  ny: number;
  cellStart: Int32Array;
  cellEdges: Int32Array;
  ref: Uint8Array;
  rowY: Float64Array;
}

/**
 * The same parts with every typed array in one SharedArrayBuffer: posted to a worker thread they
 * are shared, not copied (a designated group's front line is megabytes, and copying it for each
 * clipping job held the event loop for longer than the job took). Parts already shared are
 * returned as they are.
 */
export function sharedParts(p: EdgeSetParts): EdgeSetParts {
  const arrays = [p.xy, p.start, p.firstVertex, p.grid.cellStart, p.grid.cellEdges, p.grid.ref, p.grid.rowY];
  if (arrays.every((a) => a.buffer instanceof SharedArrayBuffer)) return p;
  const pad8 = (n: number) => (n + 7) & ~7;
  const sab = new SharedArrayBuffer(arrays.reduce((n, a) => n + pad8(a.byteLength), 0));
  let at = 0;
  const copy = <T extends Float64Array | Int32Array | Uint8Array>(a: T, Make: new (b: SharedArrayBuffer, o: number, n: number) => T): T => {
    const out = new Make(sab, at, a.length);
    out.set(a);
    at += pad8(a.byteLength);
    return out;
  };
  const g = p.grid;
  return {
    xy: copy(p.xy, Float64Array),
    start: copy(p.start, Int32Array),
    firstVertex: copy(p.firstVertex, Int32Array),
    vbox: p.vbox,
    abox: p.abox,
    bulge: p.bulge,
    grid: { ...g, cellStart: copy(g.cellStart, Int32Array), cellEdges: copy(g.cellEdges, Int32Array), ref: copy(g.ref, Uint8Array), rowY: copy(g.rowY, Float64Array) },
  };
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  return planar(px - ax - t * dx, py - ay - t * dy);
}

/** Boundary-inclusive point in polygon over all edges: the fallback for degenerate grid queries. */
function rayCastAll(s: EdgeSet, x: number, y: number): boolean {
  const xy = s.xy;
  let inside = false;
  for (let k = 0; k < s.start.length; k++) {
    const i = 2 * s.start[k];
    const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
    if (orient(ax, ay, bx, by, x, y) === 0 && x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) return true;
    if (ay > y !== by > y && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
  }
  return inside;
}

// ---- the shapes ----

/** contains()' point, handed to containsAt. */
const at = new Float64Array(2);

export class PreparedArea implements Shape {
  readonly bbox: BBox;
  readonly vertexCount: number;
  /** @internal */
  readonly edges: EdgeSet;

  /** polygons: MultiPolygon coordinates (a Polygon is [rings]); rings may be open or closed, either winding. */
  constructor(polygons: Position[][][] | EdgeSet) {
    this.edges = polygons instanceof EdgeSet ? polygons : new EdgeSet(polygons.flat(), true);
    // Every ring is closed, so each has one more position than vertices.
    this.vertexCount = this.edges.xy.length / 2 - this.edges.firstVertex.length;
    this.bbox = this.edges.abox;
  }

  private get grid(): Grid {
    return this.edges.grid;
  }

  /** For a snapshot on disk: everything the area is made of, as typed arrays. */
  parts(): EdgeSetParts {
    return this.edges.parts();
  }

  static fromParts(p: EdgeSetParts): PreparedArea {
    return new PreparedArea(new EdgeSet(p));
  }

  /** This area with its arrays in shared memory (sharedParts): what an index keeps, so that workers read it without a copy. */
  shared(): PreparedArea {
    const p = this.parts();
    const s = sharedParts(p);
    return s === p ? this : PreparedArea.fromParts(s);
  }

  /** The rings (closed), rebuilt from the prepared arrays: each polygon's outer ring, then its holes, as given. */
  rings(): Position[][] {
    const xy = this.edges.xy;
    const f = this.edges.firstVertex;
    const out: Position[][] = [];
    for (let k = 0; k < f.length; k++) {
      const end = k + 1 < f.length ? f[k + 1] : xy.length >> 1;
      const ring: Position[] = [];
      for (let i = f[k]; i < end; i++) ring.push([xy[2 * i], xy[2 * i + 1]]);
      out.push(ring);
    }
    return out;
  }

  /** Planar point in polygon, holes respected, boundary inclusive (hand-written: hot path). */
  contains(lon: number, lat: number): boolean {
    at[0] = lon;
    at[1] = lat;
    return this.containsAt(at, 0);
  }

  /**
   * contains() for the point (p[2k], p[2k + 1]). The clipping path tests every piece's midpoint
   * against every other area: its coordinates stay in a typed array, where as arguments each
   * call boxed two doubles (issue 12).
   */
  containsAt(p: Float64Array, k: number): boolean {
    const lon = p[2 * k];
    const lat = p[2 * k + 1];
    const vb = this.edges.vbox;
    if (lon < vb.minX || lon > vb.maxX || lat < vb.minY || lat > vb.maxY) return false;
    const g = this.grid;
    let c = Math.floor((lon - g.x0) / g.cw);
    if (c >= g.nx) c = g.nx - 1;
    let r = Math.floor((lat - g.y0) / g.ch);
    if (r >= g.ny) r = g.ny - 1;
    const cell = r * g.nx + c;
    const code = g.ref[cell];
    let inside = code >= 128;
    const end = g.cellStart[cell + 1];
    let t = g.cellStart[cell];
    if (t === end) return inside;
    const rx = g.x0 + g.cw * (c + FRAC[code & 63]);
    const ry = g.rowY[r];
    const xy = this.edges.xy;
    const cells = g.cellEdges;
    for (; t < end; t++) {
      const i = 2 * cells[t];
      const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
      const o2 = (bx - ax) * (lat - ay) - (by - ay) * (lon - ax);
      const o1 = (bx - ax) * (ry - ay) - (by - ay) * (rx - ax);
      if (o2 === 0) {
        // On the edge's line: on the boundary if within the edge; otherwise R→q meets the line only
        // at q, unless R is on that line too (R→q runs along the edge: fall back).
        if ((lon - ax) * (lon - bx) <= 0 && (lat - ay) * (lat - by) <= 0) return true;
        if (o1 === 0) return rayCastAll(this.edges, lon, lat);
        continue;
      }
      if (o1 > 0 === o2 > 0) continue;
      const o3 = (lon - rx) * (ay - ry) - (lat - ry) * (ax - rx);
      const o4 = (lon - rx) * (by - ry) - (lat - ry) * (bx - rx);
      if (o3 === 0 || o4 === 0) return rayCastAll(this.edges, lon, lat);
      if (o3 > 0 !== o4 > 0) inside = !inside;
    }
    return inside;
  }

  /** Planar: (lon, lat) lies exactly on an edge (a ring's boundary). */
  onBoundary(lon: number, lat: number): boolean {
    const xy = this.edges.xy;
    const n = this.edges.edgesInto(lon, lat, lon, lat, offerScratch);
    for (let k = 0; k < n; k++) {
      const i = offerScratch[k];
      const ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
      if (orient(ax, ay, bx, by, lon, lat) === 0 && (lon - ax) * (lon - bx) <= 0 && (lat - ay) * (lat - by) <= 0) return true;
    }
    return false;
  }

  distanceM(lon: number, lat: number, maxM = Infinity): number {
    if (maxM < Infinity && !boxesMeet(around(lon, lat, maxM), this.bbox)) return Infinity;
    if (this.contains(lon, lat)) return 0;
    return pointToEdgesM(this.edges, lon, lat, maxM);
  }

  /**
   * distanceM to within shortErrM (geodesy.ts) of its value: the same nearest point, its length
   * by shortDistanceM instead of Inverse (0 exactly when contained). For searches that compare
   * it with thresholds and ask distanceM only when the bound straddles one (borders.ts seaStates).
   */
  roughDistanceM(lon: number, lat: number, maxM: number): number {
    if (!boxesMeet(around(lon, lat, maxM), this.bbox)) return Infinity;
    if (this.contains(lon, lat)) return 0;
    return pointToEdgesM(this.edges, lon, lat, maxM, false, true);
  }

  withinM(lon: number, lat: number, m: number): boolean {
    if (!boxesMeet(around(lon, lat, m), this.bbox)) return false;
    if (this.contains(lon, lat)) return true;
    return pointToEdgesM(this.edges, lon, lat, m, true) <= m;
  }

  /** Planar intersection, touching included. */
  intersectsArea(other: PreparedArea): boolean {
    if (!boxesMeet(this.edges.vbox, other.edges.vbox)) return false;
    if (edgesMeet(this.edges, other.edges)) return true;
    // No edges meet: each ring lies wholly inside or outside the other area; one vertex per ring decides.
    for (const i of this.edges.firstVertex) if (other.contains(this.edges.xy[2 * i], this.edges.xy[2 * i + 1])) return true;
    for (const i of other.edges.firstVertex) if (this.contains(other.edges.xy[2 * i], other.edges.xy[2 * i + 1])) return true;
    return false;
  }

  distanceToAreaM(other: PreparedArea, maxM = Infinity): number {
    if (maxM < Infinity && !boxesMeet(grow(this.bbox, maxM), other.bbox)) return Infinity;
    if (this.intersectsArea(other)) return 0;
    return edgesToEdgesM(this.edges, other.edges, maxM);
  }

  withinAreaM(other: PreparedArea, m: number): boolean {
    return this.distanceToAreaM(other, m) <= m;
  }
}

export class PreparedLine implements Shape {
  readonly bbox: BBox;
  readonly vertexCount: number;
  /** @internal */
  readonly edges: EdgeSet;

  constructor(coords: Position[]) {
    this.edges = new EdgeSet([coords], false);
    this.vertexCount = this.edges.xy.length / 2;
    this.bbox = this.edges.abox;
  }

  distanceM(lon: number, lat: number, maxM = Infinity): number {
    if (maxM < Infinity && !boxesMeet(around(lon, lat, maxM), this.bbox)) return Infinity;
    return pointToEdgesM(this.edges, lon, lat, maxM);
  }

  withinM(lon: number, lat: number, m: number): boolean {
    return this.distanceM(lon, lat, m) <= m;
  }

  /** Planar: the line crosses, touches or lies in the area. */
  intersectsArea(area: PreparedArea): boolean {
    if (!boxesMeet(this.edges.vbox, area.edges.vbox)) return false;
    if (edgesMeet(this.edges, area.edges)) return true;
    return area.contains(this.edges.xy[0], this.edges.xy[1]);
  }

  distanceToAreaM(area: PreparedArea, maxM = Infinity): number {
    if (maxM < Infinity && !boxesMeet(grow(this.bbox, maxM), area.bbox)) return Infinity;
    if (this.intersectsArea(area)) return 0;
    return edgesToEdgesM(this.edges, area.edges, maxM);
  }

  withinAreaM(area: PreparedArea, m: number): boolean {
    return this.distanceToAreaM(area, m) <= m;
  }
}

export class PreparedPoint implements Shape {
  readonly bbox: BBox;
  constructor(
    readonly lon: number,
    readonly lat: number,
  ) {
    this.bbox = { minX: lon, minY: lat, maxX: lon, maxY: lat };
  }

  distanceM(lon: number, lat: number, maxM = Infinity): number {
    if (maxM < Infinity) {
      if (!boxesMeet(around(lon, lat, maxM), this.bbox)) return Infinity;
      // most candidates are clearly out of reach: a flat estimate (within 1% below 100 km) settles
      // them without the geodesic inverse; hand-written because it runs for every nearby site
      const kx = 111_320 * Math.cos(((lat + this.lat) / 2) * D2R);
      const flat = planar((lon - this.lon) * kx, (lat - this.lat) * 110_950);
      if (flat > maxM * 1.02 + 1) return flat;
    }
    return geodesicDistanceM(this.lon, this.lat, lon, lat);
  }

  withinM(lon: number, lat: number, m: number): boolean {
    return this.distanceM(lon, lat, m) <= m;
  }

  distanceToAreaM(a: PreparedArea, maxM = Infinity): number {
    return a.distanceM(this.lon, this.lat, maxM);
  }

  withinAreaM(a: PreparedArea, m: number): boolean {
    return a.withinM(this.lon, this.lat, m);
  }
}

export type PreparableGeometry = { type: 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon'; coordinates: any };

/** The prepared shape for a GeoJSON Point, LineString, Polygon or MultiPolygon. */
export function prepare(geometry: PreparableGeometry): Shape {
  switch (geometry.type) {
    case 'Point':
      return new PreparedPoint(geometry.coordinates[0], geometry.coordinates[1]);
    case 'LineString':
      return new PreparedLine(geometry.coordinates);
    case 'Polygon':
      return new PreparedArea([geometry.coordinates]);
    case 'MultiPolygon':
      return new PreparedArea(geometry.coordinates);
    default:
      throw new Error(`cannot prepare a ${(geometry as { type: string }).type}`);
  }
}
