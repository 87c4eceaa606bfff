// Vetting benchmark (issue 4): the in-memory index and decide() against the same rules as one
// PostGIS statement per decision, the index's build and rebuild, and recorded decisions through
// the real HTTP server under autocannon. Seeded (bench/vetting-data.ts), so every run does the
// same work; every figure is printed next to a baseline from the same run; results go to
// bench/RESULTS.md.
//   node bin/truce.js bench vetting                 (PGlite; TRUCE_BENCH_DATABASE_URL=postgres://... adds PostgreSQL)
//   TRUCE_BENCH_SCALE=0.1 node bin/truce.js bench vetting     (a quick smoke run: a tenth of every size)
// Other knobs: TRUCE_BENCH_POSTGIS_N / TRUCE_BENCH_POSTGIS_S (sample size and time box per engine),
// TRUCE_BENCH_HTTP_S / TRUCE_BENCH_HTTP_CONNECTIONS, TRUCE_BENCH_ENGINES=pglite,postgres,
// TRUCE_BENCH_INLINE_EDGES (the server's TRUCE_VETTING_INLINE_EDGES for the event-loop figures),
// TRUCE_BENCH_CPU_PROFILE=dir (a V8 CPU profile of the restarted server, from buildApp to the end of
// its HTTP window, one .cpuprofile per engine, and one of its demo-data baseline: what the server
// spends its loop on at full size).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { DEMO_PARTIES, seedDemo } from '../src/demo/syria2016.ts';
import { countryFeatures, TERRITORIAL_SEA_M } from '../src/geo/borders.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { statusAt } from '../src/parties/status.ts';
import { notifySite } from '../src/sites/service.ts';
import { geoSettings } from '../src/territory/settings.ts';
import { assess, decide, prepareTarget } from '../src/vetting/decide.ts';
import { VettingIndex, type PreparedCache } from '../src/vetting/index.ts';
import type { Decision, PartyData, Snapshot } from '../src/vetting/model.ts';
import { IndexHolder } from '../src/vetting/service.ts';
import { loadParties } from '../src/vetting/store.ts';
import { generate, sizes, targets, type BenchData, type BenchTarget, type TargetKind } from './vetting-data.ts';
import { freshDb } from './database.ts';
import { BENCH_TOKEN, cannon, loadData, serve, vetBody, type Cannon } from './vetting-load.ts';
import { rng } from '../test/support/random.ts';

