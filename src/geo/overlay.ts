// Areas of boolean combinations of a few polygons near a target, without building the overlay:
// the area of a region is the sum, over the pieces of every boundary that bound it, of each
// piece's shoelace term (Green's theorem). Every boundary is split where the others cross or run
// along it; each piece's midpoint is tested against the other polygons with their prepared grids
// (point in polygon), and the two sides of a piece differ only in the polygons it bounds. Linear
// in the edges near the target, where a general overlay (polyclip-ts) took 100+ ms on a front
// line of thousands of vertices (issue 12). Hand-written: it is the vetting clipping path.
import { MEAN_RADIUS_M } from './geodesy.ts';
import type { EdgeSet, PreparedArea } from './shapes.ts';
import type { BBox } from './shapes.ts';

/** A region: inside every area whose bit is in `inside`, outside every one whose bit is in `outside`. */
export interface Region {
  inside: number;
  outside: number;
}

const ringSides = new WeakMap<EdgeSet, Int8Array>();
/**
 * Per ring, +1 when the area's interior is on the ring's left as stored, else −1. Each set is one
 * polygon: its first ring the outer one, the rest holes (as vetting's territory parts and targets are).
 */
function sides(s: EdgeSet): Int8Array {
  let out = ringSides.get(s);
  if (out) return out;
  const f = s.firstVertex;
  const xy = s.xy;
  out = new Int8Array(f.length);
  for (let k = 0; k < f.length; k++) {
    const end = (k + 1 < f.length ? f[k + 1] : xy.length >> 1) - 1;
    const x0 = xy[2 * f[k]];
    const y0 = xy[2 * f[k] + 1];
    let a = 0;
    for (let i = f[k]; i < end; i++) a += (xy[2 * i] - x0) * (xy[2 * i + 3] - y0) - (xy[2 * i + 2] - x0) * (xy[2 * i + 1] - y0);
    const ccw = a > 0;
    out[k] = (k === 0 ? ccw : !ccw) ? 1 : -1;
  }
  ringSides.set(s, out);
  return out;
}

/** The ring (index into firstVertex) that vertex i belongs to. */
function ringOf(s: EdgeSet, i: number): number {
  const f = s.firstVertex;
  let lo = 0;
  let hi = f.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Scratch for one edge at a time, reused across calls: the split parameters along the edge, and
// the stretches where another set's edge runs along it (its set, and whether that set's interior
// lies on the left of this edge's direction). Typed and kept, because a JS array of doubles that
// is emptied and sorted per edge boxed every value: a third of a slow decision went to the
// collector (issue 12).
let ts = new Float64Array(64);
let alongT0 = new Float64Array(16);
let alongT1 = new Float64Array(16);
let alongSet = new Int32Array(16);
let alongLeft = new Uint8Array(16);
// edge indices found in a box (edgesInto writes from 0 and says how many): kept, not grown anew
const edges: number[] = [];
const near: number[] = [];
/** A piece's midpoint, for containsAt (kept in a typed array: as arguments its doubles were boxed). */
const mid = new Float64Array(2);
/** The edges in the box, sorted. */
let order = new Int32Array(1024);
/** Per area: the last edge free of it (−2: none), and whether that edge lies inside it (1, 0; −1 not yet tested). */
const freeEdge = new Int32Array(32);
const freeIn = new Int8Array(32);

// The box's own coarse grid, built per call: per cell, a bit for each area with an edge whose box
// (grown by that area's arc bulge) touches the cell. An edge of one area asks the others' grids
// only for the areas whose bits its cells hold: with a few areas in the box, most edges were
// asked of every other area's grid in turn and found nothing, a third of a large clipping
// decision (issue 12). Kept between calls and grown, as the scratch above.
let cellBits = new Int32Array(1024);
let lgNx = 1;
let lgNy = 1;
let lgX0 = 0;
let lgY0 = 0;
let lgCw = 1;
let lgCh = 1;
/** The regions the last pair of sides adds to, and with which sign. */
let hitRegion = new Int32Array(64);
let hitSign = new Int8Array(64);
/** Areas of up to this many edges are scanned for the box's edges (tens of µs), larger ones searched through their grid. */
const SCAN_EDGES = 20_000;
/** Per area, where its edges start in `order` (n + 1 entries). */
const orderAt = new Int32Array(33);

const lgCol = (x: number) => {
  const c = Math.floor((x - lgX0) / lgCw);
  return c < 0 ? 0 : c >= lgNx ? lgNx - 1 : c;
};
const lgRow = (y: number) => {
  const r = Math.floor((y - lgY0) / lgCh);
  return r < 0 ? 0 : r >= lgNy ? lgNy - 1 : r;
};

/** The bits of the areas whose edges may lie near the segment from vertex i of xy, which lies in the box (its ends read here: passed, they were boxed). */
function bitsNear(xy: Float64Array, i: number): number {
  const ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
  const c0 = lgCol(ax < bx ? ax : bx);
  const c1 = lgCol(ax < bx ? bx : ax);
  const r0 = lgRow(ay < by ? ay : by);
  const r1 = lgRow(ay < by ? by : ay);
  let bits = 0;
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) bits |= cellBits[r * lgNx + c];
  return bits;
}

