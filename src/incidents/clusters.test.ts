// The cluster scan (clusters.ts), table-driven: float4 rounding as PostGIS has it, the grid,
// the filters and the visibility over a handful of rows.
import { describe, expect, it } from 'vitest';
import { floatDown, floatUp, gridZoom, LOCATED, mercX, mercY, NONE, PUBLISHED, REQUESTED, scanClusters, viewCells, type ClusterColumns, type ClusterQuery } from './clusters.ts';

describe('float4 boxes', () => {
  it.each([
    [36.3, 'rounds to the float4s either side'],
    [0.1, 'small'],
    [-33.5, 'negative'],
    [0.5, 'exact in float4'],
    [0, 'zero'],
    [179.99999, 'near the edge'],
  ])('%s: %s', (d) => {
    const lo = floatDown(d);
    const hi = floatUp(d);
    expect(lo).toBeLessThanOrEqual(d);
    expect(hi).toBeGreaterThanOrEqual(d);
    expect(Math.fround(lo)).toBe(lo);
    expect(Math.fround(hi)).toBe(hi);
    if (Math.fround(d) === d) expect([lo, hi]).toEqual([d, d]);
    else expect(hi).toBeGreaterThan(lo);
  });
});

describe('the grid', () => {
  it.each([
    [0, 0, 0, 2 ** 25, 2 ** 25],
    [-180, 85.0511287798066, 0, 0, 0],
    [180, -85.0511287798066, 0, 2 ** 26 - 1, 2 ** 26 - 1],
    [36.3, 33.5, 0, Math.floor(((36.3 + 180) / 360) * 2 ** 26), undefined],
  ])('lon %s lat %s', (lon, lat, _z, x, y) => {
    expect(mercX(lon)).toBe(x);
    if (y !== undefined) expect(mercY(lat)).toBe(y);
  });
  it.each([
    [-1, 0],
    [3.7, 3],
    [18, 18],
    [40, 24],
  ])('zoom %s is grid level %s', (z, level) => expect(gridZoom(z)).toBe(level));
  it('a view is as many 64-pixel cells across as its pixels / 64', () => {
    expect(viewCells([-180, -85, 180, 85], 0)).toEqual([4, 4]);
    expect(viewCells([-180, -85, 180, 85], 2)).toEqual([16, 16]);
    // 0.1° at zoom 10: 256 px × 2^10 × 0.1 / 360 ≈ 73 px, 1 or 2 cells
    expect(viewCells([36.3, 33.5, 36.4, 33.6], 10)[0]).toBeLessThanOrEqual(3);
  });
});

interface Row {
  lon?: number;
  lat?: number;
  from?: number;
  to?: number;
  type?: number;
  status?: number;
  grade?: number;
  published?: boolean;
  named?: number[];
  asked?: number[];
}

function columns(rows: Row[]): ClusterColumns {
  const n = rows.length;
  const c: ClusterColumns = {
    n,
    xLo: new Float32Array(n),
    xHi: new Float32Array(n),
    yLo: new Float32Array(n),
    yHi: new Float32Array(n),
    mx: new Uint32Array(n),
    my: new Uint32Array(n),
    from: new Float64Array(n),
    to: new Float64Array(n),
    type: new Uint8Array(n),
    status: new Uint8Array(n),
    grade: new Uint16Array(n),
    flags: new Uint8Array(n),
    named0: new Uint32Array(n),
    named1: new Uint32Array(n),
    perp: new Uint16Array(n).fill(NONE),
    namedMore: new Map(),
    requested: new Map(),
  };
  rows.forEach((r, i) => {
    if (r.lon !== undefined && r.lat !== undefined) {
      c.flags[i] |= LOCATED;
      [c.xLo[i], c.xHi[i], c.yLo[i], c.yHi[i]] = [floatDown(r.lon), floatUp(r.lon), floatDown(r.lat), floatUp(r.lat)];
      [c.mx[i], c.my[i]] = [mercX(r.lon), mercY(r.lat)];
    }
    if (r.published) c.flags[i] |= PUBLISHED;
    c.from[i] = r.from ?? 0;
    c.to[i] = r.to ?? 0;
    c.type[i] = r.type ?? 0;
    c.status[i] = r.status ?? 0;
    c.grade[i] = r.grade ?? NONE;
    for (const p of r.named ?? []) {
      if (p < 32) c.named0[i] |= 1 << p;
      else if (p < 64) c.named1[i] |= 1 << (p - 32);
      else c.namedMore.set(i, [...(c.namedMore.get(i) ?? []), p]);
    }
    for (const p of r.asked ?? []) {
      c.flags[i] |= REQUESTED;
      if (!c.requested.has(p)) c.requested.set(p, new Set());
      c.requested.get(p)!.add(i);
    }
  });
  return c;
}

