// Clusters of incidents for the map, with exact counts (pure: typed arrays in, cells out).
//
// The incidents are held by columns (ClusterColumns, kept by cluster-index.ts) and every request
// scans them all: a million rows are a few milliseconds of typed-array reads, and a scan answers
// any mix of filters and any caller's visibility without an index per combination. The view is
// cut into the cells of a Web Mercator grid (CELL_PX pixels at the zoom asked); each incident in
// the view falls in exactly one cell, and a cell counts only what lies in the view, so the counts
// of the clusters of a view add up to the number of incidents in it, at every zoom.
//
// "In the view" is PostGIS's `location && ST_MakeEnvelope(bbox)` (the list's bbox filter), which
// compares float4 boxes rounded outwards (a point's box is [next float down, next float up] of
// each coordinate, and so is the envelope's). The scan compares the same float4 boxes, so a point
// on or within a float4 step of the edge is in or out exactly as the SQL has it.
//
// Visibility is store.ts's `where()` (visibility.ts as SQL) written over the columns: the desk sees
// all; otherwise what is published, and for a liaison what names its party (perpetrator or
// target) or what its party was asked about (a merged incident's requests belong to its
// successor). Merged incidents only when asked for by status.

/** Web Mercator coordinates are kept at this level: 2^26 units per axis (about 0.6 m at the equator). */
export const MERC_BITS = 26;
/** A cluster cell is 2^CELL_BITS cells of a 256-pixel tile across: 64 px. */
export const CELL_BITS = 2;
export const CELL_PX = 256 >> CELL_BITS;
export const MAX_ZOOM = MERC_BITS - CELL_BITS;
/** Web Mercator's latitude limit. */
export const MAX_LAT = 85.0511287798066;

/** Bits of ClusterColumns.flags. */
export const PUBLISHED = 1;
export const LOCATED = 2;
/** Some party was asked about it (the scan then looks it up in `requested`). */
export const REQUESTED = 4;
/** A slot that holds no incident (never filled). */
export const EMPTY = 8;

/** Not a party, not a grade: the "none" of the small-integer columns. */
export const NONE = 0xffff;

export interface ClusterColumns {
  /** Rows 0..n-1 are incidents. */
  n: number;
  /** Each point's float4 box, as PostGIS compares it. */
  xLo: Float32Array;
  xHi: Float32Array;
  yLo: Float32Array;
  yHi: Float32Array;
  /** Web Mercator at MERC_BITS: x east from -180°, y south from MAX_LAT. */
  mx: Uint32Array;
  my: Uint32Array;
  /** The window, in epoch milliseconds: from rounded up, to rounded down (so whole-millisecond comparisons are exact). */
  from: Float64Array;
  to: Float64Array;
  /** Indices into the index's dictionaries of event types, statuses and grades (grade NONE: none). */
  type: Uint8Array;
  status: Uint8Array;
  grade: Uint16Array;
  flags: Uint8Array;
  /** Parties named (perpetrators and targets), as bits of party indices 0..31 and 32..63. */
  named0: Uint32Array;
  named1: Uint32Array;
  /** The first perpetrator (colour of a single incident), NONE when none. */
  perp: Uint16Array;
  /** Rows naming a party of index 64 or more: row → those indices. */
  namedMore: Map<number, number[]>;
  /** Party index → rows its party was asked about (only rows with REQUESTED set are looked up). */
  requested: Map<number, Set<number>>;
}

export type ScanVisibility = { all: true } | { all: false; party: number | null };

export interface ClusterQuery {
  bbox: [number, number, number, number];
  zoom: number;
  /** Epoch milliseconds (whole): the incident's window ends at or after `from`, starts at or before `to`. */
  from?: number;
  to?: number;
  /** Dictionary indices; -1 for a value no incident has (nothing matches). */
  type?: number;
  status?: number;
  grade?: number;
  party?: number;
  /** The status index of 'merged' (-1 when none is merged yet): left out unless asked for. */
  merged: number;
  visibility: ScanVisibility;
}

export interface Cluster {
  count: number;
  /** The mean position of its incidents. */
  lon: number;
  lat: number;
  /** The box of its incidents [w, s, e, n]: zoom to it to see them apart. */
  bounds: [number, number, number, number];
  /** The row of its (first) incident: a single one is drawn as itself. */
  row: number;
}

export interface ClusterResult {
  zoom: number;
  clusters: Cluster[];
  /** Incidents in the view (the sum of the clusters' counts). */
  inView: number;
  /** Incidents matching the filters anywhere, with a location and without one. */
  located: number;
  unlocated: number;
}

// ---- float4 rounding as PostGIS does it (next_float_down / next_float_up of g_box.c)

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

function stepFloat(f: number, up: boolean): number {
  f32[0] = f;
  if (f === 0) i32[0] = up ? 1 : -0x7fffffff;
  else if (f > 0 === up) i32[0] += 1;
  else i32[0] -= 1;
  return f32[0];
}

/** The largest float4 at or below d. */
export function floatDown(d: number): number {
  const f = Math.fround(d);
  return f <= d ? f : stepFloat(f, false);
}

/** The smallest float4 at or above d. */
export function floatUp(d: number): number {
  const f = Math.fround(d);
  return f >= d ? f : stepFloat(f, true);
}

// ---- Web Mercator

const SCALE = 2 ** MERC_BITS;

export function mercX(lon: number): number {
  const x = Math.floor(((lon + 180) / 360) * SCALE);
  return Math.min(SCALE - 1, Math.max(0, x));
}