/** Fills the box's grid with the edges of every area that lie in it (order[orderAt[x] ..]). */
function fillBoxGrid(sets: EdgeSet[], box: BBox, total: number): void {
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  // about one cell per two edges, square on the plane
  const cells = Math.max(1, Math.min(1 << 16, total >> 1));
  lgNx = w > 0 && h > 0 ? Math.max(1, Math.min(256, Math.round(Math.sqrt((cells * w) / h)))) : 1;
  lgNy = w > 0 && h > 0 ? Math.max(1, Math.min(256, Math.round(cells / lgNx))) : 1;
  lgX0 = box.minX;
  lgY0 = box.minY;
  lgCw = w > 0 ? w / lgNx : 1;
  lgCh = h > 0 ? h / lgNy : 1;
  if (cellBits.length < lgNx * lgNy) cellBits = new Int32Array(Math.max(lgNx * lgNy, 2 * cellBits.length));
  cellBits.fill(0, 0, lgNx * lgNy);
  for (let y = 0; y < sets.length; y++) {
    const o = sets[y];
    const oxy = o.xy;
    const bit = 1 << y;
    for (let e = orderAt[y]; e < orderAt[y + 1]; e++) {
      const j = order[e];
      const cx = oxy[2 * j], cy = oxy[2 * j + 1], dx = oxy[2 * j + 2], dy = oxy[2 * j + 3];
      const c0 = lgCol(cx < dx ? cx : dx);
      const c1 = lgCol(cx < dx ? dx : cx);
      const r0 = lgRow((cy < dy ? cy : dy) - o.bulge);
      const r1 = lgRow((cy < dy ? dy : cy) + o.bulge);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cellBits[r * lgNx + c] |= bit;
    }
  }
}

/** Whether the midpoint lies in areas[z]: once per edge for an area the edge is free of, carried along the ring. */
function holds(areas: PreparedArea[], z: number, free: number): boolean {
  if (!(free & (1 << z))) return areas[z].containsAt(mid, 0);
  if (freeIn[z] < 0) freeIn[z] = areas[z].containsAt(mid, 0) ? 1 : 0;
  return freeIn[z] === 1;
}

function growT(): void {
  const b = new Float64Array(ts.length * 2);
  b.set(ts);
  ts = b;
}

function growAlong(): void {
  const n = alongT0.length * 2;
  const t0 = new Float64Array(n), t1 = new Float64Array(n), set = new Int32Array(n), left = new Uint8Array(n);
  t0.set(alongT0);
  t1.set(alongT1);
  set.set(alongSet);
  left.set(alongLeft);
  [alongT0, alongT1, alongSet, alongLeft] = [t0, t1, set, left];
}

/** Sorts ts[0, n): insertion sort for the few splits an edge usually has, the typed sort beyond. */
function sortT(n: number): void {
  if (n > 24) {
    ts.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = ts[i];
    let j = i - 1;
    while (j >= 0 && ts[j] > v) {
      ts[j + 1] = ts[j];
      j--;
    }
    ts[j + 1] = v;
  }
}

/**
 * The areas (m², on a local plane: good to well under 1% at these sizes) of the regions. Every
 * region must lie inside areas[0] (its bit in every `inside`), and areas[0] inside `box`: only the
 * edges in the box are read. Coordinates are taken relative to the box's centre so that the
 * shoelace sums keep their precision.
 */
