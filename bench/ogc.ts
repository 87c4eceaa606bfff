// OGC API – Features benchmark (issue 11): items pages of /ogc/collections/incidents over a
// seeded large desk (bench/support/incidents-million.ts), on the real HTTP server (127.0.0.1),
// against GET /api/v1/incidents with the same filters and page size as the baseline, in the same
// run. The OGC page does what the list does plus an exact count (numberMatched); the ratio shows
// what that count costs. Deep pages follow the next links (keyset cursors, not offsets).
//   TRUCE_BENCH_DATABASE_URL=postgres://... node bin/truce.js bench ogc
//   (without TRUCE_BENCH_DATABASE_URL: PGlite in memory, default 20,000 incidents)
//   Sizes: TRUCE_BENCH_OGC_N (incidents; 100,000 on PostgreSQL), TRUCE_BENCH_OGC_REQUESTS (200 per
//   figure), TRUCE_BENCH_OGC_DEPTH (50 pages in for the deep page); or --n/--requests/--depth with
//   node --import tsx bench/ogc.ts.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import type { Role } from '../src/auth/roles.ts';
import { createServiceToken } from '../src/auth/service.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_PARTIES, seedDemo } from '../src/demo/syria2016.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { freshDb } from './database.ts';
import { seedIncidents } from './support/incidents-million.ts';

const engine = process.env.TRUCE_BENCH_DATABASE_URL ? 'postgres' : 'pglite';
const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.TRUCE_BENCH_OGC_N ?? (engine === 'postgres' ? '100000' : '20000') },
    requests: { type: 'string', default: process.env.TRUCE_BENCH_OGC_REQUESTS ?? '200' },
    depth: { type: 'string', default: process.env.TRUCE_BENCH_OGC_DEPTH ?? '50' },
  },
  allowPositionals: true,
  strict: false,
});
const N = Number(args.n);
const REQUESTS = Number(args.requests);
const DEPTH = Number(args.depth);
const fmt = (n: number, d = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: d });
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const T0 = performance.now();
const log = (s: string) => console.log(`[${((performance.now() - T0) / 1000).toFixed(0).padStart(4)} s] ${s}`);

const ADMIN_TOKEN = 'truce_bench-ogc-admin-token-0123456789';
const { db, done } = await freshDb(engine, 'truce_bench_ogc', 10);
const config = loadConfig({}, { logLevel: 'silent', adminToken: ADMIN_TOKEN, ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), analyzeIntervalS: 0, scanRatePerMinute: 1e9 }); // the route's cost is measured, not the per-account bound
await ensureFirstAdmin(db, ADMIN_TOKEN);
await seedDemo(db);
const tokens: Partial<Record<Role, string>> = { admin: ADMIN_TOKEN };
for (const role of ['liaison', 'public'] as Role[]) {
  const partyId = role === 'liaison' ? DEMO_PARTIES.find((p) => p.key === 'saaf')!.id : undefined;
  tokens[role] = (await write(db, SYSTEM, (w) => createServiceToken(w, { role, name: `bench ${role}`, partyId }))).token;
}
log(`seeding ${fmt(N, 0)} incidents on ${engine}…`);
const seedMs = await seedIncidents(db, N, { onProgress: (d) => d % 100_000 === 0 && log(`  ${fmt(d, 0)}`) });
log(`seeded in ${fmt(seedMs / 1000)} s`);

const app = await buildApp({ db, config });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