const env = process.env;
const num = (name: string, dflt: number) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : dflt);
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: d }) : '—');
const q = (sorted: ArrayLike<number>, p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
const sortNum = (xs: number[]) => Float64Array.from(xs).sort();
const mb = (bytes: number) => bytes / 2 ** 20;
const iso = (ms: number) => new Date(ms).toISOString();
const log = (s: string) => console.log(`[${((performance.now() - T0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const T0 = performance.now();
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** PGlite on disk (in a directory of its own), so the restarted server can open it in another process. */
async function fresh(engine: string): Promise<Opened> {
  const dir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'truce-bench-vetting-db-')) : undefined;
  const f = await freshDb(engine, 'truce_bench_vetting', 10, dir);
  return { engine, ...f, database: dir ?? f.url!, release: async () => (engine === 'pglite' ? f.db.close() : undefined) };
}

const partyKeys = new Map(DEMO_PARTIES.map((p) => [p.key, p.id]));

/** The demo parties with their statuses over time, as the store reads them. */
async function demoParties(db: Db): Promise<PartyData[]> {
  await seedDemo(db);
  return loadParties(db, null);
}

const request = (t: BenchTarget) => ({ target: t.target, radiusM: t.radiusM, at: t.at, homeState: t.party.homeState, operatesIn: t.party.operatesIn });

/**
 * Whether decide() would take its clipping path: the target meets territory of a committed party
 * and of a designated group at once. It then intersects whole party areas (a MultiPolygon of
 * hundreds of polygons here) with polyclip; see the report. Same tests as decide's own.
 */
function clipPath(ix: VettingIndex, t: BenchTarget): boolean {
  const p = prepareTarget(t);
  let c = false;
  let d = false;
  for (const e of ix.territoriesIn(p.bbox, t.at)) {
    const s = ix.statusAt(e.partyId, t.at);
    if (s !== 'committed' && s !== 'designated') continue;
    if (s === 'committed' ? c : d) continue;
    const meets = p.kind === 'area' ? e.area.intersectsArea(p.area) : p.r > 0 ? e.area.withinM(p.lon, p.lat, p.r) : e.area.contains(p.lon, p.lat);
    if (meets) {
      if (s === 'committed') c = true;
      else d = true;
    }
  }
  return c && d;
}

/** A decision as a comparable key: the codes with what each names (as in equivalence.test.ts). */
function key(d: Decision): string {
  return d.reasons
    .map((r) => `${r.code}:${[...(r.partyIds ?? []), ...(r.siteId ? [r.siteId] : []), ...(r.corridorId ? [r.corridorId] : []), ...(r.states ?? [])].sort().join(',')}`)
    .sort()
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// The same rules as one PostGIS statement per decision (adapted from equivalence.test.ts: geometry
// predicates for "meets", geography for distances; party statuses at `at` from the same pure rules).

const meets = (x: string) => `(CASE WHEN g.r > 0 THEN ${x} && ST_Expand(g.geom, g.r / 80000.0) AND ST_DWithin((${x})::geography, g.geom::geography, g.r) ELSE ST_Intersects(${x}, g.geom) END)`;
const PER_DECISION = `
  WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS geom, $2::float8 AS r, $3::timestamptz AS at, $4::text[] AS allowed),
  cls AS (SELECT * FROM jsonb_to_recordset($5::jsonb) AS x(party_id uuid, class text)),
  tv AS (
    SELECT x.id, x.party_id, x.geom, x.valid_from,
           coalesce(lead(x.valid_from) OVER (PARTITION BY x.party_id ORDER BY x.valid_from, x.seq), 'infinity') AS valid_to
    FROM territories x
  ),
  hits AS (
    SELECT tv.id, tv.party_id, tv.geom, c.class
    FROM g JOIN tv ON tv.valid_from <= g.at AND g.at < tv.valid_to AND tv.geom && ST_Expand(g.geom, g.r / 80000.0)
    JOIN cls c ON c.party_id = tv.party_id
    WHERE ${meets('tv.geom')}
  ),
  dgeo AS (
    SELECT ST_Union(tv.geom) AS geom FROM g JOIN tv ON tv.valid_from <= g.at AND g.at < tv.valid_to
    JOIN cls c ON c.party_id = tv.party_id AND c.class = 'D'
    WHERE EXISTS (SELECT 1 FROM hits WHERE class = 'C') AND EXISTS (SELECT 1 FROM hits WHERE class = 'D')
  ),
  committed AS (
    SELECT h.party_id FROM hits h CROSS JOIN g LEFT JOIN dgeo d ON true
    WHERE h.class = 'C' AND (d.geom IS NULL OR NOT ST_Intersects(h.geom, d.geom) OR ST_Area(ST_Intersection(h.geom, d.geom, 1e-9)) = 0
      OR ${meets('ST_CollectionExtract(ST_Difference(h.geom, d.geom, 1e-9), 3)')})
  ),
  mixed AS (
    SELECT DISTINCT unnest(ARRAY[h.party_id, k.party_id]) AS party_id
    FROM hits h JOIN hits k ON h.class = 'C' AND k.class = 'D' CROSS JOIN g,
    LATERAL (SELECT ST_CollectionExtract(ST_Intersection(h.geom, k.geom, 1e-9), 3) AS o) ov
    WHERE NOT ST_IsEmpty(ov.o) AND ST_Area(ov.o) > 0 AND ${meets('ov.o')}
  ),
  sites_hit AS (
    SELECT s.id FROM g JOIN sites s ON s.valid_from <= g.at AND (s.valid_to IS NULL OR g.at < s.valid_to)
    WHERE s.geom && ST_Expand(g.geom, ($6::float8 + g.r) / 80000.0) AND s.geom && ST_Expand(g.geom, (s.buffer_m + g.r) / 80000.0)
      AND ST_DWithin(s.geom::geography, g.geom::geography, s.buffer_m + g.r)
  ),
  corridors_hit AS (
    SELECT c.id FROM g JOIN corridors c ON c.valid_from <= g.at AND g.at <= c.valid_to
    WHERE c.geom && ST_Expand(g.geom, ($7::float8 + g.r) / 80000.0) AND c.geom && ST_Expand(g.geom, (c.width_m + g.r) / 80000.0)
      AND ST_DWithin(c.geom::geography, g.geom::geography, c.width_m + g.r)
  ),
  -- land met, and for a target with a part at sea the state(s) whose land is nearest within 12 nm
  -- (src/geo/borders.ts; exact for points and where one state is that near, which is all but a
  -- few discs and polygons near two coasts: equivalence.test.ts holds those to the full rule)
  sea AS (
    SELECT k.iso3, ST_Distance(k.geog, g.geom::geography) - g.r AS d FROM g JOIN bench_countries k
      ON k.geom && ST_Expand(g.geom, (g.r + ${TERRITORIAL_SEA_M}) / 80000.0) AND ST_DWithin(k.geog, g.geom::geography, g.r + ${TERRITORIAL_SEA_M})
    WHERE EXISTS (SELECT 1 FROM bench_coast c WHERE c.geom && ST_Expand(g.geom, g.r / 80000.0)
                    AND CASE WHEN g.r > 0 THEN ST_DWithin(c.geog, g.geom::geography, g.r) ELSE ST_Intersects(c.geom, g.geom) END)
       OR NOT EXISTS (SELECT 1 FROM bench_countries k WHERE ST_Intersects(k.geom, g.geom))
  ),
  states AS (
    SELECT k.iso3 FROM g JOIN bench_countries k ON k.geom && ST_Expand(g.geom, g.r / 80000.0)
    WHERE NOT (k.iso3 = ANY(g.allowed)) AND ${meets('k.geom')}
    UNION SELECT sea.iso3 FROM sea, g WHERE NOT (sea.iso3 = ANY(g.allowed)) AND sea.d <= (SELECT min(d) FROM sea)
  )
  SELECT 'COMMITTED_PARTY_TERRITORY' AS code, party_id::text AS ref FROM committed
  UNION ALL SELECT 'MIXED_AREA', party_id::text FROM mixed
  UNION ALL SELECT 'UNCOMMITTED_PARTY_TERRITORY', party_id::text FROM hits WHERE class = 'U'
  UNION ALL SELECT 'DESIGNATED_GROUP_EXCEPTION', party_id::text FROM hits WHERE class = 'D'
  UNION ALL SELECT 'PROTECTED_SITE', id::text FROM sites_hit
  UNION ALL SELECT 'AID_CORRIDOR', id::text FROM corridors_hit
  UNION ALL SELECT 'CROSS_BORDER', iso3 FROM states
  UNION ALL SELECT 'UNDELINEATED', NULL WHERE NOT EXISTS (SELECT 1 FROM hits)`;

async function postgisPerDecision(db: Db, sample: BenchTarget[], parties: PartyData[], ours: Map<BenchTarget, string>, boxS: number) {
  // the 1:10m countries near the frame only, cut to a box a degree beyond it (no target is within
  // 12 nm + 5 km of the cut), and the coast as the boundary of their union
  await db.exec('CREATE TABLE IF NOT EXISTS bench_countries (iso3 text, geom geometry(MultiPolygon, 4326), geog geography)');
  const box = [34.3, 31.2, 43.7, 38.4];
  const near = (c: unknown): boolean => (typeof (c as number[])[0] === 'number' ? (c as number[])[0] >= box[0] && (c as number[])[0] <= box[2] && (c as number[])[1] >= box[1] && (c as number[])[1] <= box[3] : (c as unknown[]).some(near));
  for (const f of countryFeatures()) {
    if (!near(f.geometry.coordinates)) continue;
    await db.query('INSERT INTO bench_countries (iso3, geom) SELECT $1, ST_Multi(ST_CollectionExtract(ST_ClipByBox2D(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), ST_MakeEnvelope($3, $4, $5, $6, 4326)), 3))', [f.iso3, JSON.stringify(f.geometry), ...box]);
  }
  await db.exec(`UPDATE bench_countries SET geog = geom::geography; CREATE INDEX ON bench_countries USING gist (geom); ANALYZE bench_countries;
    CREATE TABLE IF NOT EXISTS bench_coast AS SELECT x.geom, x.geom::geography AS geog FROM (SELECT ST_Subdivide(ST_Boundary(ST_Union(geom)), 64) AS geom FROM bench_countries) x;
    CREATE INDEX ON bench_coast USING gist (geom); ANALYZE bench_coast`);
  const [{ b, w }] = await db.query('SELECT (SELECT max(buffer_m) FROM sites) AS b, (SELECT max(width_m) FROM corridors) AS w');
  const us: Record<TargetKind | 'all', number[]> = { point: [], disc: [], polygon: [], all: [] };
  let agree = 0;
  let failed = 0;
  const started = performance.now();
  for (const t of sample) {
    if ((performance.now() - started) / 1000 > boxS) break;
    const classes = parties.map((p) => {
      const s = statusAt(p.designations, p.events, new Date(t.at));
      return { party_id: p.id, class: s === 'committed' ? 'C' : s === 'designated' ? 'D' : 'U' };
    });
    const allowed = [t.party.homeState, ...t.party.operatesIn].filter(Boolean);
    const t0 = performance.now();
    let rows;
    try {
      rows = await db.query(PER_DECISION, [JSON.stringify(t.target), t.radiusM, iso(t.at), allowed, JSON.stringify(classes), b, w]);
    } catch (e) {
      failed++; // PGlite's PostGIS can run out of error stack on the multi-million-vertex areas
      log(`PostGIS failed on a ${t.kind} target: ${(e as Error).message}`);
      continue;
    }
    if (!rows.length) {
      // every decision has a reason: no row at all is PGlite's PostGIS losing a failed GEOS
      // overlay (it reports no error); its later statements are not to be trusted
      failed++;
      log(`PostGIS returned no row for a ${t.kind} target (a failed overlay): stopping this engine's PostGIS sample`);
      break;
    }
    const el = (performance.now() - t0) * 1000;
    us[t.kind].push(el);
    us.all.push(el);
    const m = new Map<string, Set<string>>();
    for (const r of rows) {
      const refs = m.get(r.code) ?? new Set<string>();
      m.set(r.code, refs);
      if (r.ref !== null) refs.add(r.ref);
    }
    const parts: string[] = [];
    for (const [code, refs] of m) {
      if (code === 'PROTECTED_SITE' || code === 'AID_CORRIDOR') for (const r of refs) parts.push(`${code}:${r}`);
      else parts.push(`${code}:${[...refs].sort().join(',')}`);
    }
    if (parts.sort().join(' ') === ours.get(t)) agree++;
    else log(`PostGIS and decide() differ on ${JSON.stringify({ target: t.target, radiusM: t.radiusM, at: iso(t.at) })}:\n  PostGIS  ${parts.sort().join(' ')}\n  decide() ${ours.get(t)}`);
  }
  const stat = (xs: number[]) => {
    const s = sortNum(xs);
    return { n: s.length, p50: q(s, 0.5), p99: q(s, 0.99) };
  };
  return { all: stat(us.all), point: stat(us.point), disc: stat(us.disc), polygon: stat(us.polygon), agree, failed, s: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// HTTP: autocannon in a child process (so the load generator does not share the server's event
// loop), POSTing bodies drawn at random from a file of seeded targets.

// ---------------------------------------------------------------------------------------------

interface EngineFigures {
  engine: string;
  load: Awaited<ReturnType<typeof loadData>>;
  holderColdMs: number;
  holderLoadMs: number;
  snapshotWriteMs: number;
  snapshotBytes: number;
  holderSnapMs: number;
  holderAllMs: number;
  siteWriteMs: number;
  seenAfterMs: number;
  seen: boolean;
  holderRefreshMs: number;
  postgis: Awaited<ReturnType<typeof postgisPerDecision>>;
  appColdMs: number;
  readyMs: number;
  importMs: number;
  appColdFrom: string;
  warmMs: number;
  warmN: number;
  sqlPer: { statements: number; tx: number };
  /** Right after the warm-up, while the start-up loads run. */
  starting: Cannon;
  warmedMs: number;
  http: Cannon;
  demo: Cannon;
  bare: Cannon;
  seenHttpMs: number;
  seenHttp: boolean;
}

/**
 * The IndexHolder figures (in a function of its own, so its index is garbage before the server
 * builds another): a cold load from the database, which writes the snapshot into `dir`; a second
 * holder as after a restart, from that file; then a site written and the time until it is seen.
 */
async function holderPhase(engine: string, db: Db, dir: string) {
    let txEnd = 0;
    const timed: Db = {
      engine: db.engine,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      tx: (fn) => db.tx(fn).finally(() => (txEnd = performance.now())),
      close: () => db.close(),
    };
    const file = path.join(dir, 'vetting-index.bin');
    const written: Record<string, unknown>[] = [];
    const snap = { file, minVertices: 0, everyMs: Infinity, log: (msg: string, f?: Record<string, unknown>) => msg.includes('written') && written.push(f ?? {}) };
    let holder = new IndexHolder(timed, 60_000, snap);
    let t0 = performance.now();
    await holder.get();
    const holderColdMs = performance.now() - t0;
    const holderLoadMs = txEnd - t0;
    log(`[${engine}] IndexHolder cold, from the database: ${fmt(holderColdMs / 1000)} s (loadSnapshot ${fmt(holderLoadMs / 1000)} s)`);
    t0 = performance.now();
    await holder.flushed();
    const snapshotWriteMs = Number(written[0]?.ms ?? performance.now() - t0);
    const snapshotBytes = fs.statSync(file).size;
    log(`[${engine}] snapshot written: ${fmt(mb(snapshotBytes), 0)} MB in ${fmt(snapshotWriteMs, 0)} ms (in the background)`);
    holder.stop();
    holder = null as never;
    gc();
    holder = new IndexHolder(timed, 60_000, snap);
    t0 = performance.now();
    await holder.get();
    const holderSnapMs = performance.now() - t0;
    await holder.loaded();
    const holderAllMs = performance.now() - t0;
    log(`[${engine}] IndexHolder after a restart, from the snapshot: ${fmt(holderSnapMs / 1000, 2)} s (${holder.firstLoad?.from}${holder.firstLoad?.why ? `: ${holder.firstLoad.why}` : ''}; ${JSON.stringify(holder.phases)}); every array read and checked after ${fmt(holderAllMs / 1000, 2)} s`);
    const site = { kind: 'hospital', name: 'Bench new site', geometry: { type: 'Point', coordinates: [38.0001, 34.0001] }, bufferM: 300, validFrom: '2016-01-01T00:00:00Z' };
    const settings = geoSettings(loadConfig({}));
    t0 = performance.now();
    const w = await write(timed, SYSTEM, (w) => notifySite(w, site as never, settings));
    const t1 = performance.now();
    const siteWriteMs = t1 - t0;
    const ix = await holder.get();
    const d = decide(ix, { target: { type: 'Point', coordinates: [38.0001, 34.0001] }, radiusM: 0, at: Date.parse('2016-03-01T00:00:00Z'), homeState: 'SYR', operatesIn: ['SYR'] });
    const seenAfterMs = performance.now() - t1;
    const seen = d.reasons.some((r) => r.siteId === w.id);
    const holderRefreshMs = holder.lastBuild.ms;
    log(`[${engine}] new site: written in ${fmt(t1 - t0)} ms, seen by the next decision ${fmt(seenAfterMs)} ms later (${seen ? 'seen' : 'NOT SEEN'}; refresh ${fmt(holderRefreshMs)} ms)`);
    holder.stop();
    return { holderColdMs, holderLoadMs, snapshotWriteMs, snapshotBytes, holderSnapMs, holderAllMs, siteWriteMs, seenAfterMs, seen, holderRefreshMs };
}




/** The benchmark's database of one engine; `database` is how a server process opens it (PGlite's directory, once `release` has closed it here). */
interface Opened {
  engine: string;
  db: Db;
  done: () => Promise<void>;
  database: string;
  release: () => Promise<void>;
}

const profileFile = (name: string) => (env.TRUCE_BENCH_CPU_PROFILE ? (fs.mkdirSync(env.TRUCE_BENCH_CPU_PROFILE, { recursive: true }), path.join(env.TRUCE_BENCH_CPU_PROFILE, `vetting-server-${name}.cpuprofile`)) : undefined);
const benchHeaders = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
/** autocannon at the server for TRUCE_BENCH_HTTP_S seconds, TRUCE_BENCH_HTTP_CONNECTIONS at once. */
const underLoad = (url: string, bodies: string, max: number) =>
  cannon({ url, method: 'POST', path: '/api/v1/vetting', headers: benchHeaders, connections: num('TRUCE_BENCH_HTTP_CONNECTIONS', 64), duration: num('TRUCE_BENCH_HTTP_S', 10), maxOverallRequests: max, bodies });
async function warmUp(url: string, bodiesFile: string) {
  const bodies = JSON.parse(fs.readFileSync(bodiesFile, 'utf8')) as string[];
  for (let i = 0; i < 400; i += 8) await Promise.all(bodies.slice(i, i + 8).map((b) => fetch(`${url}/api/v1/vetting`, { method: 'POST', headers: benchHeaders, body: b }).then((r) => r.arrayBuffer())));
}

async function perEngine(
  { engine, db, done, database, release }: Opened,
  load: Awaited<ReturnType<typeof loadData>>,
  parties: PartyData[],
  sample: BenchTarget[],
  ours: Map<BenchTarget, string>,
  httpPool: BenchTarget[],
): Promise<EngineFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-bench-vetting-'));
  try {
    const h = await holderPhase(engine, db, dir);
    gc();
    const site = { kind: 'hospital', name: 'Bench new site', geometry: { type: 'Point', coordinates: [38.0001, 34.0001] }, bufferM: 300, validFrom: '2016-01-01T00:00:00Z' };
    let t0 = 0;

    log(`[${engine}] PostGIS per decision: up to ${sample.length} targets, ${num('TRUCE_BENCH_POSTGIS_S', 60)} s box`);
    const postgis = await postgisPerDecision(db, sample, parties, ours, num('TRUCE_BENCH_POSTGIS_S', 60));
    log(`[${engine}] PostGIS: ${postgis.all.n} decisions in ${fmt(postgis.s)} s, p50 ${fmt(postgis.all.p50 / 1000, 2)} ms, p99 ${fmt(postgis.all.p99 / 1000, 2)} ms; agree with decide() ${postgis.agree}/${postgis.all.n}; failed ${postgis.failed}`);

    // HTTP through the real server, restarted in a process of its own, from the snapshot the holder phase wrote
    await ensureFirstAdmin(db, BENCH_TOKEN);
    const snapFile = path.join(dir, 'vetting-index.bin');
    const mtime = fs.statSync(snapFile).mtimeMs;
    const headers = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
    const bodiesFile = path.join(dir, 'bodies.json');
    fs.writeFileSync(bodiesFile, JSON.stringify(httpPool.map(vetBody)));
    await release(); // PGlite: one process at a time on its directory
    const server = await serve({ mode: 'app', engine, database, snapshotDir: dir, profile: profileFile(engine) });
    const { url } = server;
    let closed = false;
    try {
      let res = await fetch(`${url}/api/v1/vetting`, { method: 'POST', headers, body: vetBody(httpPool[0]) });
      if (res.status !== 201) throw new Error(`warm-up vetting: ${res.status} ${await res.text()}`);
      const appColdMs = Date.now() - server.ready.startedAt;
      const readyMs = server.ready.listenMs;
      const importMs = server.ready.importMs;
      log(`[${engine}] server restarted in a new process at ${url}: modules imported ${fmt(importMs / 1000, 2)} s after the process started, database opened in ${fmt(server.ready.openMs / 1000, 2)} s; from buildApp, listening after ${fmt(readyMs / 1000, 2)} s, first decision answered ${fmt(appColdMs / 1000, 2)} s after`);

      // the same "new site seen" through the server: notify it (POST /api/v1/sites), then vet at the site
      const site2 = { ...site, name: 'Bench new site 2', geometry: { type: 'Point', coordinates: [39.0001, 35.0001] } };
      res = await fetch(`${url}/api/v1/sites`, { method: 'POST', headers, body: JSON.stringify(site2) });
      if (res.status !== 201) throw new Error(`site notification: ${res.status} ${await res.text()}`);
      const w2 = (await res.json()) as { id: string };
      t0 = performance.now();
      res = await fetch(`${url}/api/v1/vetting`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ target: { type: 'Point', coordinates: [39.0001, 35.0001] }, at: '2016-03-01T00:00:00Z', requestingPartyId: partyKeys.get('saaf') }),
      });
      const seenHttpMs = performance.now() - t0;
      const seenHttp = ((await res.json()) as { reasons: { siteId?: string }[] }).reasons.some((r) => r.siteId === w2.id);

      t0 = performance.now();
      const warm = httpPool.slice(0, num('TRUCE_BENCH_HTTP_WARM', 400));
      for (let i = 0; i < warm.length; i += 8) {
        await Promise.all(warm.slice(i, i + 8).map((t) => fetch(`${url}/api/v1/vetting`, { method: 'POST', headers, body: vetBody(t) }).then((r) => r.arrayBuffer())));
      }
      const warmMs = performance.now() - t0;
      log(`[${engine}] warm-up: ${warm.length} decisions in ${fmt(warmMs / 1000)} s`);

      // first while the start-up loads still run (the enrichment reference reads every site), then
      // once they are over: the goal's figure, as the demo baseline is measured
      const starting = await underLoad(url, bodiesFile, num('TRUCE_BENCH_HTTP_MAX', 100_000));
      log(`[${engine}] POST /api/v1/vetting at full size while the start-up loads run: ${fmt(starting.rps, 0)} req/s, p50 ${starting.p50} ms, p99 ${starting.p99} ms, non-2xx ${starting.non2xx}`);
      const warmedMs = await server.warmed();
      log(`[${engine}] start-up loads over ${fmt(warmedMs / 1000, 1)} s after buildApp`);
      const before = await server.counts();
      const http = await underLoad(url, bodiesFile, num('TRUCE_BENCH_HTTP_MAX', 100_000));
      const after = await server.counts();
      const sqlPer = { statements: (after.statements - before.statements) / Math.max(1, http.total), tx: (after.tx - before.tx) / Math.max(1, http.total) };
      log(`[${engine}] SQL per recorded decision: ${fmt(sqlPer.statements, 2)} statements (BEGIN/COMMIT not counted), ${fmt(sqlPer.tx, 3)} transactions (grouped commits of ~${fmt(1 / sqlPer.tx, 0)})`);
      log(`[${engine}] POST /api/v1/vetting at full size: ${fmt(http.rps, 0)} req/s (${http.total} in ${http.duration} s), p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.non2xx}, errors ${http.errors}`);
      await server.close();
      closed = true;
      // a server that loaded from the database writes the file again; one that read it does not
      const appColdFrom = fs.statSync(snapFile).mtimeMs === mtime ? 'snapshot' : 'database';
      log(`[${engine}] the restarted server's index came from the ${appColdFrom}`);

      // the named baselines, in the same run, each a server in a process of its own as well: the
      // demo data alone on a fresh database of this engine, and bare Fastify
      const demoDb = await freshDb(engine, 'truce_bench_vetting_demo', 10, engine === 'pglite' ? path.join(dir, 'demo-db') : undefined);
      let demo: Cannon;
      try {
        await seedDemo(demoDb.db);
        await ensureFirstAdmin(demoDb.db, BENCH_TOKEN);
        if (engine === 'pglite') await demoDb.db.close();
        const demoServer = await serve({ mode: 'app', engine, database: engine === 'pglite' ? path.join(dir, 'demo-db') : demoDb.url!, profile: profileFile(`${engine}-demo`) });
        try {
          await warmUp(demoServer.url, bodiesFile);
          await demoServer.warmed();
          demo = await underLoad(demoServer.url, bodiesFile, num('TRUCE_BENCH_HTTP_MAX', 100_000));
        } finally {
          await demoServer.close();
        }
      } finally {
        await demoDb.done();
      }
      log(`[${engine}] POST /api/v1/vetting on the demo data: ${fmt(demo.rps, 0)} req/s, p50 ${demo.p50} ms, p99 ${demo.p99} ms, non-2xx ${demo.non2xx}`);
      const bareServer = await serve({ mode: 'bare' });
      let bare: Cannon;
      try {
        bare = await underLoad(bareServer.url, bodiesFile, 1_000_000);
      } finally {
        await bareServer.close();
      }
      log(`[${engine}] bare Fastify (the same body schema, a constant answer): ${fmt(bare.rps, 0)} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`);
      return { engine, load, ...h, postgis, appColdMs, readyMs, importMs, appColdFrom, warmMs, warmN: warm.length, starting, warmedMs, http, demo, bare, seenHttpMs, seenHttp, sqlPer };
    } finally {
      if (!closed) await server.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await done();
  }
}

