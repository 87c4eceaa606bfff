// Reports benchmark: ingest seeded reports through POST /api/v1/reports/batch on a real HTTP
// server (127.0.0.1), with enrichment, grouping and the ledger, and beside it, in the same run,
// a raw batched INSERT of the same rows (as stored) into a fresh database of the same engine.
//   node --import tsx bench/reports.ts [--n 100000] [--batch 1000] [--concurrency C] [--no-key]
//   (PGlite; with TRUCE_BENCH_DATABASE_URL=postgres://... PostgreSQL too; TRUCE_BENCH_REPORTS=N as --n)
// Goals (issue 9): 2,000 reports/s on PGlite, 10,000 on PostgreSQL, and at least 30% of the raw rate.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { DEMO_PARTIES, seedDemo } from '../src/demo/syria2016.ts';
import { seedDemoMap } from '../src/demo/syria2016-map.ts';
import { insertReportsRaw, type NewReport } from '../src/incidents/reports.store.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { freshDb } from './database.ts';
import { lcg } from '../test/support/random.ts';

/**
 * PGlite in a data folder, as the product runs it (not in memory: Emscripten's in-memory files
 * grow by copying, 12% at a time, and copying the write-ahead log cost a tenth of the run).
 */
async function database(engine: string, name: string): Promise<{ db: Db; done: () => Promise<void> }> {
  if (engine !== 'pglite' || process.env.TRUCE_BENCH_PGLITE_MEMORY) return freshDb(engine, name, 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const db = await openPglite({ dataDir: dir });
  await migrate(db);
  return {
    db,
    done: async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: process.env.TRUCE_BENCH_REPORTS ?? '100000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string' },
    'no-key': { type: 'boolean', default: false },
  },
  allowPositionals: true,
  strict: false,
});
const N = Number(args.n);
const BATCH = Number(args.batch);
const fmt = (n: number, d = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: d });

// ---- the seeded generator ----

const rnd = lcg(20160227);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
/** Places where reports cluster (towns of the 2016 map): events fall within ~15 km of one. */
const HOTSPOTS: [number, number][] = [
  [36.405, 33.571], [36.233, 33.456], [36.096, 33.69], [37.16, 36.2], [36.63, 35.93], [36.1, 32.62], [36.72, 34.73], [36.75, 35.13],
  [40.14, 35.33], [39.01, 35.95], [35.78, 35.52], [36.52, 35.6], [36.35, 33.51], [35.93, 34.89], [38.27, 34.55], [37.05, 36.59],
];
const PLACE_NAMES = ['Madaya', 'Darayya', 'Douma', 'Harasta', 'Zabadani', 'Kafr Batna', 'Deir ez-Zor', 'Saqba'];
const TYPES = ['shelling', 'shelling', 'airstrike', 'airstrike', 'ground_attack', 'sniper_fire', 'attack_on_civilians', 'cross_border_fire', 'siege_or_aid_denial', 'position_enhancement'] as const;
const ALT: Record<string, string> = { shelling: 'airstrike', airstrike: 'shelling', ground_attack: 'sniper_fire', sniper_fire: 'ground_attack', cross_border_fire: 'shelling' };
const PARTIES = DEMO_PARTIES.map((p) => p.id);
const START = Date.parse('2016-02-27T00:00:00Z');
const WORDS = ['shells', 'fell', 'near', 'the', 'market', 'witnesses', 'reported', 'two', 'strikes', 'on', 'a', 'residential', 'building', 'casualties', 'were', 'taken', 'to', 'hospital'];
const text = () => Array.from({ length: 20 + Math.floor(rnd() * 50) }, () => pick(WORDS)).join(' ');

/**
 * Events in time order over about 50 days (the rate that N reports makes), each reported 1 to 5
 * times (mean 2.4) from within 1.5 km and 2 h of it, filed within 6 h: so a batch interleaves
 * events and some join incidents of earlier batches. 88% exact points, 5% near, 3% only the
 * sub-district, 2% a place name alone; 8% dated to the day only.
 */
