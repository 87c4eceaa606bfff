// The prepared shapes without a database: contains cases, a 5,000-vertex star against a naive ray
// cast, and distances against values computed independently of the code under test.
import { describe, expect, it } from 'vitest';
import { geodesicDistanceM } from './geodesy.ts';
import { PreparedArea, PreparedLine, PreparedPoint, prepare, type Position } from './shapes.ts';
import { rng } from '../../test/support/random.ts';


let naiveOnBoundary = 0;
/** The naive reference: every edge, boundary first (exact for small integer coordinates), then crossings. */
function naiveContains(polys: Position[][][], x: number, y: number): boolean {
  let inside = false;
  for (const rings of polys)
    for (const ring of rings)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [ax, ay] = ring[j];
        const [bx, by] = ring[i];
        const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
        if (cross === 0 && x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) {
          naiveOnBoundary++;
          return true;
        }
        if (ay > y !== by > y && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
      }
  return inside;
}

/** The same naive ray cast over one closed ring as a flat array (the 5,000-vertex case, kept fast). */
function naiveFlat(xy: Float64Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross === 0 && x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) return true;
    if (ay > y !== by > y && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
  }
  return inside;
}

function star(n: number, cx: number, cy: number, rMin: number, rMax: number, r: () => number, round = false): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const d = rMin + (rMax - rMin) * r();
    const p: Position = [cx + d * Math.cos(a), cy + d * Math.sin(a)];
    ring.push(round ? [Math.round(p[0]), Math.round(p[1])] : p);
  }
  ring.push(ring[0]);
  return ring;
}

const square = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('PreparedArea.contains', () => {
  const withHole = new PreparedArea([[square(36, 33, 37, 34), square(36.4, 33.4, 36.6, 33.6)], [square(38, 33, 38.5, 33.5)]]);
  // A concave "U": the notch (36.3–36.7, 33.3–34) is outside.
  const u = new PreparedArea([[[[36, 33], [37, 33], [37, 34], [36.7, 34], [36.7, 33.3], [36.3, 33.3], [36.3, 34], [36, 34], [36, 33]]]]);
  it.each([
    ['inside', withHole, 36.2, 33.2, true],
    ['outside', withHole, 35.9, 33.5, false],
    ['in a hole', withHole, 36.5, 33.5, false],
    ['on an outer edge', withHole, 36, 33.5, true],
    ['on a hole edge', withHole, 36.4, 33.5, true],
    ['on a vertex', withHole, 37, 34, true],
    ['on a hole vertex', withHole, 36.6, 33.6, true],
    ['second part of a multipolygon', withHole, 38.25, 33.25, true],
    ['between the parts', withHole, 37.5, 33.25, false],
    ['concave: in the notch', u, 36.5, 33.8, false],
    ['concave: in an arm', u, 36.1, 33.8, true],
    ['concave: on the notch floor', u, 36.5, 33.3, true],
    ['concave: level with a notch vertex, outside', u, 37.1, 33.3, false],
    ['concave: level with a notch vertex, inside', u, 36.85, 33.3, true],
  ])('%s', (_name, area, x, y, expected) => {
    expect(area.contains(x, y)).toBe(expected);
  });

  it('gives the naive ray cast answer on a 5,000-vertex star for 20,000 random points', () => {
    const r = rng(7);
    const ring = star(5000, 37, 34, 0.05, 1, r);
    const area = new PreparedArea([[ring]]);
    expect(area.vertexCount).toBe(5000);
    const flat = Float64Array.from(ring.flat());
    let inside = 0;
    for (let i = 0; i < 20000; i++) {
      const x = 36 + 2 * r();
      const y = 33 + 2 * r();
      const got = area.contains(x, y);
      if (got !== naiveFlat(flat, x, y)) throw new Error(`differs at (${x}, ${y})`);
      if (got) inside++;
    }
    expect(inside).toBeGreaterThan(2000); // both answers occur
    expect(inside).toBeLessThan(18000);
  });

  it('gives the naive answer on integer lattice polygons with holes, where queries hit vertices and edges', () => {
    const r = rng(11);
    naiveOnBoundary = 0;
    for (let poly = 0; poly < 20; poly++) {
      const shell = star(40, 0, 0, 20, 40, r, true);
      const hole = star(12, 0, 0, 3, 9, r, true).reverse();
      const polys = [[shell, hole]];
      const area = new PreparedArea(polys);
      for (let x = -42; x <= 42; x++)
        for (let y = -42; y <= 42; y++) {
          const want = naiveContains(polys, x, y);
          if (area.contains(x, y) !== want) throw new Error(`polygon ${poly} differs at (${x}, ${y}): naive ${want}`);
          // Half-integers: points on horizontal/vertical lines through vertices, off the lattice.
          if (area.contains(x + 0.5, y) !== naiveContains(polys, x + 0.5, y)) throw new Error(`differs at (${x + 0.5}, ${y})`);
        }
    }
    expect(naiveOnBoundary).toBeGreaterThan(500); // many queries were on an edge or a vertex
  });

  it('is false outside the box and handles degenerate (flat) input', () => {
    const flat = new PreparedArea([[[[36, 33], [37, 33], [36, 33]]]]);
    expect(flat.contains(36.5, 33)).toBe(true);
    expect(flat.contains(36.5, 33.0001)).toBe(false);
    expect(flat.contains(40, 40)).toBe(false);
  });
});