export function mercY(lat: number): number {
  const l = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(l) + 1 / Math.cos(l)) / Math.PI) / 2) * SCALE);
  return Math.min(SCALE - 1, Math.max(0, y));
}

/** The most cells a view may be across (either way) at its zoom: 256 cells of 64 px, a screen of 16,384 px. */
export const MAX_CELLS = 256;

/** How many cells the view is across, west–east and north–south, at the zoom. */
export function viewCells(bbox: readonly [number, number, number, number], zoom: number): [number, number] {
  const shift = MERC_BITS - (gridZoom(zoom) + CELL_BITS);
  return [(mercX(bbox[2]) >>> shift) - (mercX(bbox[0]) >>> shift) + 1, (mercY(bbox[1]) >>> shift) - (mercY(bbox[3]) >>> shift) + 1];
}

/** The zoom a request asks for, as a whole level of the grid (0..MAX_ZOOM). */
export const gridZoom = (zoom: number): number => Math.max(0, Math.min(MAX_ZOOM, Math.floor(zoom)));

/** Whether row i passes the filters and the visibility (everything but the view). */
function matcher(c: ClusterColumns, q: ClusterQuery): (i: number) => boolean {
  const { from, to, type, status, grade, party, merged, visibility: v } = q;
  const inMask = (i: number, p: number) => (p < 32 ? (c.named0[i] >>> p) & 1 : p < 64 ? (c.named1[i] >>> (p - 32)) & 1 : c.namedMore.get(i)?.includes(p) ? 1 : 0) === 1;
  const asked = !v.all && v.party !== null ? c.requested.get(v.party) : undefined;
  const liaison = !v.all && v.party !== null ? v.party : -1;
  return (i) => {
    const f = c.flags[i];
    if (f & EMPTY) return false;
    if (status !== undefined ? c.status[i] !== status : c.status[i] === merged) return false;
    if (from !== undefined && c.to[i] < from) return false;
    if (to !== undefined && c.from[i] > to) return false;
    if (type !== undefined && c.type[i] !== type) return false;
    if (grade !== undefined && c.grade[i] !== grade) return false;
    if (party !== undefined && (party < 0 || !inMask(i, party))) return false;
    if (!v.all && !(f & PUBLISHED)) {
      if (liaison < 0) return false;
      if (!inMask(i, liaison) && !(f & REQUESTED && asked?.has(i))) return false;
    }
    return true;
  };
}

/** The clusters of the view at the zoom, of the incidents the query lets through. */
export function scanClusters(c: ClusterColumns, q: ClusterQuery): ClusterResult {
  const zoom = gridZoom(q.zoom);
  const shift = MERC_BITS - (zoom + CELL_BITS);
  const [w, s, e, n] = q.bbox;
  // the envelope's float4 box
  const bx0 = floatDown(w);
  const bx1 = floatUp(e);
  const by0 = floatDown(s);
  const by1 = floatUp(n);
  // the cells the view touches (a point a float4 step outside still lands in an edge cell): a
  // screenful, MAX_CELLS across at most (the route refuses larger views), counted in a dense grid
  const cx0 = mercX(w) >>> shift;
  const cx1 = mercX(e) >>> shift;
  const cy0 = mercY(n) >>> shift;
  const cy1 = mercY(s) >>> shift;
  const width = cx1 - cx0 + 1;
  const cells = width * (cy1 - cy0 + 1);
  if (width > MAX_CELLS || cy1 - cy0 + 1 > MAX_CELLS) throw new RangeError(`the view is more than ${MAX_CELLS} cells across at zoom ${zoom}`);
  const count = new Uint32Array(cells);
  const first = new Int32Array(cells);
  const sx = new Float64Array(cells);
  const sy = new Float64Array(cells);
  const minX = new Float64Array(cells);
  const minY = new Float64Array(cells);
  const maxX = new Float64Array(cells);
  const maxY = new Float64Array(cells);
  const ok = matcher(c, q);
  let located = 0;
  let unlocated = 0;
  let inView = 0;
  const { xLo, xHi, yLo, yHi, mx, my, flags } = c;
  for (let i = 0; i < c.n; i++) {
    if (!ok(i)) continue;
    if (!(flags[i] & LOCATED)) {
      unlocated++;
      continue;
    }
    located++;
    if (xLo[i] > bx1 || xHi[i] < bx0 || yLo[i] > by1 || yHi[i] < by0) continue;
    inView++;
    const cx = Math.min(cx1, Math.max(cx0, mx[i] >>> shift)) - cx0;
    const cy = Math.min(cy1, Math.max(cy0, my[i] >>> shift)) - cy0;
    const k = cy * width + cx;
    const x = (xLo[i] + xHi[i]) / 2;
    const y = (yLo[i] + yHi[i]) / 2;
    if (count[k]++ === 0) {
      first[k] = i;
      minX[k] = maxX[k] = x;
      minY[k] = maxY[k] = y;
    } else {
      if (x < minX[k]) minX[k] = x;
      if (x > maxX[k]) maxX[k] = x;
      if (y < minY[k]) minY[k] = y;
      if (y > maxY[k]) maxY[k] = y;
    }
    sx[k] += x;
    sy[k] += y;
  }
  const clusters: Cluster[] = [];
  for (let k = 0; k < cells; k++) {
    const m = count[k];
    if (!m) continue;
    const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
    clusters.push({ count: m, lon: r6(sx[k] / m), lat: r6(sy[k] / m), bounds: [r6(minX[k]), r6(minY[k]), r6(maxX[k]), r6(maxY[k])], row: first[k] });
  }
  return { zoom, clusters, inView, located, unlocated };
}