function generate(n: number) {
  const out: { filedAt: number; body: Record<string, unknown> }[] = [];
  const span = 50 * 86_400_000;
  const events = Math.ceil(n / 2.4);
  for (let e = 0; out.length < n; e++) {
    const at = START + (e / events) * span;
    const [hx, hy] = pick(HOTSPOTS);
    const [ex, ey] = [hx + (rnd() - 0.5) * 0.3, hy + (rnd() - 0.5) * 0.25];
    const type = pick(TYPES);
    const reports = 1 + Math.min(4, Math.floor(-Math.log(1 - rnd()) * 1.4));
    const perpetrator = pick(PARTIES);
    for (let r = 0; r < reports && out.length < n; r++) {
      const when = at + (rnd() - 0.5) * 4 * 3_600_000;
      const p = rnd();
      const body: Record<string, unknown> = {
        channel: pick(['api', 'hotline', 'web', 'open_source']),
        occurredAt: new Date(when).toISOString(),
        eventType: rnd() < 0.2 && ALT[type] ? ALT[type] : type,
        perpetratorPartyIds: rnd() < 0.6 ? [perpetrator] : [],
        targetPartyIds: rnd() < 0.3 ? [pick(PARTIES)] : [],
        text: text(),
      };
      if (rnd() < 0.08) body.occurredPrecision = 'day';
      if (p < 0.02) body.placeName = pick(PLACE_NAMES);
      else {
        body.location = { type: 'Point', coordinates: [Math.round((ex + (rnd() - 0.5) * 0.027) * 1e5) / 1e5, Math.round((ey + (rnd() - 0.5) * 0.027) * 1e5) / 1e5] };
        if (p > 0.97) body.locationPrecision = 'adm3';
        else if (p > 0.92) body.locationPrecision = 'near';
      }
      if (rnd() < 0.5) body.casualties = { killed: { best: Math.floor(rnd() * 6) }, ...(rnd() < 0.4 ? { injured: { best: Math.floor(rnd() * 20), high: 25 } } : {}) };
      if (rnd() < 0.3) body.sources = [{ url: `https://example.org/report/${e}-${r}`, description: 'a local news site' }];
      out.push({ filedAt: when + rnd() * 6 * 3_600_000, body });
    }
  }
  return out.sort((a, b) => a.filedAt - b.filedAt).map((x) => x.body);
}

// ---- the runs ----

/** TRUCE_BENCH_SQL=1: the time each statement took, and this process's CPU meanwhile (on PGlite, the engine's work), per report; run it with --concurrency 1. */
function timed(db: Db) {
  const stats = new Map<string, { ms: number; wall: number; n: number }>();
  const wrap = <Q extends { query: Db['query'] }>(q: Q): Q => {
    const query = async (text: string, params?: unknown[]) => {
      const t = process.cpuUsage();
      const t0 = performance.now();
      try {
        return await q.query(text, params);
      } finally {
        const k = text.replace(/\s+/g, ' ').slice(0, 70);
        const s = stats.get(k) ?? { ms: 0, wall: 0, n: 0 };
        const c = process.cpuUsage(t);
        s.ms += (c.user + c.system) / 1000;
        s.wall += performance.now() - t0;
        s.n++;
        stats.set(k, s);
      }
    };
    return Object.assign(Object.create(q), { query }) as Q;
  };
  const wrapped = Object.assign(Object.create(db), { query: wrap(db).query, tx: (fn: (q: never) => Promise<unknown>) => db.tx((q) => fn(wrap(q) as never)) }) as Db;
  return {
    db: wrapped,
    print(n: number) {
      for (const [k, s] of [...stats].sort((a, b) => b[1].wall - a[1].wall).slice(0, 14)) {
        console.log(`  ${fmt((s.wall / n) * 1000, 1).padStart(6)} µs/report (this process's CPU ${fmt((s.ms / n) * 1000, 1).padStart(5)})  ${String(s.n).padStart(5)}×  ${k}`);
      }
    },
  };
}

