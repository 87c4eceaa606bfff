// The seeded data of the vetting benchmark (bench/vetting.ts): territory, protected sites,
// corridors and targets over Syria and its borders, the same every run. Sizes scale with
// TRUCE_BENCH_SCALE (1 = the sizes: 5,000 territory polygons of 500–5,000 vertices,
// 100,000 sites, 1,000 corridors).
import type { Position } from '../src/geo/shapes.ts';
import { SITE_KINDS, type SiteKind } from '../src/sites/lookup.ts';
import type { CorridorData, PartyData, SiteData, Target, TerritoryData } from '../src/vetting/model.ts';
import { rng } from '../test/support/random.ts';


/** The map's frame: 35.5–42.5 E, 32.3–37.3 N. */
export const FRAME = { minX: 35.5, minY: 32.3, maxX: 42.5, maxY: 37.3 };

export interface Sizes {
  polygons: number;
  minVertices: number;
  maxVertices: number;
  sites: number;
  corridors: number;
  targets: number;
}

export function sizes(env: NodeJS.ProcessEnv = process.env): Sizes {
  const given = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : Number(env[name]));
  const scale = given('TRUCE_BENCH_SCALE') ?? 1;
  const n = (name: string, full: number) => Math.max(1, Math.round(given(name) ?? full * scale));
  return {
    polygons: n('TRUCE_BENCH_POLYGONS', 5_000),
    minVertices: given('TRUCE_BENCH_MIN_VERTICES') ?? 500,
    maxVertices: given('TRUCE_BENCH_MAX_VERTICES') ?? 5_000,
    sites: n('TRUCE_BENCH_SITES', 100_000),
    corridors: n('TRUCE_BENCH_CORRIDORS', 1_000),
    targets: n('TRUCE_BENCH_TARGETS', 100_000),
  };
}

/** A deterministic UUID (version 4 layout) from the generator. */
function uuid(r: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16));
  h[12] = '4';
  h[16] = '89ab'[Math.floor(r() * 4)];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const ms = (iso: string) => new Date(iso).getTime();

/**
 * A territory-like ring: star-shaped around (cx, cy) (so always simple), its radius wandering
 * with a few harmonics and a little jitter per vertex. Closed, counter-clockwise, 6 decimals.
 */
