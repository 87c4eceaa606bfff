// The desk and the map at scale (issue 11): `truce bench incidents-scale`. Seeds N incidents
// (bench/support/incidents-million.ts: 1,000,000 on PostgreSQL with TRUCE_BENCH_DATABASE_URL,
// TRUCE_BENCH_INCIDENTS to change; 100,000 on PGlite, TRUCE_BENCH_PGLITE_INCIDENTS; 0 skips an
// engine), then measures through the app (app.inject, no network), for the desk, a liaison and
// the public, each beside a named baseline in the same run:
// - GET /api/v1/incidents with a bbox (a town and its surroundings) and a week, p50/p95; baseline:
//   the same list's SQL without migration 019's window index (dropped in a transaction, rolled
//   back), both at the store.
// - GET /api/v1/incidents/aggregates by day over 30 days, p50/p95; the same baseline.
// - the cluster index: build time, memory (its typed arrays, and the process's RSS growth).
// - GET /api/v1/incidents/clusters per view (1920×1200 px: a 1280×800 screen with the map's
//   margin) at zooms 6–14, every incident since 2012 or a week, p50/p95; baseline: the same
//   cells by SQL GROUP BY with the list's WHERE (store.clusterCountsSql), whose counts must agree.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import type { Role } from '../src/auth/roles.ts';
import { createServiceToken } from '../src/auth/service.ts';
import { loadConfig } from '../src/config.ts';
import type { Db, Queryable } from '../src/db/db.ts';
import { DEMO_PARTIES, seedDemo } from '../src/demo/syria2016.ts';
import { clusterIndexOf } from '../src/incidents/cluster-index.ts';
import { MERC_BITS } from '../src/incidents/clusters.ts';
import { aggregateIncidents, clusterCountsSql, listIncidents, type IncidentFilter, type Visibility } from '../src/incidents/store.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { rng } from '../test/support/random.ts';
import { freshDb } from './database.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { seedIncidents } from './support/incidents-million.ts';

const ADMIN = 'truce_bench-admin-token-0123456789abcdef';
const REQUESTS = Number(process.env.TRUCE_BENCH_REQUESTS ?? 200);
/** The baselines are slow by design: fewer samples of them (the same draws, the first ones). */
const BASELINE = Number(process.env.TRUCE_BENCH_BASELINE_SAMPLES ?? 20);
const SAAF = DEMO_PARTIES.find((p) => p.key === 'saaf')!.id;
const DAY = 86_400_000;
const fmt = (x: number, d = 1) => x.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
const int = (x: number) => Math.round(x).toLocaleString('en-GB');

function pct(xs: number[]): { p50: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
}

async function timed<T>(items: T[], fn: (x: T) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (const x of items.slice(0, 2)) await fn(x); // warm
  const ms: number[] = [];
  for (const x of items) {
    const t0 = performance.now();
    await fn(x);
    ms.push(performance.now() - t0);
  }
  return pct(ms);
}

/** Runs fn with migration 019's window index dropped, then rolls back: the plan before. */
async function without019<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let out: T;
  await db
    .tx(async (q) => {
      await q.exec('DROP INDEX incidents_window_place');
      out = await fn(q);
      throw new Error('roll back');
    })
    .catch((e) => {
      if (e.message !== 'roll back') throw e;
    });
  return out!;
}
async function inTx<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let out: T;
  await db
    .tx(async (q) => {
      out = await fn(q);
      throw new Error('roll back');
    })
    .catch((e) => {
      if (e.message !== 'roll back') throw e;
    });
  return out!;
}

// towns the views centre on (the seeded spread is densest there), and the front lines' middle
const CENTRES: [number, number][] = [
  [36.29, 33.51], [37.16, 36.2], [36.72, 34.73], [36.75, 35.13], [36.63, 35.93], [40.14, 35.33], [39.01, 35.95], [36.1, 32.62], [35.79, 35.52], [38.27, 34.55],
];

/** The box of a w×h-pixel view at a zoom around a centre (Web Mercator). */
function view(c: [number, number], zoom: number, w = 1920, h = 1200): [number, number, number, number] {
  const world = 256 * 2 ** zoom;
  const y = (lat: number) => (1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2;
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * yy))) * 180) / Math.PI;
  const dx = (w / world) * 180;
  const cy = y(c[1]);
  const dy = h / world / 2;
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  return [r(Math.max(-180, c[0] - dx)), r(lat(Math.min(1, cy + dy))), r(Math.min(180, c[0] + dx)), r(lat(Math.max(0, cy - dy)))];
}