/** TRUCE_BENCH_PROFILE=path: a CPU profile of this process while the API run goes (open it in Chrome's DevTools). */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const fs = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const TOKEN = 'truce_bench-admin-token-000000000000000';

/** The client thread: the same seeded rows, posted in batches after a warm-up batch the server thread waits on. */
async function client({ url, n, batch, concurrency, noKey }: { url: string; n: number; batch: number; concurrency: number; noKey: boolean }) {
  const rows = generate(n);
  const bodies: string[] = [];
  for (let i = 0; i < rows.length; i += batch) bodies.push(JSON.stringify({ reports: rows.slice(i, i + batch) }));
  const post = async (i: number) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    if (!noKey) headers['idempotency-key'] = `bench-batch-${i}`;
    const res = await fetch(`${url}/api/v1/reports/batch`, { method: 'POST', headers, body: bodies[i] });
    const out = (await res.json()) as { accepted: number; rejected: number; results: { status: string; code?: string; errors?: unknown }[] };
    if (res.status !== 200) throw new Error(`batch ${i}: ${res.status} ${JSON.stringify(out).slice(0, 500)}`);
    if (out.rejected) throw new Error(`batch ${i}: ${out.rejected} rejected, e.g. ${JSON.stringify(out.results.find((r) => r.status === 'rejected'))}`);
    return out.accepted;
  };
  await post(0); // warm-up: the gazetteer, the reference data, the prepared statements (counted in the totals, not in the rate)
  await new Promise<void>((resolve) => {
    parentPort!.once('message', () => resolve());
    parentPort!.postMessage({ warm: true });
  });
  const t0 = performance.now();
  let next = 1;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const n = await post(next++); // not `accepted += await`: that reads accepted before the wait
        accepted += n;
      }
    }),
  );
  parentPort!.postMessage({ accepted, ms: performance.now() - t0 });
}