// Vincenty's inverse, written here as an independent check of geographiclib (agrees to < 1 mm away from antipodes).
function vincenty(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const rad = Math.PI / 180;
  const L = (lon2 - lon1) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  const [sU1, cU1, sU2, cU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)];
  let lambda = L;
  let sigma = 0, sinSigma = 0, cosSigma = 0, cos2Alpha = 0, cos2SigmaM = 0;
  for (let i = 0; i < 200; i++) {
    const sL = Math.sin(lambda);
    const cL = Math.cos(lambda);
    sinSigma = Math.hypot(cU2 * sL, cU1 * sU2 - sU1 * cU2 * cL);
    cosSigma = sU1 * sU2 + cU1 * cU2 * cL;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cU1 * cU2 * sL) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha ? cosSigma - (2 * sU1 * sU2) / cos2Alpha : 0;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-13) break;
  }
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const dSigma = B * sinSigma * (cos2SigmaM + (B / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  return b * A * (sigma - dSigma);
}

describe('distances', () => {
  it('point to point: known figures and an independent Vincenty inverse', () => {
    expect(Math.abs(geodesicDistanceM(0, 0, 0, 1) - 110574)).toBeLessThan(1);
    const damascusAleppo = geodesicDistanceM(36.2765, 33.5138, 37.1612, 36.2021);
    expect(Math.abs(damascusAleppo - vincenty(36.2765, 33.5138, 37.1612, 36.2021))).toBeLessThan(0.001);
    expect(damascusAleppo / 1000).toBeCloseTo(309.0, 1);
    const r = rng(3);
    for (let i = 0; i < 200; i++) {
      const [x1, y1, x2, y2] = [35 + 7 * r(), 32 + 5.5 * r(), 35 + 7 * r(), 32 + 5.5 * r()];
      expect(Math.abs(new PreparedPoint(x1, y1).distanceM(x2, y2) - vincenty(x1, y1, x2, y2))).toBeLessThan(0.001);
    }
  });

  it('point to a meridian segment: the foot of the perpendicular, close to the true ellipsoidal minimum', () => {
    const seg = new PreparedLine([
      [36, 33],
      [36, 34],
    ]);
    const [px, py] = [36.1, 33.5];
    const got = seg.distanceM(px, py);
    // On the sphere, the foot of the perpendicular from (λ, φ) to the meridian λ0 is at tan φf = tan φ / cos(λ − λ0).
    const footLat = (Math.atan(Math.tan((py * Math.PI) / 180) / Math.cos((0.1 * Math.PI) / 180)) * 180) / Math.PI;
    expect(Math.abs(got - vincenty(px, py, 36, footLat))).toBeLessThan(0.001);
    // The true minimum over the meridian (sampled every ~1 mm around the foot) is within 1e-6 relative.
    let min = Infinity;
    for (let k = -2000; k <= 2000; k++) min = Math.min(min, vincenty(px, py, 36, 33.5 + k * 1e-8));
    expect(Math.abs(got - min)).toBeLessThan(1e-6 * min);
    // Beyond the segment's end, the end vertex is nearest.
    expect(Math.abs(seg.distanceM(36.1, 32) - vincenty(36.1, 32, 36, 33))).toBeLessThan(0.001);
  });

  it('area distances: zero inside and on the boundary, to the hole ring inside a hole', () => {
    const a = new PreparedArea([[square(36, 33, 37, 34), square(36.4, 33.4, 36.6, 33.6)]]);
    expect(a.distanceM(36.2, 33.2)).toBe(0);
    expect(a.distanceM(37, 33.5)).toBe(0);
    // The hole's west edge is a meridian: from (36.5, 33.5) its nearest point is ~(36.4, 33.5).
    const d = a.distanceM(36.5, 33.5);
    expect(Math.abs(d - vincenty(36.5, 33.5, 36.4, 33.50001))).toBeLessThan(1);
    expect(d).toBeGreaterThan(9000);
    // Bounded searches: exact below maxM, anything above it beyond.
    expect(a.distanceM(35.9, 33.5, 20000)).toBeCloseTo(a.distanceM(35.9, 33.5), 6);
    expect(a.distanceM(35.9, 33.5, 5000)).toBeGreaterThan(5000);
    expect(a.withinM(35.9, 33.5, 9400)).toBe(true);
    expect(a.withinM(35.9, 33.5, 9200)).toBe(false);
    expect(a.distanceM(20, 10)).toBeCloseTo(vincenty(20, 10, 36, 33), -1); // far away: the unbounded search widens
  });

  it('withinM agrees with distanceM on random points around random polygons and lines', () => {
    const r = rng(5);
    for (let i = 0; i < 50; i++) {
      const shape = i % 2 ? new PreparedArea([[star(50, 36, 33, 0.05, 0.2, r)]]) : new PreparedLine(star(10, 36, 33, 0.05, 0.2, r));
      for (let k = 0; k < 50; k++) {
        const [x, y] = [35.5 + r(), 32.5 + r()];
        const m = r() * 20000;
        const d = shape.distanceM(x, y);
        expect(shape.withinM(x, y, m)).toBe(d <= m);
        const bounded = shape.distanceM(x, y, m);
        if (d <= m) expect(bounded).toBeCloseTo(d, 6);
        else {
          // past m: Infinity, or a lower bound (the sphere's length, without the ellipsoid's)
          expect(bounded).toBeGreaterThan(m);
          if (bounded < Infinity) expect(bounded).toBeLessThanOrEqual(d * (1 + 1e-12));
        }
      }
    }
  });

  it('area to area: zero when they meet, else the gap both ways (checked by dense sampling)', () => {
    const a = new PreparedArea([[square(36, 33, 36.1, 33.1)]]);
    const b = new PreparedArea([[square(36.2, 33.05, 36.3, 33.15)]]);
    const touching = new PreparedArea([[square(36.1, 33.1, 36.2, 33.2)]]);
    const inside = new PreparedArea([[square(36.02, 33.02, 36.03, 33.03)]]);
    const holed = new PreparedArea([[square(35, 32, 37, 34), square(35.9, 32.9, 36.2, 33.2)]]);
    expect(a.intersectsArea(touching)).toBe(true); // at one vertex
    expect(a.intersectsArea(inside) && inside.intersectsArea(a)).toBe(true);
    expect(holed.intersectsArea(a)).toBe(false); // a lies in holed's hole
    expect(holed.intersectsArea(b)).toBe(true); // b crosses the hole's edge
    expect(a.intersectsArea(b)).toBe(false);
    expect(a.distanceToAreaM(touching)).toBe(0);
    const d = a.distanceToAreaM(b);
    // Dense sampling of a's east edge against b's west edge (the facing sides).
    let min = Infinity;
    for (let i = 0; i <= 1000; i++) for (let j = 0; j <= 20; j++) min = Math.min(min, vincenty(36.1, 33 + i * 1e-4, 36.2, 33.05 + j * 5e-3));
    expect(d).toBeGreaterThan(min - 0.5);
    expect(d).toBeLessThan(min + 0.5);
    expect(b.distanceToAreaM(a)).toBeCloseTo(d, 6);
    expect(a.withinAreaM(b, d + 1)).toBe(true);
    expect(a.withinAreaM(b, d - 1)).toBe(false);
    expect(a.distanceToAreaM(b, 100)).toBeGreaterThan(100);
    expect(holed.distanceToAreaM(a)).toBeGreaterThan(9000); // from inside the hole to its ring
  });

  it('lines and points behind the Shape interface', () => {
    const area = new PreparedArea([[square(36, 33, 36.1, 33.1)]]);
    const crossing = prepare({ type: 'LineString', coordinates: [[35.9, 33.05], [36.2, 33.05]] }) as PreparedLine;
    const inside = new PreparedLine([[36.02, 33.02], [36.05, 33.05]]);
    const away = new PreparedLine([[36.2, 33], [36.2, 33.1]]);
    expect(crossing.intersectsArea(area)).toBe(true);
    expect(inside.intersectsArea(area)).toBe(true);
    expect(away.intersectsArea(area)).toBe(false);
    expect(crossing.distanceToAreaM(area)).toBe(0);
    const gap = away.distanceToAreaM(area);
    // Meridians converge northwards: the nearest pair is the two northern ends.
    expect(Math.abs(gap - vincenty(36.1, 33.1, 36.2, 33.1))).toBeLessThan(0.01);
    expect(away.withinAreaM(area, gap + 0.01)).toBe(true);
    expect(away.withinAreaM(area, gap - 0.01)).toBe(false);
    const site = prepare({ type: 'Point', coordinates: [36.3, 33.05] });
    expect(site).toBeInstanceOf(PreparedPoint);
    expect(site.distanceToAreaM(area)).toBeCloseTo(area.distanceM(36.3, 33.05), 6);
    expect(site.withinM(36.3, 33.054, 500)).toBe(true);
    expect(site.withinM(36.3, 33.06, 500)).toBe(false);
    expect(prepare({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)]] })).toBeInstanceOf(PreparedArea);
  });

  it('bbox covers great-circle bulges, so grown boxes never miss a near edge', () => {
    // A long east-west edge at 60°N: its great circle runs north of the parallel.
    const line = new PreparedLine([[0, 60], [10, 60]]);
    // Its highest point is over the middle, where tan φ = tan 60° / cos 5°.
    const top = (Math.atan(Math.tan(Math.PI / 3) / Math.cos((5 * Math.PI) / 180)) * 180) / Math.PI;
    expect(top).toBeGreaterThan(60.09);
    expect(line.bbox.maxY).toBeGreaterThanOrEqual(top);
    expect(line.bbox.maxY).toBeLessThan(top + 1e-6);
    // A point just north of the parallel at the midpoint is south of the arc, and close to it.
    const d = line.distanceM(5, 60.1);
    expect(d).toBeLessThan(2000);
  });
});