async function reused(url: string): Promise<{ db: Db; done: () => Promise<void> }> {
  const db = await openPostgres(url, 6);
  await migrate(db);
  return { db, done: () => db.close() };
}

async function bench(engine: 'pglite' | 'postgres', n: number): Promise<void> {
  console.log(`\n## ${engine}: ${int(n)} incidents\n`);
  // TRUCE_BENCH_REUSE_URL: a database seeded by an earlier run (the same seed: the same incidents), kept
  const reuse = engine === 'postgres' && process.env.TRUCE_BENCH_REUSE_URL;
  const { db, done } = reuse ? await reused(reuse) : await freshDb(engine, 'bench_scale', 6);
  try {
    await ensureFirstAdmin(db, ADMIN);
    await seedDemo(db);
    let shown = 0;
    const have = reuse ? (await aggregateIncidents(db, { all: true }, { status: 'merged' }, 'type')).total + (await aggregateIncidents(db, { all: true }, {}, 'type')).total : 0;
    if (reuse && have !== n) throw new Error(`TRUCE_BENCH_REUSE_URL holds ${have} incidents, not ${n}`);
    const seedMs = reuse ? NaN : await seedIncidents(db, n, {
      onProgress: (d) => {
        if (d - shown >= n / 10 || d === n) process.stdout.write(`  seeded ${int((shown = d))}\r`);
      },
    });
    console.log(reuse ? `reused ${int(n)} seeded incidents` : `seeded ${int(n)} incidents in ${fmt(seedMs / 1000)} s (${int(n / (seedMs / 1000))}/s, indexes built after)`);
    const tokens = {} as Record<Role, string>;
    for (const role of ['secretariat', 'liaison', 'public'] as Role[]) {
      tokens[role] = (await write(db, SYSTEM, (w) => createServiceToken(w, { role, name: `bench ${role}`, partyId: role === 'liaison' ? SAAF : undefined }))).token;
    }
    const config = loadConfig({}, { logLevel: 'silent', adminToken: ADMIN, ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), analyzeIntervalS: 0, clusterWarm: 0, scanRatePerMinute: 1e9 }); // the route's cost is measured, not the per-account bound
    const app = await buildApp({ db, config });
    await app.ready();
    const call = async (role: Role, url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res;
    };
    const roles: [Role, Visibility][] = [
      ['secretariat', { all: true }],
      ['liaison', { all: false, partyId: SAAF }],
      ['public', { all: false, partyId: null }],
    ];
    const r = rng(20161127);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const day = () => Date.UTC(2013, 0, 1) + Math.floor(r() * 6 * 365) * DAY;

    // ---- the list: a bbox and a week
    const lists = Array.from({ length: REQUESTS }, () => {
      const from = day();
      return { bbox: view(pick(CENTRES), 9, 1280, 800), from: new Date(from), to: new Date(from + 7 * DAY - 1) };
    });
    const aggs = Array.from({ length: REQUESTS }, () => {
      const from = day();
      return { from: new Date(from), to: new Date(from + 30 * DAY - 1) };
    });
    console.log(`\n### GET /api/v1/incidents, a bbox (a 1280×800 view at zoom 9 around a town) and a week; ${REQUESTS} requests, ms`);
    console.log('| role | route p50 | route p95 | store p50 / p95 | baseline: without 019, p50 / p95 | p95 ratio |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const [role, v] of roles) {
      const route = await timed(lists, (x) => call(role, `/api/v1/incidents?bbox=${x.bbox.join(',')}&from=${x.from.toISOString()}&to=${x.to.toISOString()}`));
      const page = { sort: '-occurredFrom' as const, limit: 51 };
      const f = (x: (typeof lists)[0]): IncidentFilter => ({ bbox: x.bbox, from: x.from, to: x.to });
      const store = await inTx(db, (q) => timed(lists, (x) => listIncidents(q, v, f(x), page)));
      const base = await without019(db, (q) => timed(lists.slice(0, BASELINE), (x) => listIncidents(q, v, f(x), page)));
      console.log(`| ${role} | ${fmt(route.p50)} | **${fmt(route.p95)}** | ${fmt(store.p50)} / ${fmt(store.p95)} | ${fmt(base.p50)} / ${fmt(base.p95)} | ${fmt(base.p95 / store.p95)}× |`);
    }
    console.log(`\n### GET /api/v1/incidents/aggregates?by=day over 30 days; ${REQUESTS} requests, ms`);
    console.log('| role | route p50 | route p95 | store p50 / p95 | baseline: without 019, p50 / p95 | p95 ratio |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const [role, v] of roles) {
      const route = await timed(aggs, (x) => call(role, `/api/v1/incidents/aggregates?by=day&from=${x.from.toISOString()}&to=${x.to.toISOString()}`));
      const store = await inTx(db, (q) => timed(aggs, (x) => aggregateIncidents(q, v, { from: x.from, to: x.to }, 'day')));
      const base = await without019(db, (q) => timed(aggs.slice(0, BASELINE), (x) => aggregateIncidents(q, v, { from: x.from, to: x.to }, 'day')));
      console.log(`| ${role} | ${fmt(route.p50)} | **${fmt(route.p95)}** | ${fmt(store.p50)} / ${fmt(store.p95)} | ${fmt(base.p50)} / ${fmt(base.p95)} | ${fmt(base.p95 / store.p95)}× |`);
    }

    // ---- the cluster index
    const index = clusterIndexOf(db);
    const rss0 = process.memoryUsage().rss;
    index.reset();
    const t0 = performance.now();
    await index.current();
    const buildMs = performance.now() - t0;
    const s = index.stats();
    console.log(
      `\n### the cluster index\nbuilt in ${fmt(buildMs / 1000, 2)} s (${int(s.incidents / (buildMs / 1000))} incidents/s from ${engine}); ` +
        `${int(s.incidents)} incidents, capacity ${int(s.capacity)}, typed arrays ${fmt(s.bytes / 2 ** 20)} MiB (${fmt(s.bytes / s.incidents)} B per incident); RSS grew ${fmt((process.memoryUsage().rss - rss0) / 2 ** 20)} MiB`,
    );

    // ---- per view
    console.log(`\n### GET /api/v1/incidents/clusters per view (1920×1200 px), ms; baseline: SQL GROUP BY of the same cells`);
    console.log('| zoom | window | role | clusters p50 | clusters p95 | SQL GROUP BY p50 / p95 | p95 ratio | clusters per view |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const perView = Math.max(20, Math.floor(REQUESTS / 4));
    for (const zoom of [6, 8, 10, 12, 14]) {
      for (const span of ['all', 'week'] as const) {
        const asks = Array.from({ length: perView }, () => {
          const from = day();
          return { bbox: view(pick(CENTRES), zoom), ...(span === 'week' ? { from: new Date(from), to: new Date(from + 7 * DAY - 1) } : {}) };
        });
        for (const [role, v] of [roles[0], roles[2]]) {
          let cells = 0;
          const qs = (x: (typeof asks)[0]) => `bbox=${x.bbox.join(',')}&zoom=${zoom}${x.from ? `&from=${x.from.toISOString()}&to=${x.to!.toISOString()}` : ''}`;
          const route = await timed(asks, async (x) => (cells += (await call(role, `/api/v1/incidents/clusters?${qs(x)}`)).json().clusters.length));
          const sql = await timed(asks.slice(0, Math.max(5, BASELINE / 2)), (x) => clusterCountsSql(db, v, { bbox: x.bbox, from: x.from, to: x.to }, zoom));
          // the two agree on the counts of the view
          const x = asks[0];
          const a = (await call(role, `/api/v1/incidents/clusters?${qs(x)}`)).json().inView;
          const b = (await clusterCountsSql(db, v, { bbox: x.bbox, from: x.from, to: x.to }, zoom)).reduce((sum, c) => sum + c.count, 0);
          if (a !== b) throw new Error(`zoom ${zoom} ${span} ${role}: clusters say ${a}, SQL ${b}`);
          console.log(`| ${zoom} | ${span === 'all' ? 'every incident' : 'a week'} | ${role} | ${fmt(route.p50)} | **${fmt(route.p95)}** | ${fmt(sql.p50)} / ${fmt(sql.p95)} | ${fmt(sql.p95 / route.p95)}× | ${int(cells / (asks.length + 2))} |`);
        }
      }
    }
    console.log(`\n(grid: 2^(zoom+2) cells across the world, Web Mercator kept at ${MERC_BITS} bits)`);
    await app.close();
  } finally {
    await done();
  }
}

const pgN = process.env.TRUCE_BENCH_DATABASE_URL ? Number(process.env.TRUCE_BENCH_INCIDENTS ?? 1_000_000) : 0;
const pgliteN = Number(process.env.TRUCE_BENCH_PGLITE_INCIDENTS ?? 100_000);
console.log(`# incidents at scale (load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')})`);
if (pgliteN) await bench('pglite', pgliteN);
if (pgN) await bench('postgres', pgN);