export function regionAreas(areas: PreparedArea[], regions: Region[], box: BBox): number[] {
  const n = areas.length;
  // an area per bit of an int32 mask, and the scratch above sized for them
  if (n > 31) throw new Error(`regionAreas tells apart at most 31 areas, not ${n}`);
  const sets = areas.map((a) => a.edges);
  const ox = (box.minX + box.maxX) / 2;
  const oy = (box.minY + box.maxY) / 2;
  const acc = new Float64Array(regions.length);
  const within = (m: number, r: Region) => (m & r.inside) === r.inside && (m & r.outside) === 0;
  // Which regions a piece adds to (+1: on its left, −1: its right) depends only on the areas on
  // its two sides, and runs of pieces along a ring share them: worked out once per change.
  let lastLeft = -1;
  let lastRight = -1;
  let nHits = 0;
  if (hitRegion.length < regions.length) {
    hitRegion = new Int32Array(2 * regions.length);
    hitSign = new Int8Array(2 * regions.length);
  }
  // every area's edges in the box, each area's in ring order, so that an edge follows the one
  // sharing its first vertex (see `free` below)
  orderAt[0] = 0;
  for (let x = 0; x < n; x++) {
    const s = sets[x];
    const at = orderAt[x];
    const room = at + s.edgeCount; // at most every edge lies in the box
    if (order.length < room) {
      const grown = new Int32Array(Math.max(room, 2 * order.length));
      grown.set(order.subarray(0, at));
      order = grown;
    }
    let count = 0;
    if (s.edgeCount <= SCAN_EDGES) {
      // every edge's box against the box, in ring order as stored: no grid search, no sort
      const xy = s.xy;
      const st = s.start;
      const minY = box.minY - s.bulge;
      const maxY = box.maxY + s.bulge;
      for (let k = 0; k < st.length; k++) {
        const i = st[k];
        const ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
        if ((ax < box.minX && bx < box.minX) || (ax > box.maxX && bx > box.maxX) || (ay < minY && by < minY) || (ay > maxY && by > maxY)) continue;
        order[at + count++] = i;
      }
    } else {
      count = s.edgesInto(box.minX, box.minY, box.maxX, box.maxY, edges);
      for (let e = 0; e < count; e++) order[at + e] = edges[e];
      order.subarray(at, at + count).sort();
    }
    orderAt[x + 1] = at + count;
  }
  fillBoxGrid(sets, box, orderAt[n]);
  for (let x = 0; x < n; x++) {
    const s = sets[x];
    const xy = s.xy;
    const side = sides(s);
    freeEdge.fill(-2);
    // the last edge that no other area came near, and whether it lay outside areas[0]
    let runEnd = -2;
    let runOutside = false;
    edgeLoop: for (let e = orderAt[x]; e < orderAt[x + 1]; e++) {
      const i = order[e];
      const ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
      if (ax === bx && ay === by) continue;
      // the areas that may have an edge near this one: all of them for an edge leaving the box,
      // whose other areas' edges beyond it are not in the box's grid
      const inBox = ax >= box.minX && bx >= box.minX && ax <= box.maxX && bx <= box.maxX && ay >= box.minY && by >= box.minY && ay <= box.maxY && by <= box.maxY;
      const maybe = inBox ? bitsNear(xy, i) & ~(1 << x) : -1;
      // No other area near this edge nor the one before it in the ring: one piece, on the same
      // sides as that edge's (see `free` below), so it adds to the same regions, or to none
      // outside areas[0]. Most edges in a large box are such runs (issue 12).
      if (maybe === 0 && runEnd === i - 1) {
        runEnd = i;
        freeEdge[0] = i;
        if (runOutside) continue;
        for (let y = 1; y < n; y++) freeEdge[y] = i;
        const px0 = ax - ox, py0 = ay - oy;
        const px1 = ax + (bx - ax) - ox, py1 = ay + (by - ay) - oy; // as the pieces below compute t = 1
        const term = (px0 * py1 - px1 * py0) / 2;
        for (let h = 0; h < nHits; h++) acc[hitRegion[h]] += hitSign[h] * term;
        continue;
      }
      ts[0] = 0;
      ts[1] = 1;
      let nt = 2;
      let na = 0;
      const ux = Math.abs(bx - ax) >= Math.abs(by - ay);
      // Areas with no edge near this one ("free" of it): the edge is wholly inside or wholly
      // outside each, so one test answers for all its pieces; and when the edge before it in the
      // ring (ending at its first vertex) was free of the same area, nothing of that area's
      // boundary lies between them: its answer carries over untested. Most edges are far from
      // every other area's boundary, so most of the midpoint tests go (issue 12).
      let free = 0;
      for (let y = 0; y < n; y++) {
        if (y === x) continue;
        const o = sets[y];
        const oxy = o.xy;
        const m = maybe & (1 << y) ? o.edgesNearSegment(xy, i, near) : 0;
        if (m === 0) {
          free |= 1 << y;
          if (freeEdge[y] !== i - 1) freeIn[y] = -1;
          freeEdge[y] = i;
          // outside areas[0] and free of it: no piece of this edge bounds anything
          if (y === 0 && freeIn[0] === 0) {
            if (maybe === 0) {
              runEnd = i;
              runOutside = true;
            }
            continue edgeLoop;
          }
        } else freeEdge[y] = -2;
        for (let k = 0; k < m; k++) {
          const j = near[k];
          const cx = oxy[2 * j], cy = oxy[2 * j + 1], dx = oxy[2 * j + 2], dy = oxy[2 * j + 3];
          // orient(), written out: regionAreas is past what V8 inlines, and a call boxed its six doubles
          const d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
          const d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
          if (d1 === 0 && d2 === 0) {
            if (cx === dx && cy === dy) continue;
            // collinear: the stretch they share bounds both polygons
            const tc = ux ? (cx - ax) / (bx - ax) : (cy - ay) / (by - ay);
            const td = ux ? (dx - ax) / (bx - ax) : (dy - ay) / (by - ay);
            const t0 = Math.max(0, Math.min(tc, td));
            const t1 = Math.min(1, Math.max(tc, td));
            if (t1 > t0) {
              if (nt + 2 > ts.length) growT();
              ts[nt++] = t0;
              ts[nt++] = t1;
              if (na === alongT0.length) growAlong();
              alongT0[na] = t0;
              alongT1[na] = t1;
              alongSet[na] = y;
              alongLeft[na++] = td > tc === sides(o)[ringOf(o, j)] > 0 ? 1 : 0;
            } else if (t1 === t0) {
              if (nt === ts.length) growT();
              ts[nt++] = t0;
            }
            continue;
          }
          if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) continue;
          const d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
          const d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
          if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) continue;
          const t = d3 === d4 ? 0 : d3 / (d3 - d4);
          if (t > 0 && t < 1) {
            if (nt === ts.length) growT();
            ts[nt++] = t;
          }
        }
      }
      sortT(nt);
      const mine = side[ringOf(s, i)] > 0;
      for (let k = 0; k + 1 < nt; k++) {
        const t0 = ts[k];
        const t1 = ts[k + 1];
        if (!(t1 > t0)) continue;
        const tm = (t0 + t1) / 2;
        let leftBits = mine ? 1 << x : 0;
        let rightBits = mine ? 0 : 1 << x;
        let onBits = 1 << x;
        let counted = false;
        for (let a = 0; a < na; a++) {
          const set = alongSet[a];
          if (alongT0[a] <= tm && tm <= alongT1[a] && !(onBits & (1 << set))) {
            if (set < x) counted = true; // the lower set's pass counts the shared stretch
            onBits |= 1 << set;
            if (alongLeft[a]) leftBits |= 1 << set;
            else rightBits |= 1 << set;
          }
        }
        if (counted) continue;
        mid[0] = ax + (bx - ax) * tm;
        mid[1] = ay + (by - ay) * tm;
        // everything lies in areas[0]: a piece outside it bounds nothing
        if (!(onBits & 1) && !holds(areas, 0, free)) continue;
        let mask = onBits & 1 ? 0 : 1;
        for (let z = 1; z < n; z++) if (!(onBits & (1 << z)) && holds(areas, z, free)) mask |= 1 << z;
        const px0 = ax + (bx - ax) * t0 - ox, py0 = ay + (by - ay) * t0 - oy;
        const px1 = ax + (bx - ax) * t1 - ox, py1 = ay + (by - ay) * t1 - oy;
        const term = (px0 * py1 - px1 * py0) / 2;
        const left = mask | leftBits;
        const right = mask | rightBits;
        if (left !== lastLeft || right !== lastRight) {
          lastLeft = left;
          lastRight = right;
          nHits = 0;
          for (let r = 0; r < regions.length; r++) {
            const d = (within(left, regions[r]) ? 1 : 0) - (within(right, regions[r]) ? 1 : 0);
            if (d) {
              hitRegion[nHits] = r;
              hitSign[nHits++] = d;
            }
          }
        }
        for (let h = 0; h < nHits; h++) acc[hitRegion[h]] += hitSign[h] * term;
      }
      if (maybe === 0) {
        runEnd = i;
        runOutside = x !== 0 && freeIn[0] === 0;
      }
    }
  }
  const k = (Math.PI / 180) * MEAN_RADIUS_M;
  const scale = k * k * Math.cos(oy * (Math.PI / 180));
  return Array.from(acc, (a) => a * scale);
}