async function get(role: Role, url: string, accept = 'application/json'): Promise<{ ms: number; body: any }> {
  const t = performance.now();
  const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${tokens[role]}`, accept } });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** p50 and p95 of REQUESTS sequential calls after a warm-up of a tenth as many. */
async function measure(call: () => Promise<{ ms: number }>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < Math.max(5, REQUESTS / 10); i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) ms.push((await call()).ms);
  ms.sort((a, b) => a - b);
  return { p50: pct(ms, 0.5), p95: pct(ms, 0.95) };
}

// views a GIS officer asks for: the whole desk, a city (Aleppo) over a month, the country over a week
const VIEWS: { name: string; ogc: string; api: string }[] = [
  { name: 'everything, newest first', ogc: '', api: '' },
  { name: 'Aleppo (bbox), one month', ogc: 'bbox=37.0,36.1,37.3,36.3&datetime=2016-02-01T00:00:00Z/2016-03-01T00:00:00Z', api: 'bbox=37.0,36.1,37.3,36.3&from=2016-02-01T00:00:00Z&to=2016-03-01T00:00:00Z' },
  { name: 'Syria (bbox), one week', ogc: 'bbox=35.5,32.3,42.4,37.4&datetime=2016-02-22T00:00:00Z/2016-02-29T00:00:00Z', api: 'bbox=35.5,32.3,42.4,37.4&from=2016-02-22T00:00:00Z&to=2016-02-29T00:00:00Z' },
  { name: 'open end: since 2018', ogc: 'datetime=2018-01-01T00:00:00Z/..', api: 'from=2018-01-01T00:00:00Z' },
];

const rows: string[] = [];
for (const role of ['admin', 'public'] as Role[]) {
  for (const v of VIEWS) {
    const first = await get(role, `/ogc/collections/incidents/items?limit=100${v.ogc ? `&${v.ogc}` : ''}`, 'application/geo+json');
    const ogc = await measure(() => get(role, `/ogc/collections/incidents/items?limit=100${v.ogc ? `&${v.ogc}` : ''}`, 'application/geo+json'));
    const api = await measure(() => get(role, `/api/v1/incidents?limit=100${v.api ? `&${v.api}` : ''}`, 'application/geo+json'));
    const line = `| ${role} | ${v.name} | ${fmt(first.body.numberMatched, 0)} | ${fmt(ogc.p50)} / ${fmt(ogc.p95)} | ${fmt(api.p50)} / ${fmt(api.p95)} | ${fmt(ogc.p50 / api.p50, 2)}× |`;
    rows.push(line);
    log(line);
  }
}

// deep pages: follow next links DEPTH pages in, then time the page there (and the API's page at the same depth)
const deep = async (role: Role, first: string, nextOf: (body: any) => string | null) => {
  let url: string | null = first;
  for (let i = 0; i < DEPTH && url; i++) url = nextOf((await get(role, url, 'application/geo+json')).body);
  return url;
};
const ogcDeep = await deep('admin', '/ogc/collections/incidents/items?limit=100', (b) => b.links.find((l: any) => l.rel === 'next')?.href.replace(base, '') ?? null);
const apiDeep = await deep('admin', '/api/v1/incidents?limit=100', (b) => (b.next ? `/api/v1/incidents?limit=100&cursor=${encodeURIComponent(b.next)}` : null));
if (ogcDeep && apiDeep) {
  const matched = (await get('admin', ogcDeep, 'application/geo+json')).body.numberMatched;
  const ogc = await measure(() => get('admin', ogcDeep, 'application/geo+json'));
  const api = await measure(() => get('admin', apiDeep, 'application/geo+json'));
  const line = `| admin | page ${DEPTH + 1} (after ${fmt(DEPTH * 100, 0)} features, by next links) | ${fmt(matched, 0)} | ${fmt(ogc.p50)} / ${fmt(ogc.p95)} | ${fmt(api.p50)} / ${fmt(api.p95)} | ${fmt(ogc.p50 / api.p50, 2)}× |`;
  rows.push(line);
  log(line);
}

console.log(`\nOGC API items pages, ${fmt(N, 0)} seeded incidents on ${engine}, limit 100, ${REQUESTS} sequential requests each over HTTP on 127.0.0.1 (ms):\n`);
console.log('| role | view | numberMatched | /ogc items p50 / p95 | baseline GET /api/v1/incidents p50 / p95 | ratio (p50) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
await app.close();
await done();