/** Five rebuilds with the prepared cache, every other one with a site more (in a function of its own, so that its snapshot copy is garbage when it returns). */
function rebuildTimes(snapshot: Snapshot, cache: PreparedCache): number[] {
  const plusOne: Snapshot = { ...snapshot, version: 2, sites: [...snapshot.sites, { ...snapshot.sites[0], id: '00000000-0000-4000-8000-00000000beef', name: 'one more' }] };
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    VettingIndex.build(i % 2 ? snapshot : plusOne, cache);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  const sz = sizes();
  // TRUCE_BENCH_ENGINES=none: the in-process figures only (the parties come from a PGlite of their own)
  const engines = (env.TRUCE_BENCH_ENGINES ?? ['pglite', ...(env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])].join(',')).split(',').filter((e) => e && e !== 'none');
  console.log(`vetting benchmark ${new Date().toISOString()} node ${process.version}, ${os.cpus().length} cores; sizes ${JSON.stringify(sz)}; engines ${engines.join(', ')}`);
  // every engine's database is opened first (a PGlite takes a while to start); the parties come from the first
  const opened: Opened[] = [];
  for (const engine of engines) opened.push(await fresh(engine));
  const own = opened.length ? null : await fresh('pglite');
  const parties = await demoParties(opened[0]?.db ?? own!.db);
  await own?.done();
  log(`opened ${engines.join(', ')}`);

  // 1–3b in one function: its data and index are garbage once it returns
  const phaseOne = async () => {
    // 1. the data (memory is counted from before it: what the index holds once it has gone)
    gc();
    const m0 = process.memoryUsage();
    let t0 = performance.now();
    let data: BenchData | null = generate(sz, partyKeys);
    const stats = data.stats;
    const genS = (performance.now() - t0) / 1000;
    log(`generated ${fmt(data.stats.polygons, 0)} polygons (${fmt(data.stats.vertices, 0)} vertices, ${data.stats.overlapping} contested), ${data.territories.length} territory versions, ${fmt(data.sites.length, 0)} sites, ${fmt(data.corridors.length, 0)} corridors in ${fmt(genS)} s`);
    const snapshot: Snapshot = { version: 1, territories: data.territories, sites: data.sites, corridors: data.corridors, parties };

    // 2. build from the in-memory snapshot (3a: empty prepared cache), then 3b: a rebuild with the cache
    const cache: PreparedCache = new Map();
    t0 = performance.now();
    let ix: VettingIndex | null = VettingIndex.build(snapshot, cache);
    const buildMs = performance.now() - t0;
    const rebuilds = rebuildTimes(snapshot, cache);
    const rebuildMs = q(sortNum(rebuilds), 0.5);
    log(`build (empty cache): ${fmt(buildMs, 0)} ms; rebuild with the prepared cache (one site more): median of 5 ${fmt(rebuildMs, 0)} ms`);
    // the generated data goes (the databases get it generated again): what is left is the index,
    // as a server holds it. Kept, the data's million arrays made every young-generation collection
    // during the decisions below take ~6 ms, which the timings then counted as slow decisions.
    snapshot.territories = [];
    snapshot.sites = [];
    snapshot.corridors = [];
    data = null;
    gc();
    const m1 = process.memoryUsage();
    const memMb = mb(m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers));
    log(`index memory after the build: +${fmt(memMb, 0)} MB (heap ${fmt(mb(m1.heapUsed - m0.heapUsed), 0)}, array buffers ${fmt(mb(m1.arrayBuffers - m0.arrayBuffers), 0)})`);

    // 2. decisions: every target inline (decide), and what the server does on its event loop
    // (assess with the worker threshold; larger clipping would go to the worker)
    const all = targets(sz.targets, parties);
    t0 = performance.now();
    const clip = new Set(all.filter((t) => clipPath(ix!, t)));
    log(`${fmt(clip.size, 0)} of ${fmt(all.length, 0)} targets meet committed and designated territory at once (the clipping path; classified in ${fmt((performance.now() - t0) / 1000)} s)`);
    const inline = num('TRUCE_BENCH_INLINE_EDGES', loadConfig({}).vettingInlineEdges);
    const kinds = ['point', 'disc', 'polygon', 'clip', 'all'] as const;
    type Kind = (typeof kinds)[number];
    const timed = (pass: (t: BenchTarget) => void) => {
      const us: Record<Kind, number[]> = { point: [], disc: [], polygon: [], clip: [], all: [] };
      for (const t of all) {
        const s = performance.now();
        pass(t);
        const el = (performance.now() - s) * 1000;
        us[t.kind].push(el);
        if (clip.has(t)) us.clip.push(el);
        us.all.push(el);
      }
      return Object.fromEntries(kinds.map((k) => {
        const x = sortNum(us[k]);
        return [k, { n: x.length, p50: q(x, 0.5), p99: q(x, 0.99), max: x.length ? x[x.length - 1] : NaN }];
      })) as Record<Kind, { n: number; p50: number; p99: number; max: number }>;
    };
    const ours = new Map<BenchTarget, string>();
    const codes = new Map<string, number>();
    t0 = performance.now();
    const cold = timed((t) => {
      const d = decide(ix!, request(t));
      ours.set(t, key(d));
      for (const r of d.reasons) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    });
    log(`first pass (no warm-up): ${fmt((performance.now() - t0) / 1000)} s; reasons ${JSON.stringify(Object.fromEntries(codes))}`);
    const inproc = timed((t) => decide(ix!, request(t)));
    let deferred = 0;
    const loop = timed((t) => {
      if (assess(ix!, request(t), undefined, inline).clip.jobs.length) deferred++;
    });
    for (const k of kinds) log(`decide ${k}: n ${fmt(inproc[k].n, 0)}, p50 ${fmt(inproc[k].p50)} µs, p99 ${fmt(inproc[k].p99)} µs, max ${fmt(inproc[k].max)} µs; on the event loop (inline ≤ ${fmt(inline, 0)} edges) p99 ${fmt(loop[k].p99)} µs, max ${fmt(loop[k].max)} µs`);
    log(`left for the worker: ${deferred} of ${fmt(all.length, 0)}; first pass max ${fmt(cold.all.max)} µs`);
    gc();
    const m2 = process.memoryUsage();
    const memAfterMb = mb(m2.heapUsed - m0.heapUsed + (m2.arrayBuffers - m0.arrayBuffers));
    log(`index memory after the decisions: +${fmt(memAfterMb, 0)} MB`);
    // baseline for the in-process figures: the R-tree search alone (no exact tests, no rules)
    const tree: number[] = [];
    for (const t of all.filter((x) => x.kind === 'point')) {
      const p = prepareTarget(t);
      const s = performance.now();
      ix.territoriesIn(p.bbox, t.at);
      ix.sitesIn(p.bbox, t.at);
      ix.corridorsIn(p.bbox, t.at);
      tree.push((performance.now() - s) * 1000);
    }
    const treeP50 = q(sortNum(tree), 0.5);
    log(`baseline: the three R-tree searches alone for the point targets, p50 ${fmt(treeP50, 2)} µs`);

    // the samples for PostGIS and HTTP, from the targets decide() answered (seeded shuffle)
    const r = rng(4242);
    const shuffled = [...all].sort(() => r() - 0.5);
    const sample = shuffled.slice(0, num('TRUCE_BENCH_POSTGIS_N', 300));
    const httpPool = shuffled.slice(0, 20_000);
    ix = null;
    gc();

    // the data into each database (generated again: the same seed, the same data)
    const again = opened.length ? generate(sz, partyKeys) : null;
    const loads: Awaited<ReturnType<typeof loadData>>[] = [];
    for (const o of opened) {
      log(`[${o.engine}] loading the data`);
      const load = await loadData(o.db, again!);
      loads.push(load);
      log(`[${o.engine}] loaded in ${fmt(load.s)} s (territories ${fmt(load.territoriesS)} s, sites ${fmt(load.sitesS)} s, corridors ${fmt(load.corridorsS)} s)`);
    }
    return { stats, inproc, loop, deferred, inline, clipN: clip.size, allN: all.length, treeP50, buildMs, memMb, memAfterMb, rebuildMs, sample, httpPool, ours, loads };
  };
  const { stats, inproc, loop, deferred, inline, clipN, allN, treeP50, buildMs, memMb, memAfterMb, rebuildMs, sample, httpPool, ours, loads } = await phaseOne();
  gc();

  // 3c, 4, 5 per engine
  const per: EngineFigures[] = [];
  for (const [i, o] of opened.entries()) {
    per.push(await perEngine(o, loads[i], parties, sample, ours, httpPool));
    gc();
  }

  // 6. the summary
  const rows: [string, string[], string][] = [];
  const e = (f: (x: EngineFigures) => string) => per.map(f);
  const us = (x: number) => (x >= 1000 ? `${fmt(x / 1000, 2)} ms` : `${fmt(x)} µs`);
  const ip = (k: keyof typeof inproc) => `${us(inproc[k].p50)} / ${us(inproc[k].p99)} / ${us(inproc[k].max)} (n ${fmt(inproc[k].n, 0)}); event loop ${us(loop[k].p99)} / ${us(loop[k].max)}`;
  const cols = per.length ? per.map((x) => x.engine) : ['in process'];
  const same = (s: string) => cols.map(() => s);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const fast = (k: keyof typeof inproc) => inproc[k].p99 < 2000 && inproc[k].max < 20_000;
  rows.push(['decide() in process, p50 / p99 / max; on the event loop (clipping over the threshold left to the worker) p99 / max: points (r = 0)', same(ip('point')), `p50 < 20 µs: ${met(inproc.point.p50 < 20)}; p99 < 2 ms, max < 20 ms: ${met(fast('point'))}`]);
  rows.push(['— discs of 50–5,000 m', same(ip('disc')), `p99 < 2 ms, max < 20 ms: ${met(fast('disc'))}`]);
  rows.push(['— small polygons', same(ip('polygon')), `p99 < 2 ms, max < 20 ms: ${met(fast('polygon'))}`]);
  rows.push([`— the clipping path (meets committed and designated ground at once; ${fmt(clipN, 0)} of ${fmt(allN, 0)}, included above)`, same(ip('clip')), `p99 < 2 ms, max < 20 ms: ${met(fast('clip'))}`]);
  rows.push([`clipping left to the worker (over ${fmt(inline, 0)} edges)`, same(`${deferred} of ${fmt(allN, 0)}`), '—']);
  rows.push(['baseline: the three R-tree searches alone (points)', same(`${fmt(treeP50, 2)} µs p50`), '—']);
  rows.push(['index build, empty prepared cache (3a); memory (heap + array buffers) after the build → after the decisions', same(`${fmt(buildMs / 1000, 2)} s; +${fmt(memMb, 0)} → +${fmt(memAfterMb, 0)} MB`), `< 1 GB: ${met(memAfterMb < 1024)}`]);
  rows.push(['index rebuild with the prepared cache, one site more (3b)', same(`${fmt(rebuildMs, 0)} ms`), '< 2 s']);
  rows.push(['data load into the database (batched SQL + ledger leaves)', e((x) => `${fmt(x.load.s)} s`), '—']);
  rows.push(['baseline: IndexHolder cold from the database (loadSnapshot + build)', e((x) => `${fmt(x.holderColdMs / 1000)} s (loadSnapshot ${fmt(x.holderLoadMs / 1000)} s)`), '—']);
  rows.push(['snapshot file written after it (in the background)', e((x) => `${fmt(mb(x.snapshotBytes), 0)} MB in ${fmt(x.snapshotWriteMs / 1000, 1)} s`), '—']);
  rows.push(['IndexHolder after a restart, from the snapshot (prefix read, seal checked, root checked, changes since read, built; then every array read and checked in the background)', e((x) => `${fmt(x.holderSnapMs / 1000, 2)} s (all arrays after ${fmt(x.holderAllMs / 1000, 2)} s)`), '—']);
  rows.push(['server restarted in a new process (buildApp → first decision answered; listening after; modules imported before buildApp)', e((x) => `${fmt(x.appColdMs / 1000, 2)} s (listening after ${fmt(x.readyMs / 1000, 2)} s; index from the ${x.appColdFrom}; imports ${fmt(x.importMs / 1000, 2)} s before)`), `< 3 s: ${e((x) => met(x.appColdMs < 3000 && x.appColdFrom === 'snapshot')).join(', ')}`]);
  rows.push(['new site written → next decision sees it (3c, holder.get() + decide)', e((x) => `${fmt(x.seenAfterMs, 0)} ms${x.seen ? '' : ' (NOT SEEN)'} (write ${fmt(x.siteWriteMs, 0)} ms)`), '< 2 s']);
  rows.push(['the same through the server (POST right after the write)', e((x) => `${fmt(x.seenHttpMs, 0)} ms${x.seenHttp ? '' : ' (NOT SEEN)'}`), '< 2 s']);
  rows.push([
    'PostGIS, one statement per decision, p50 / p99',
    e((x) => `${fmt(x.postgis.all.p50 / 1000, 1)} / ${fmt(x.postgis.all.p99 / 1000, 1)} ms (n ${x.postgis.all.n}, agree ${x.postgis.agree}, failed ${x.postgis.failed})`),
    '—',
  ]);
  rows.push(['PostGIS p50 / decide() p50 (mixed)', e((x) => `${fmt(x.postgis.all.p50 / inproc.all.p50, 0)}x`), '≥ 50x']);
  rows.push(['server warm-up: the next 400 decisions (8 at a time)', e((x) => `${x.warmN} in ${fmt(x.warmMs / 1000)} s`), '—']);
  rows.push(['POST /api/v1/vetting (recorded) at full size, right after the warm-up, while the start-up loads run', e((x) => `${fmt(x.starting.rps, 0)} req/s, p50 ${x.starting.p50} / p99 ${x.starting.p99} ms, non-2xx ${x.starting.non2xx}`), '—']);
  rows.push(['start-up loads over (enrichment reference, gazetteer, the index arrays), from buildApp', e((x) => `${fmt(x.warmedMs / 1000, 1)} s`), '—']);
  rows.push(['POST /api/v1/vetting (recorded) at full size, autocannon, once they are over', e((x) => `${fmt(x.http.rps, 0)} req/s, p50 ${x.http.p50} / p99 ${x.http.p99} ms, non-2xx ${x.http.non2xx}`), '—']);
  rows.push(['baseline: the same on the demo data (a fresh database of the engine)', e((x) => `${fmt(x.demo.rps, 0)} req/s, p50 ${x.demo.p50} / p99 ${x.demo.p99} ms, non-2xx ${x.demo.non2xx}`), '—']);
  rows.push(['full size / demo data', e((x) => `${fmt(x.http.rps / x.demo.rps, 2)}`), `≥ 0.70: ${e((x) => met(x.http.rps / x.demo.rps >= 0.7)).join(', ')}`]);
  rows.push(['baseline: bare Fastify, the same body schema and a constant answer', e((x) => `${fmt(x.bare.rps, 0)} req/s, p50 ${x.bare.p50} / p99 ${x.bare.p99} ms`), '—']);
  rows.push(['full size / bare Fastify', e((x) => `${fmt(x.http.rps / x.bare.rps, 2)}`), `≥ 0.20 on PostgreSQL: ${e((x) => (x.engine === 'postgres' ? met(x.http.rps / x.bare.rps >= 0.2) : '—')).join(', ')}`]);
  rows.push(['SQL per recorded decision under load: statements; transactions (grouped commits)', e((x) => `${fmt(x.sqlPer.statements, 2)}; ${fmt(x.sqlPer.tx, 3)} (~${fmt(1 / x.sqlPer.tx, 0)} decisions a commit)`), '—']);
  console.log(`\n| measure | ${cols.join(' | ')} | goal |\n| --- | ${cols.map(() => '---').join(' | ')} | --- |`);
  for (const [m, vals, goal] of rows) if (vals.length) console.log(`| ${m} | ${vals.join(' | ')} | ${goal} |`);
  console.log(
    `\nsizes ${JSON.stringify(sz)}; ${fmt(stats.vertices, 0)} territory vertices; HTTP ${num('TRUCE_BENCH_HTTP_CONNECTIONS', 64)} connections, ${num('TRUCE_BENCH_HTTP_S', 10)} s; total ${fmt((performance.now() - T0) / 1000, 0)} s`,
  );
}

await main();