describe('PreparedArea.shared', () => {
  const square: Position[][][] = [[[[36, 33], [37, 33], [37, 34], [36, 34], [36, 33]], [[36.4, 33.4], [36.6, 33.4], [36.6, 33.6], [36.4, 33.6], [36.4, 33.4]]]];
  it('answers as the area it copies, from arrays a message to a worker shares instead of copying', () => {
    const plain = new PreparedArea(square);
    const shared = plain.shared();
    expect(shared.shared()).toBe(shared); // already shared: no second copy
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const [x, y] = [35.9 + r() * 1.2, 32.9 + r() * 1.2];
      expect(shared.contains(x, y)).toBe(plain.contains(x, y));
      expect(shared.distanceM(x, y)).toBe(plain.distanceM(x, y));
    }
    const p = shared.parts();
    for (const a of [p.xy, p.start, p.firstVertex, p.grid.cellStart, p.grid.cellEdges, p.grid.ref, p.grid.rowY]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    // what postMessage does to a job's parts (the structured clone): the copy sees a write to the original
    const posted = structuredClone(p);
    const kept = p.xy[0];
    p.xy[0] = 12.5;
    expect(posted.xy[0]).toBe(12.5);
    p.xy[0] = kept;
    expect(plain.parts().xy.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(structuredClone(plain.parts()).xy.buffer).not.toBe(plain.parts().xy.buffer);
  });
});
