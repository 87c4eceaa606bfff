// Micro-benchmark of the state lookup (src/geo/borders.ts statesMeeting), seeded: `npx tsx
// --expose-gc bench/borders.ts` or `node bin/truce.js bench borders`. The first call's time (read,
// parse and index the borders), the heap it keeps, and per kind of target the median and 99th
// percentile of one lookup: the vetting draw of the equivalence test (Syria and its neighbours,
// its coast included) plus targets at sea off the Levant coast.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import Flatbush from 'flatbush';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import vm from 'node:vm';
import { statesMeeting, type BorderTarget } from '../src/geo/borders.ts';
import { geodesicDisc } from '../src/geo/geodesy.ts';
import { PreparedArea } from '../src/geo/shapes.ts';
import { rng } from '../test/support/random.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20; // the borders keep their positions in typed arrays
};

const r = rng(8);
const between = (a: number, b: number) => a + (b - a) * r();
const kinds: Record<string, BorderTarget[]> = { point: [], 'point at sea': [], disc: [], 'disc at sea': [], polygon: [] };
for (let i = 0; i < 20_000; i++) kinds.point.push({ type: 'point', lon: between(35.5, 42.5), lat: between(32.2, 37.4), radiusM: 0 });
for (let i = 0; i < 5_000; i++) kinds['point at sea'].push({ type: 'point', lon: between(35.0, 35.9), lat: between(33.3, 36.3), radiusM: 0 });
for (let i = 0; i < 3_000; i++) kinds.disc.push({ type: 'point', lon: between(35.5, 42.5), lat: between(32.2, 37.4), radiusM: Math.round(between(50, 5000)) });
for (let i = 0; i < 1_000; i++) kinds['disc at sea'].push({ type: 'point', lon: between(35.0, 35.9), lat: between(33.3, 36.3), radiusM: Math.round(between(50, 5000)) });
for (let i = 0; i < 1_000; i++) {
  const lon = between(35.5, 42.5);
  const lat = between(32.2, 37.4);
  const s = between(0.001, 0.04);
  kinds.polygon.push({ type: 'area', area: new PreparedArea([[[[lon, lat], [lon + s, lat + s * between(-0.5, 0.5)], [lon + s * between(0, 1), lat + s], [lon, lat]]]]) });
}
kinds['disc as polygon (64 sides)'] = kinds.disc.slice(0, 1000).map((d) => (d.type === 'point' ? { type: 'area', area: new PreparedArea([[geodesicDisc(d.lon, d.lat, d.radiusM)]]) } : d));

/**
 * The named baseline: what the lookup was before the territorial sea, land only on Natural Earth
 * 1:50m (a point or disc in a part, a polygon meeting one), the same R-tree and prepared parts.
 */
function landOnly50m(): (t: BorderTarget) => number {
  const topo = JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology;
  const parts: PreparedArea[] = [];
  for (const f of feature(topo, topo.objects.countries as GeometryCollection).features) {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) if (rings[0]?.length >= 4) parts.push(new PreparedArea([rings as never]));
  }
  const tree = new Flatbush(parts.length);
  for (const p of parts) tree.add(p.bbox.minX, p.bbox.minY, p.bbox.maxX, p.bbox.maxY);
  tree.finish();
  return (t) => {
    let n = 0;
    if (t.type === 'point') {
      const d = t.radiusM / 111_320; // a box at least as large as the disc, as before
      for (const i of tree.search(t.lon - d * 2, t.lat - d, t.lon + d * 2, t.lat + d)) if (parts[i].contains(t.lon, t.lat) || (t.radiusM > 0 && parts[i].withinM(t.lon, t.lat, t.radiusM))) n++;
    } else for (const i of tree.search(t.area.bbox.minX, t.area.bbox.minY, t.area.bbox.maxX, t.area.bbox.maxY)) if (parts[i].intersectsArea(t.area)) n++;
    return n;
  };
}

function timeEach(ts: BorderTarget[], fn: (t: BorderTarget) => unknown): { p50: number; p99: number; mean: number } {
  for (const t of ts) fn(t); // first pass prepares what it touches
  const us: number[] = [];
  for (const t of ts) {
    const t0 = performance.now();
    fn(t);
    us.push((performance.now() - t0) * 1000);
  }
  us.sort((a, b) => a - b);
  return { p50: us[us.length >> 1], p99: us[Math.floor(us.length * 0.99)], mean: us.reduce((a, b) => a + b, 0) / us.length };
}

const before = heap();
let t0 = performance.now();
statesMeeting({ type: 'point', lon: 36.28, lat: 33.51, radiusM: 0 });
const loadMs = performance.now() - t0;
const loaded = heap();
console.log(`first call (read, parse, index): ${loadMs.toFixed(0)} ms; heap and typed arrays kept ${(loaded - before).toFixed(1)} MB`);
for (const [name, ts] of Object.entries(kinds)) {
  for (const t of ts) statesMeeting(t); // first pass prepares the parts and coast pieces it touches
  const us: number[] = [];
  let found = 0;
  for (const t of ts) {
    t0 = performance.now();
    const s = statesMeeting(t);
    us.push((performance.now() - t0) * 1000);
    if (s.length) found++;
  }
  us.sort((a, b) => a - b);
  const mean = us.reduce((a, b) => a + b, 0) / us.length;
  console.log(`${name.padEnd(28)} n ${String(ts.length).padStart(6)}  p50 ${us[us.length >> 1].toFixed(1).padStart(7)} µs  p99 ${us[Math.floor(us.length * 0.99)].toFixed(1).padStart(8)} µs  mean ${mean.toFixed(1).padStart(7)} µs  (in a state: ${found})`);
}
// the baseline in the same run, so the ratios hold on a noisy machine
const base = landOnly50m();
console.log('\nbaseline: land only, Natural Earth 1:50m (the rule before the territorial sea)');
for (const [name, ts] of Object.entries(kinds)) {
  const now = timeEach(ts, statesMeeting);
  const old = timeEach(ts, base);
  console.log(`${name.padEnd(28)} baseline p50 ${old.p50.toFixed(1).padStart(6)} µs  p99 ${old.p99.toFixed(1).padStart(7)} µs   now/baseline: p50 ${(now.p50 / old.p50).toFixed(2)}x  p99 ${(now.p99 / old.p99).toFixed(2)}x  mean ${(now.mean / old.mean).toFixed(2)}x`);
}
console.log(`heap after the runs: ${(heap() - before).toFixed(1)} MB over the start`);