async function viaApi(engine: string, rows: number, concurrency: number) {
  const { db, done } = await database(engine, 'truce_bench_reports');
  const config = loadConfig({}, { logLevel: 'silent', adminToken: TOKEN, ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), analyzeIntervalS: 0 });
  await ensureFirstAdmin(db, TOKEN);
  await seedDemo(db);
  await seedDemoMap(db, config);
  const sql = process.env.TRUCE_BENCH_SQL ? timed(db) : null;
  const app = await buildApp({ db: sql?.db ?? db, config });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const profiler = process.env.TRUCE_BENCH_PROFILE ? await startProfile() : null;
  // The client (generating, serialising and posting the batches, reading the answers) runs in its
  // own thread with its own heap, as a client would: the server's event loop and GC are its own.
  // (A worker of a .ts file needs tsx registered in it: Node 20 does not pass --import on.)
  const size0: { n: number } = { n: 0 };
  const elu0 = { v: performance.eventLoopUtilization() };
  const worker = new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); });`, { eval: true, workerData: { url, n: rows, batch: BATCH, concurrency, noKey: args['no-key'] } });
  const done_ = new Promise<{ accepted: number; ms: number }>((resolve, reject) => {
    worker.on('message', async (m: { warm?: true; accepted?: number; ms?: number }) => {
      if (m.warm) {
        size0.n = Number((await db.query('SELECT size FROM ledger_state'))[0].size);
        elu0.v = performance.eventLoopUtilization();
        worker.postMessage('go');
      } else resolve(m as { accepted: number; ms: number });
    });
    worker.on('error', reject);
  });
  const cpu0 = process.cpuUsage();
  const { accepted, ms } = await done_;
  const elu = performance.eventLoopUtilization(elu0.v);
  const cpu = process.cpuUsage(cpu0);
  if (profiler) await profiler.stop(`${process.env.TRUCE_BENCH_PROFILE}-${engine}.cpuprofile`);
  if (sql) sql.print(accepted);
  const [{ reports, incidents, reported }] = await db.query(
    `SELECT (SELECT count(*)::int FROM reports) AS reports, (SELECT count(*)::int FROM incidents) AS incidents, (SELECT count(*)::int FROM incident_reports) AS reported`,
  );
  const leaves = Number((await db.query('SELECT size FROM ledger_state'))[0].size) - size0.n;
  const stored = await storedRows(db);
  await app.close();
  await done();
  return { accepted, ms, rate: (accepted / ms) * 1000, cpuMsPerReport: (cpu.user + cpu.system) / 1000 / accepted, elu: elu.utilization, reports, incidents, reported, leaves, stored };
}

/** The rows as intake stored them, to insert raw. */
async function storedRows(db: Db): Promise<NewReport[]> {
  const rows = await db.query(`SELECT *, ST_X(location) AS lon, ST_Y(location) AS lat FROM reports ORDER BY seq`);
  const iso = (d: Date) => d.toISOString();
  return rows.map((r) => ({
    id: r.id, channel: r.channel, occurred_at: iso(r.occurred_at), occurred_precision: r.occurred_precision, occurred_from: iso(r.occurred_from), occurred_to: iso(r.occurred_to),
    lon: r.lon === null ? null : Number(r.lon), lat: r.lat === null ? null : Number(r.lat), location_precision: r.location_precision, place_name: r.place_name, event_type: r.event_type,
    perpetrator_party_ids: r.perpetrator_party_ids, target_party_ids: r.target_party_ids, casualties: r.casualties, sources: r.sources, text: r.text, source_ref: r.source_ref,
    reporter_id: r.reporter_id, reporter_role: r.reporter_role, reporter_party_id: r.reporter_party_id, reporter_organisation: r.reporter_organisation, enrichment: r.enrichment,
  }));
}

async function raw(engine: string, rows: NewReport[], concurrency: number) {
  const { db, done } = await database(engine, 'truce_bench_reports_raw');
  const batches: NewReport[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
  await db.tx((q) => insertReportsRaw(q, batches[0])); // the same warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        await db.tx((q) => insertReportsRaw(q, b));
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const n = rows.length - batches[0].length;
  await done();
  return { ms, rate: (n / ms) * 1000, cpuMsPerReport: (cpu.user + cpu.system) / 1000 / n };
}

if (!isMainThread) await client(workerData);
else {
  const engines = process.env.TRUCE_BENCH_ENGINES ? process.env.TRUCE_BENCH_ENGINES.split(',') : ['pglite', ...(process.env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])];
  console.log(`reports benchmark: ${fmt(N)} seeded reports in batches of ${BATCH}${args['no-key'] ? '' : ', each batch with an Idempotency-Key'}; ${new Date().toISOString()}`);
  for (const engine of engines) {
    const concurrency = Number(args.concurrency ?? (engine === 'pglite' ? 1 : 4)); // PGlite runs one statement at a time in this thread: a second batch in flight only interleaves
    const api = await viaApi(engine, N, concurrency);
    const base = await raw(engine, api.stored, concurrency);
    const counted = api.accepted;
    console.log(`\n${engine} (${concurrency} batches in flight)`);
    console.log(`  through the API:  ${fmt(api.rate)} reports/s (${fmt(counted)} after the warm-up batch in ${fmt(api.ms / 1000, 1)} s; the server thread's event loop busy ${fmt(api.elu * 100)}%; the process's CPU, client thread included, ${fmt(api.cpuMsPerReport, 3)} ms/report)`);
    console.log(`  raw INSERT:       ${fmt(base.rate)} rows/s (the same rows; CPU ${fmt(base.cpuMsPerReport, 3)} ms/row)`);
    console.log(`  ratio:            ${fmt((api.rate / base.rate) * 100, 1)}% of raw (goal ≥ 30%); goal ${engine === 'pglite' ? '2,000' : '10,000'} reports/s`);
    console.log(`  stored:           ${fmt(api.reports)} reports, ${fmt(api.incidents)} incidents (${fmt(api.reports / api.incidents, 2)} reports each), ${fmt(api.leaves)} leaves (${fmt(api.leaves / counted, 2)} per report)`);
    if (api.reported !== api.reports) throw new Error(`${api.reports - api.reported} reports in no incident`);
  }
}
