// Micro-benchmark of the state lookup (src/geo/borders.ts statesMeeting), seeded: `npx tsx
// --expose-gc bench/borders.ts` or `node bin/truce.js bench borders`. The first call's time (read,
// parse and index the borders), the heap it keeps, and per kind of target the median and 99th
// percentile of one lookup: the vetting draw of the equivalence test (Syria and its neighbours,
// its coast included) plus targets at sea off the Levant coast.
import v8 from 'node:v8';
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
console.log(`heap after the runs: ${(heap() - before).toFixed(1)} MB over the start`);
