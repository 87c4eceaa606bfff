// Exports benchmark: N seeded incidents (bench/support/incidents-million.ts) exported over HTTP on
// 127.0.0.1 in each format as the admin sees them (all of them): time to first byte and to the
// first rows, rows/s, and peak memory (RSS and heap, sampled every 20 ms, above the level before
// the export); against a baseline in the same run: the same rows read by plain keyset SELECTs of the
// same page size, on the same database, and discarded.
//   node --import tsx bench/exports.ts [--n N] [--formats geojson,acled,hxl,csv]
//   truce bench exports
//   PGlite by default (N = TRUCE_BENCH_EXPORTS_PGLITE, 200,000); with TRUCE_BENCH_DATABASE_URL=postgres://...
//   PostgreSQL too (N = TRUCE_BENCH_EXPORTS, 1,000,000).
// Goals (issue 11): a 1,000,000-incident export starts in under a second and runs in bounded memory.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import { freshDb } from './database.ts';
import { seedIncidents } from './support/incidents-million.ts';

const { values: args } = parseArgs({
  options: { n: { type: 'string' }, formats: { type: 'string', default: 'geojson,acled,hxl,csv' } },
  allowPositionals: true,
  strict: false,
});
const FORMATS = String(args.formats).split(',');
const ADMIN = `truce_bench-admin-${'x'.repeat(24)}`;
const fmt = (n: number, d = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (b: number) => `${fmt(b / 2 ** 20, 0)} MB`;

/** Samples RSS and heap until stopped: the peaks above what they were at the start. */
function sampler() {
  global.gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  return () => {
    clearInterval(timer);
    return { rss: rss - base.rss, heap: heap - base.heapUsed, rssPeak: rss, heapPeak: heap };
  };
}

interface Run {
  ttfbMs: number;
  firstRowsMs: number;
  totalMs: number;
  rows: number;
  bytes: number;
  mem: ReturnType<ReturnType<typeof sampler>>;
}

/** Downloads one export, counting lines and discarding the bytes. */
function download(base: string, format: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const stop = sampler();
    const t0 = performance.now();
    let ttfb = 0;
    let firstRows = 0;
    let lines = 0;
    let bytes = 0;
    const req = http.get(`${base}/api/v1/exports/incidents?format=${format}`, { headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`${format}: status ${res.statusCode}`));
      const header = format === 'hxl' ? 2 : 1;
      res.on('data', (b: Buffer) => {
        const now = performance.now();
        if (!ttfb) ttfb = now - t0;
        bytes += b.length;
        for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
        if (!firstRows && lines > header) firstRows = now - t0;
      });
      res.on('end', () => {
        const totalMs = performance.now() - t0;
        // CSV: a line per row after the header rows; GeoJSON: a line per feature between the opening and closing lines
        const rows = format === 'geojson' ? lines - 2 : lines - header;
        resolve({ ttfbMs: ttfb, firstRowsMs: firstRows, totalMs, rows, bytes, mem: stop() });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The baseline: the same rows by plain keyset SELECTs of the export's page size, discarded. */
async function plainSelect(db: Db, page: number): Promise<{ totalMs: number; rows: number; mem: Run['mem'] }> {
  const stop = sampler();
  const t0 = performance.now();
  let rows = 0;
  let after: [Date, string] | null = null;
  for (;;) {
    const got: Record<string, any>[] = await db.query(
      `SELECT i.*, ST_AsGeoJSON(i.location) AS geojson FROM incidents i WHERE i.status <> 'merged'
       ${after ? 'AND (i.occurred_from, i.id) < ($1, $2::uuid)' : ''} ORDER BY i.occurred_from DESC, i.id DESC LIMIT ${page}`,
      after ?? [],
    );
    rows += got.length;
    if (got.length < page) break;
    const last = got[got.length - 1];
    after = [last.occurred_from, last.id];
  }
  return { totalMs: performance.now() - t0, rows, mem: stop() };
}

async function bench(engine: 'pglite' | 'postgres', n: number) {
  process.stdout.write(`\n== ${engine}: ${fmt(n)} incidents ==\n`);
  const { db, done } = await freshDb(engine, 'truce_bench_exports', 10);
  try {
    await seedDemo(db); // the parties the incidents name
    const seedMs = await seedIncidents(db, n, { onProgress: (k) => k % 100_000 === 0 && process.stdout.write(`  seeded ${fmt(k)}\r`) });
    process.stdout.write(`  seeded ${fmt(n)} in ${fmt(seedMs / 1000, 1)} s\n`);
    const config = loadConfig({}, {
      logLevel: 'silent', adminToken: ADMIN, analyzeIntervalS: 0, port: 0, exportsPerAccount: 10, exportsMax: 10,
      ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    await ensureFirstAdmin(db, ADMIN);
    const app = await buildApp({ db, config });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const baseline = await plainSelect(db, config.exportChunkRows);
      const baseRate = baseline.rows / (baseline.totalMs / 1000);
      process.stdout.write(
        `  baseline (plain keyset SELECT, pages of ${fmt(config.exportChunkRows)}, discarded): ${fmt(baseline.rows)} rows in ${fmt(baseline.totalMs / 1000, 1)} s = ${fmt(baseRate)} rows/s; ` +
          `peak RSS +${mb(baseline.mem.rss)}, heap +${mb(baseline.mem.heap)}\n`,
      );
      process.stdout.write('  format   | first byte | first rows | total   | rows      | rows/s  | vs baseline | MB out | peak RSS (above start) | peak heap (above start)\n');
      for (const f of FORMATS) {
        const r = await download(base, f);
        if (r.rows !== baseline.rows) throw new Error(`${f}: ${r.rows} rows, the baseline read ${baseline.rows}`);
        const rate = r.rows / (r.totalMs / 1000);
        process.stdout.write(
          `  ${f.padEnd(8)} | ${fmt(r.ttfbMs).padStart(7)} ms | ${fmt(r.firstRowsMs).padStart(7)} ms | ${fmt(r.totalMs / 1000, 1).padStart(5)} s | ${fmt(r.rows).padStart(9)} | ${fmt(rate).padStart(7)} | ${fmt(rate / baseRate, 2).padStart(11)} | ${fmt(r.bytes / 2 ** 20).padStart(6)} | ` +
            `${mb(r.mem.rssPeak)} (+${mb(r.mem.rss)}) | ${mb(r.mem.heapPeak)} (+${mb(r.mem.heap)})\n`,
        );
      }
    } finally {
      await app.close();
    }
  } finally {
    await done();
  }
}

const pgN = Number(args.n ?? process.env.TRUCE_BENCH_EXPORTS ?? 1_000_000);
const pgliteN = Number(args.n ?? process.env.TRUCE_BENCH_EXPORTS_PGLITE ?? 200_000);
if (process.env.TRUCE_BENCH_ENGINES !== 'postgres') await bench('pglite', pgliteN);
if (process.env.TRUCE_BENCH_DATABASE_URL) await bench('postgres', pgN);