const MERGED = 6;
// the rows: a Damascus pair, an Aleppo one, one without a location, a merged one
const ROWS: Row[] = [
  { lon: 36.3, lat: 33.5, from: 100, to: 200, type: 1, status: 2, grade: 0, published: true, named: [3] },
  { lon: 36.31, lat: 33.51, from: 150, to: 150, type: 2, status: 0, named: [5, 40] },
  { lon: 37.16, lat: 36.2, from: 300, to: 400, type: 1, status: 2, grade: 1, named: [70], asked: [9] },
  { from: 100, to: 500, type: 1, status: 2, published: true },
  { lon: 36.3, lat: 33.5, from: 100, to: 200, type: 1, status: MERGED, published: true, named: [3] },
];
const SYRIA: [number, number, number, number] = [35.5, 32.3, 42.5, 37.4];
const base: ClusterQuery = { bbox: SYRIA, zoom: 6, merged: MERGED, visibility: { all: true } };

describe('the scan', () => {
  const c = columns(ROWS);
  it.each<[string, Partial<ClusterQuery>, number, number, number]>([
    // name, query, in view, located, unlocated
    ['the desk, no filter', {}, 3, 3, 1],
    ['merged only when asked', { status: MERGED }, 1, 1, 0],
    ['from: the window ends at or after it', { from: 200 }, 2, 2, 1],
    ['from: just past', { from: 201 }, 1, 1, 1],
    ['to: the window starts at or before it', { to: 150 }, 2, 2, 1],
    ['to: just before', { to: 99 }, 0, 0, 0],
    ['type', { type: 2 }, 1, 1, 0],
    ['a type nobody has', { type: -1 }, 0, 0, 0],
    ['grade', { grade: 1 }, 1, 1, 0],
    ['party, bit 3', { party: 3 }, 1, 1, 0],
    ['party, bit 40 (second word)', { party: 40 }, 1, 1, 0],
    ['party 70 (past 64)', { party: 70 }, 1, 1, 0],
    ['unknown party', { party: -1 }, 0, 0, 0],
    ['the public: what is published', { visibility: { all: false, party: null } }, 1, 1, 1],
    ['a liaison of party 5: named', { visibility: { all: false, party: 5 } }, 2, 2, 1],
    ['a liaison of party 9: asked', { visibility: { all: false, party: 9 } }, 2, 2, 1],
    ['a liaison of party 70: named past 64', { visibility: { all: false, party: 70 } }, 2, 2, 1],
    ['a view of Damascus only', { bbox: [36.2, 33.4, 36.4, 33.6] }, 2, 3, 1],
    ['a view whose corner is the point', { bbox: [36.3, 33.5, 36.305, 33.505] }, 1, 3, 1],
    ['a view just past the point (beyond a float4 step)', { bbox: [36.30001, 33.5, 36.305, 33.505] }, 0, 3, 1],
  ])('%s', (_name, q, inView, located, unlocated) => {
    const r = scanClusters(c, { ...base, ...q });
    expect({ inView: r.inView, located: r.located, unlocated: r.unlocated }).toEqual({ inView, located, unlocated });
    expect(r.clusters.reduce((s, k) => s + k.count, 0)).toBe(inView);
  });

  it.each([
    [6, 2, [2, 1]],
    [11, 3, [1, 1, 1]],
  ])('at zoom %s the view has %s clusters', (zoom, n, counts) => {
    const r = scanClusters(c, { ...base, zoom });
    expect(r.clusters.length).toBe(n);
    expect(r.clusters.map((k) => k.count).sort((a, b) => b - a)).toEqual(counts);
  });

  it('a cluster sits at the mean of its incidents, within their box, and names its first row', () => {
    const [damascus] = scanClusters(c, { ...base, zoom: 3, bbox: [36, 33, 37, 34] }).clusters;
    expect(damascus).toMatchObject({ count: 2, row: 0 });
    expect(damascus.lon).toBeCloseTo(36.305, 5);
    expect(damascus.lat).toBeCloseTo(33.505, 5);
    expect(damascus.bounds.map((x) => Math.round(x * 1e4) / 1e4)).toEqual([36.3, 33.5, 36.31, 33.51]);
  });

  it('refuses a view of more than 256 cells across', () => {
    expect(() => scanClusters(c, { ...base, zoom: 14 })).toThrow(RangeError);
  });
});