function wobbly(n: number, cx: number, cy: number, rx: number, ry: number, r: () => number): Position[] {
  const harmonics = Array.from({ length: 8 }, (_, k) => ({ k: k + 2, amp: (0.1 * r()) / (k + 2) ** 0.8, ph: r() * 2 * Math.PI }));
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    let d = 1;
    for (const h of harmonics) d += h.amp * Math.sin(h.k * a + h.ph);
    d *= 1 + 0.002 * (r() - 0.5);
    ring.push([r6(cx + rx * d * Math.cos(a)), r6(cy + ry * d * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return ring;
}

/** Who holds ground: committed parties (from 23–26 February 2016), a not-committed one, the two designated groups. */
const HOLDERS: { key: string; weight: number }[] = [
  { key: 'saaf', weight: 8 },
  { key: 'ndf', weight: 2 },
  { key: 'hzb', weight: 1 },
  { key: 'fsa', weight: 3 },
  { key: 'jai', weight: 1 },
  { key: 'sdf', weight: 3 },
  { key: 'tsk', weight: 1 },
  { key: 'ahrar', weight: 2 },
  { key: 'isil', weight: 5 },
  { key: 'nusra', weight: 2 },
];

export interface BenchData {
  territories: TerritoryData[];
  /** Polygons, vertices (per ring, closing one excluded) and how many polygons reach over their cell. */
  stats: { polygons: number; vertices: number; overlapping: number };
  sites: SiteData[];
  corridors: CorridorData[];
}

/**
 * Territory: the frame cut into a grid of cells; each cell holds one star-shaped polygon of at
 * most 44% of the cell's size, so neighbours never touch. Cells go to parties by Voronoi regions
 * of 40 seeded centres, and each party's polygons are its area: one MultiPolygon version from
 * 1 February 2016 (a party's versions replace each other, so a party's area is one row); the
 * largest holder also records a smaller second version from 15 March. 3% of the polygons are
 * contested: a second, smaller polygon in an already held cell, given to a designated group
 * when the holder is not one and to a committed party otherwise (so they overlap another
 * party's ground, never their own party's: each MultiPolygon stays valid).
 */
export function generate(sz: Sizes, partyIds: Map<string, string>): BenchData {
  const r = rng(20160227);
  const between = (a: number, b: number) => a + (b - a) * r();
  const W = FRAME.maxX - FRAME.minX;
  const H = FRAME.maxY - FRAME.minY;
  const contested = Math.round(sz.polygons * 0.03);
  const cellCount = sz.polygons - contested;
  const nx = Math.max(1, Math.round(Math.sqrt((cellCount * W) / H)));
  const ny = Math.ceil(cellCount / nx);
  const cw = W / nx;
  const ch = H / ny;
  const total = HOLDERS.reduce((s, h) => s + h.weight, 0);
  const centres = Array.from({ length: 40 }, () => {
    let x = r() * total;
    const h = HOLDERS.find((h) => (x -= h.weight) < 0) ?? HOLDERS[0];
    return { x: between(FRAME.minX, FRAME.maxX), y: between(FRAME.minY, FRAME.maxY), party: h.key };
  });
  const byParty = new Map<string, Position[][][]>();
  const add = (party: string, ring: Position[]) => {
    const list = byParty.get(party) ?? [];
    list.push([ring]);
    byParty.set(party, list);
  };
  let vertices = 0;
  const vertexCount = () => {
    const n = Math.floor(between(sz.minVertices, sz.maxVertices + 1));
    vertices += n;
    return n;
  };
  const cells: { cx: number; cy: number; party: string }[] = [];
  for (let k = 0; k < cellCount; k++) {
    const i = k % nx;
    const j = Math.floor(k / nx);
    const cx = FRAME.minX + (i + 0.5 + between(-0.05, 0.05)) * cw;
    const cy = FRAME.minY + (j + 0.5 + between(-0.05, 0.05)) * ch;
    let best = centres[0];
    let bd = Infinity;
    for (const c of centres) {
      const d = (c.x - cx) ** 2 + (c.y - cy) ** 2;
      if (d < bd) [best, bd] = [c, d];
    }
    cells.push({ cx, cy, party: best.party });
    add(best.party, wobbly(vertexCount(), cx, cy, 0.35 * cw, 0.35 * ch, r));
  }
  // contested: distinct cells, shifted a little so the two rings cross
  const taken = new Set<number>();
  const committed = ['saaf', 'ndf', 'hzb', 'fsa', 'jai', 'sdf', 'tsk'];
  for (let k = 0; k < contested && taken.size < cells.length; k++) {
    let c = Math.floor(r() * cells.length);
    while (taken.has(c)) c = (c + 1) % cells.length;
    taken.add(c);
    const cell = cells[c];
    const designated = cell.party === 'isil' || cell.party === 'nusra';
    const party = designated ? committed[Math.floor(r() * committed.length)] : r() < 0.7 ? 'isil' : 'nusra';
    add(party, wobbly(vertexCount(), cell.cx + 0.08 * cw, cell.cy + 0.05 * ch, 0.22 * cw, 0.22 * ch, r));
  }
  const overlapping = taken.size;
  const territories: TerritoryData[] = [];
  let seq = 0;
  for (const h of HOLDERS) {
    const polygons = byParty.get(h.key);
    if (!polygons) continue;
    territories.push({ id: uuid(r), seq: ++seq, partyId: partyIds.get(h.key)!, validFrom: ms('2016-02-01T00:00:00Z'), polygons });
  }
  const largest = territories.reduce((a, b) => (b.polygons.length > a.polygons.length ? b : a));
  territories.push({
    id: uuid(r),
    seq: ++seq,
    partyId: largest.partyId,
    validFrom: ms('2016-03-15T00:00:00Z'),
    polygons: largest.polygons.filter((_, i) => i % 3 !== 0),
  });

  // Protected sites: mostly points, ~5% small quadrilaterals (50–400 m), buffers 100–2,000 m;
  // a tenth notified for a window only.
  const sites: SiteData[] = [];
  for (let i = 0; i < sz.sites; i++) {
    const lon = r6(between(FRAME.minX, FRAME.maxX));
    const lat = r6(between(FRAME.minY, FRAME.maxY));
    const kind: SiteKind = SITE_KINDS[Math.floor(r() * SITE_KINDS.length)];
    let geometry: SiteData['geometry'] = { type: 'Point', coordinates: [lon, lat] };
    if (r() < 0.05) {
      const d = between(0.0005, 0.004);
      geometry = { type: 'Polygon', coordinates: [[[lon, lat], [r6(lon + d), lat], [r6(lon + d), r6(lat + d * between(0.5, 1))], [lon, r6(lat + d)], [lon, lat]]] };
    }
    const windowed = r() < 0.1;
    const from = windowed ? ms('2016-02-01T00:00:00Z') + Math.floor(r() * 60) * 86_400_000 : ms('2016-01-01T00:00:00Z');
    sites.push({
      id: uuid(r),
      kind,
      name: `${kind} ${i}`,
      geometry,
      bufferM: Math.round(between(100, 2000)),
      validFrom: from,
      validTo: windowed ? from + Math.floor(between(3, 30)) * 86_400_000 : null,
    });
  }

  // Corridors: routes of 2–20 vertices in steps of a few km, 200–2,000 m either side, windows of
  // 3–30 days starting between 1 February and 20 April 2016.
  const corridors: CorridorData[] = [];
  for (let i = 0; i < sz.corridors; i++) {
    let lon = between(FRAME.minX + 0.5, FRAME.maxX - 0.5);
    let lat = between(FRAME.minY + 0.5, FRAME.maxY - 0.5);
    const coordinates: Position[] = [[r6(lon), r6(lat)]];
    const heading = r() * 2 * Math.PI;
    for (let k = 1, n = 2 + Math.floor(r() * 19); k < n; k++) {
      const a = heading + between(-0.6, 0.6);
      const step = between(0.01, 0.06);
      coordinates.push([r6((lon += step * Math.cos(a))), r6((lat += step * Math.sin(a)))]);
    }
    const from = ms('2016-02-01T00:00:00Z') + Math.floor(r() * 80) * 86_400_000;
    corridors.push({
      id: uuid(r),
      name: `Route ${i}`,
      coordinates,
      widthM: Math.round(between(200, 2000)),
      validFrom: from,
      validTo: from + Math.floor(between(3, 30)) * 86_400_000,
    });
  }
  return { territories, stats: { polygons: sz.polygons, vertices, overlapping }, sites, corridors };
}

export type TargetKind = 'point' | 'disc' | 'polygon';
export interface BenchTarget {
  kind: TargetKind;
  target: Target;
  radiusM: number;
  at: number;
  party: PartyData;
}

/**
 * Targets over the frame (and a little beyond, for CROSS_BORDER): half points, 30% points with
 * a radius of 50–5,000 m, 20% small polygons (triangles and quadrilaterals of 100 m–2 km); at a
 * time between 15 February and 30 April 2016; asked for by a random demo party.
 */
export function targets(n: number, parties: PartyData[], seed = 1103515245): BenchTarget[] {
  const r = rng(seed);
  const between = (a: number, b: number) => a + (b - a) * r();
  const out: BenchTarget[] = [];
  const t0 = ms('2016-02-15T00:00:00Z');
  const t1 = ms('2016-04-30T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const lon = r6(between(FRAME.minX - 0.2, FRAME.maxX + 0.2));
    const lat = r6(between(FRAME.minY - 0.1, FRAME.maxY + 0.1));
    const x = r();
    const at = Math.round(between(t0, t1) / 60_000) * 60_000;
    const party = parties[Math.floor(r() * parties.length)];
    if (x < 0.5) out.push({ kind: 'point', target: { type: 'Point', coordinates: [lon, lat] }, radiusM: 0, at, party });
    else if (x < 0.8) out.push({ kind: 'disc', target: { type: 'Point', coordinates: [lon, lat] }, radiusM: Math.round(between(50, 5000)), at, party });
    else {
      const s = between(0.001, 0.02);
      const ring: Position[] =
        r() < 0.5
          ? [[lon, lat], [r6(lon + s), r6(lat + s * between(-0.5, 0.5))], [r6(lon + s * between(0, 1)), r6(lat + s)], [lon, lat]]
          : [[lon, lat], [r6(lon + s), lat], [r6(lon + s), r6(lat + s)], [lon, r6(lat + s)], [lon, lat]];
      out.push({ kind: 'polygon', target: { type: 'Polygon', coordinates: [ring] }, radiusM: 0, at, party });
    }
  }
  return out;
}
