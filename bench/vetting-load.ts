// The vetting benchmark's data into a database, and the server's settings and request bodies:
// shared by bench/vetting.ts and the restart it times in a process of its own (vetting-restart.ts).
import { fork, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import type { Position } from '../src/geo/shapes.ts';
import { appendLeaves, SYSTEM, type PendingLeaf } from '../src/ledger/ledger.ts';
import type { BenchData, BenchTarget } from './vetting-data.ts';
import type { ServerReady, ServerSpec } from './vetting-server.ts';

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// Loading the generated data into a database: big batches through jsonb_to_recordset, each batch
// with its ledger leaves appended in the same transaction (as every write is recorded).

/** A Polygon as hex EWKB (SRID 4326, little-endian): PostGIS reads it far faster than GeoJSON. */
function ewkbPolygon(rings: Position[][]): string {
  const n = rings.reduce((s, r) => s + r.length, 0);
  const b = Buffer.alloc(13 + 4 * rings.length + 16 * n);
  b.writeUInt8(1, 0);
  b.writeUInt32LE(0x20000003, 1);
  b.writeUInt32LE(4326, 5);
  b.writeUInt32LE(rings.length, 9);
  let o = 13;
  for (const r of rings) {
    b.writeUInt32LE(r.length, o);
    o += 4;
    for (const [x, y] of r) {
      b.writeDoubleLE(x, o);
      b.writeDoubleLE(y, o + 8);
      o += 16;
    }
  }
  return b.toString('hex');
}

export async function loadData(db: Db, data: BenchData): Promise<{ s: number; territoriesS: number; sitesS: number; corridorsS: number }> {
  const t0 = performance.now();
  await seedDemo(db);
  const leaves = (action: string, type: PendingLeaf['type'], ids: string[]): PendingLeaf[] => ids.map((id) => ({ action, type, id }));
  // territory: polygons into a staging table in batches of ~400k vertices, then one row per version
  await db.exec('CREATE TEMP TABLE IF NOT EXISTS bench_polys (tid uuid, k int, geom geometry(Polygon, 4326))');
  for (const t of data.territories) {
    let batch: { tid: string; k: number; h: string }[] = [];
    let v = 0;
    const flush = async () => {
      if (!batch.length) return;
      await db.query(`INSERT INTO bench_polys SELECT tid, k, ST_GeomFromEWKB(decode(h, 'hex')) FROM jsonb_to_recordset($1::jsonb) AS x(tid uuid, k int, h text)`, [JSON.stringify(batch)]);
      batch = [];
      v = 0;
    };
    for (let k = 0; k < t.polygons.length; k++) {
      batch.push({ tid: t.id, k, h: ewkbPolygon(t.polygons[k]) });
      v += t.polygons[k][0].length;
      if (v > 400_000) await flush();
    }
    await flush();
    await db.tx(async (q) => {
      await q.query(
        `INSERT INTO territories (id, party_id, geom, valid_from, source)
         SELECT $1, $2, ST_Multi(ST_Collect(geom ORDER BY k)), $3, 'truce bench vetting' FROM bench_polys WHERE tid = $1`,
        [t.id, t.partyId, iso(t.validFrom)],
      );
      await appendLeaves(q, SYSTEM, leaves('territory.recorded', 'territory', [t.id]));
    });
    await db.query('DELETE FROM bench_polys WHERE tid = $1', [t.id]);
  }
  const territoriesS = (performance.now() - t0) / 1000;
  let t1 = performance.now();
  for (let s = 0; s < data.sites.length; s += 10_000) {
    const rows = data.sites.slice(s, s + 10_000).map((x) => ({ id: x.id, kind: x.kind, name: x.name, g: x.geometry, b: x.bufferM, f: iso(x.validFrom), t: x.validTo === null ? null : iso(x.validTo) }));
    await db.tx(async (q) => {
      await q.query(
        `INSERT INTO sites (id, kind, name, geom, buffer_m, valid_from, valid_to, organisation)
         SELECT id, kind, name, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), b, f, t, 'Bench agency'
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, kind text, name text, g jsonb, b float8, f timestamptz, t timestamptz)`,
        [JSON.stringify(rows)],
      );
      await appendLeaves(q, SYSTEM, leaves('site.notified', 'site', rows.map((r) => r.id)));
    });
  }
  const sitesS = (performance.now() - t1) / 1000;
  t1 = performance.now();
  const rows = data.corridors.map((x) => ({ id: x.id, name: x.name, g: { type: 'LineString', coordinates: x.coordinates }, w: x.widthM, f: iso(x.validFrom), t: iso(x.validTo) }));
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO corridors (id, name, geom, width_m, valid_from, valid_to)
       SELECT id, name, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), w, f, t
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, name text, g jsonb, w float8, f timestamptz, t timestamptz)`,
      [JSON.stringify(rows)],
    );
    await appendLeaves(q, SYSTEM, leaves('corridor.created', 'corridor', rows.map((r) => r.id)));
  });
  const corridorsS = (performance.now() - t1) / 1000;
  await db.exec('ANALYZE territories; ANALYZE sites; ANALYZE corridors');
  return { s: (performance.now() - t0) / 1000, territoriesS, sitesS, corridorsS };
}

export const BENCH_TOKEN = 'truce_bench-admin-token-000000000000000';
export const benchConfig = (over: Record<string, unknown> = {}) =>
  loadConfig({}, {
    logLevel: 'silent',
    adminToken: BENCH_TOKEN,
    vettingRatePerMinute: 1_000_000_000,
    vettingTaskForceRatePerMinute: 1_000_000_000, // the admin's own budget: the bench measures the route, not the bound
    ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ...over,
  });
export const vetBody = (t: BenchTarget) => JSON.stringify({ target: t.target, ...(t.radiusM > 0 ? { radiusM: t.radiusM } : {}), at: iso(t.at), requestingPartyId: t.party.id });


// autocannon in a process of its own, so the load does not share the server's event loop
const AUTOCANNON_CHILD = `
const autocannon = require(process.env.AC_PATH);
const fs = require('node:fs');
const o = JSON.parse(fs.readFileSync(process.env.AC_OPTS, 'utf8'));
const bodies = o.bodies ? JSON.parse(fs.readFileSync(o.bodies, 'utf8')) : null;
let seed = 12345;
const pick = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return bodies[seed % bodies.length]; };
const req = { method: o.method, path: o.path, headers: o.headers };
if (bodies) req.setupRequest = (r) => ({ ...r, body: pick() });
autocannon({ url: o.url, connections: o.connections, duration: o.duration, maxOverallRequests: o.maxOverallRequests, requests: [req] }, (err, res) => {
  if (err) { console.error(err); process.exit(1); }
  process.stdout.write(JSON.stringify({ rps: res.requests.average, total: res.requests.total, p50: res.latency.p50, p99: res.latency.p99, non2xx: res.non2xx, errors: res.errors, timeouts: res.timeouts, duration: res.duration, codes: { '2xx': res['2xx'], '4xx': res['4xx'], '5xx': res['5xx'] } }));
});`;

export interface Cannon {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  codes: Record<string, number>;
}

export function cannon(opts: { url: string; method: string; path: string; headers: Record<string, string>; connections: number; duration: number; maxOverallRequests: number; bodies?: string }): Promise<Cannon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-bench-'));
  const optsFile = path.join(dir, 'opts.json');
  fs.writeFileSync(optsFile, JSON.stringify(opts));
  const acPath = createRequire(import.meta.url).resolve('autocannon');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', AUTOCANNON_CHILD], { env: { ...process.env, AC_PATH: acPath, AC_OPTS: optsFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`autocannon exited with ${code}`));
    });
  });
}


export interface Served {
  url: string;
  ready: ServerReady;
  counts(): Promise<{ statements: number; tx: number }>;
  /** Once the app's start-up loads have settled: ms from buildApp. */
  warmed(): Promise<number>;
  close(): Promise<void>;
}

/** A server in a process of its own (vetting-server.ts), once it listens. */
export function serve(spec: ServerSpec): Promise<Served> {
  const child = fork(fileURLToPath(new URL('./vetting-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TRUCE_BENCH_SERVER: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (v: unknown) => void>();
  const next = <T>(key: string) => new Promise<T>((resolve) => waiting.set(key, resolve as (v: unknown) => void));
  child.on('message', (m: Record<string, unknown>) => {
    for (const k of Object.keys(m)) {
      waiting.get(k)?.(m[k]);
      waiting.delete(k);
    }
  });
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`the bench server exited with ${code} before it listened`));
    child.once('exit', failed);
    void next<ServerReady>('ready').then((ready) => {
      child.off('exit', failed);
      resolve({
        url: ready.url,
        ready,
        counts: () => {
          const p = next<{ statements: number; tx: number }>('counts');
          child.send({ cmd: 'counts' });
          return p;
        },
        warmed: () => {
          const p = next<number>('warmed');
          child.send({ cmd: 'warmed' });
          return p;
        },
        close: async () => {
          const exited = new Promise((r) => child.once('exit', r));
          child.send({ cmd: 'close' });
          await exited;
        },
      });
    });
  });
}
