// Imports benchmark: a seeded ACLED export (current 31-column layout) of N rows written to a file,
// imported as `truce import acled FILE` imports it (read as a stream, parsed, actors matched,
// filed through the desk's intake in batches of 1,000 with enrichment, grouping and the ledger),
// with progress; beside it, in the same run, two baselines:
//  - parsing alone: the same file read, parsed and made into report bodies, nothing filed;
//  - intake alone: the same report bodies (already parsed) filed through prepareAll/fileReports in
//    batches of 1,000 into a fresh database, as POST /reports/batch files them (no HTTP).
//   node --import tsx bench/imports.ts [--n 100000]   (or `truce bench imports`; TRUCE_BENCH_IMPORTS=N as --n)
//   PGlite; with TRUCE_BENCH_DATABASE_URL=postgres://... PostgreSQL too (TRUCE_BENCH_ENGINES=postgres for it alone).
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { firstAdminAccount } from '../src/auth/lookup.ts';
import { loadConfig, type Config } from '../src/config.ts';
import type { Db } from '../src/db/db.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import { seedDemoMap } from '../src/demo/syria2016-map.ts';
import { acledLayout, acledRow } from '../src/imports/acled.ts';
import { ActorMatcher, importBody, type ImportBody } from '../src/imports/actors.ts';
import type { Layout } from '../src/imports/cells.ts';
import { readCsv } from '../src/imports/read.ts';
import { importCsv, MAX_COLUMNS, MAX_RECORD_BYTES } from '../src/imports/service.ts';
import { enricherFor, fileReports, prepareAll, type ReportCreate } from '../src/incidents/lookup.ts';
import { listParties } from '../src/parties/lookup.ts';
import { useLedgerKey, write } from '../src/ledger/ledger.ts';
import { loadLedgerKey } from '../src/ledger/keys.ts';
import { freshDb } from './database.ts';
import { lcg } from '../test/support/random.ts';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: process.env.TRUCE_BENCH_IMPORTS ?? '100000' } }, allowPositionals: true, strict: false });
const N = Number(args.n);
const fmt = (n: number, d = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: d });

// ---- the seeded file ----

const rnd = lcg(20160227);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const HOTSPOTS: [string, string, number, number][] = [
  ['Rural Damascus', 'Douma', 36.405, 33.571], ['Rural Damascus', 'Darayya', 36.233, 33.456], ['Rural Damascus', 'Madaya', 36.096, 33.69], ['Aleppo', 'Aleppo', 37.16, 36.2],
  ['Idleb', 'Idleb', 36.63, 35.93], ['Dar\'a', 'Dara\'a', 36.1, 32.62], ['Homs', 'Homs', 36.72, 34.73], ['Hama', 'Hama', 36.75, 35.13], ['Deir ez Zor', 'Deir ez Zor', 40.14, 35.33],
  ['Ar Raqqa', 'Ar Raqqa', 39.01, 35.95], ['Lattakia', 'Lattakia', 35.78, 35.52], ['Idleb', 'Jisr ash Shughur', 36.52, 35.6], ['Homs', 'Tadmor', 38.27, 34.55],
];
// names as ACLED writes them: some are a demo party's name or alias (after its parenthesis), some are no party's
const ACTORS = ['Military Forces of Syria (2000-)', 'Hezbollah', 'Islamic State (Syria)', 'Syrian Democratic Forces', 'Jaysh al-Islam', 'Ahrar al-Sham', 'NDF: National Defence Forces', 'Military Forces of Russia (1991-)', 'Jabhat Fateh al Sham', 'Unidentified Armed Group (Syria)'];
const TYPES: [string, string][] = [
  ['Explosions/Remote violence', 'Shelling/artillery/missile attack'], ['Explosions/Remote violence', 'Shelling/artillery/missile attack'], ['Explosions/Remote violence', 'Air/drone strike'],
  ['Explosions/Remote violence', 'Air/drone strike'], ['Battles', 'Armed clash'], ['Battles', 'Armed clash'], ['Violence against civilians', 'Attack'],
  ['Explosions/Remote violence', 'Remote explosive/landmine/IED'], ['Strategic developments', 'Headquarters or base established'], ['Protests', 'Peaceful protest'],
];
const WORDS = ['shelling', 'hit', 'near', 'the', 'market', 'sources', 'reported', 'two', 'strikes', 'on', 'a', 'residential', 'building,', 'casualties', 'were', 'taken', 'to', 'hospital'];
const HEADER = 'event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp';
const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** N rows over 50 days from 27 February 2016; about 0.5% with a bad date; CRLF, as a spreadsheet writes it. */
function writeFile(file: string, n: number) {
  const out = fs.createWriteStream(file);
  const lines: string[] = [HEADER];
  const start = Date.parse('2016-02-27T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const at = new Date(start + Math.floor((i / n) * 50) * 86_400_000 + Math.floor(rnd() * 3) * 3_600_000);
    const [adm1, town, lon, lat] = pick(HOTSPOTS);
    const [type, sub] = pick(TYPES);
    const a1 = pick(ACTORS);
    const civilians = type === 'Violence against civilians' || rnd() < 0.2;
    const a2 = civilians ? 'Civilians (Syria)' : pick(ACTORS);
    const date = rnd() < 0.005 ? '2016-02-30' : rnd() < 0.3 ? `${at.getUTCDate()} ${at.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} 2016` : at.toISOString().slice(0, 10);
    const notes = Array.from({ length: 15 + Math.floor(rnd() * 30) }, () => pick(WORDS)).join(' ');
    const cells = [
      `SYR${100000 + i}`, date, '2016', String(rnd() < 0.9 ? 1 : 2), type === 'Protests' ? 'Demonstrations' : 'Political violence', type, sub, a1, rnd() < 0.2 ? pick(ACTORS) : 'NA', '1',
      a2, 'NA', civilians ? '7' : '2', civilians ? '17' : '12', civilians ? 'Civilian targeting' : '', '760', 'Middle East', 'Syria', adm1, town, 'NA', town,
      (lat + (rnd() - 0.5) * 0.2).toFixed(4), (lon + (rnd() - 0.5) * 0.2).toFixed(4), String(1 + Math.floor(rnd() * rnd() * 3)), 'Syrian Observatory for Human Rights; Step News Agency', 'National',
      notes, String(Math.floor(rnd() * rnd() * 10)), rnd() < 0.5 ? 'NA' : '', '1458000000',
    ];
    lines.push(cells.map(q).join(','));
    if (lines.length >= 5000) {
      out.write(`${lines.join('\r\n')}\r\n`);
      lines.length = 0;
    }
  }
  out.write(`${lines.join('\r\n')}\r\n`);
  return new Promise<void>((resolve) => out.end(resolve));
}

// ---- the runs ----

async function database(engine: string, name: string): Promise<{ db: Db; done: () => Promise<void> }> {
  if (engine !== 'pglite') return freshDb(engine, name, 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`)); // a data folder, as the product runs it
  const db = await openPglite({ dataDir: dir });
  await migrate(db);
  return { db, done: async () => (await db.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

async function seeded(engine: string, name: string, config: Config) {
  const d = await database(engine, name);
  useLedgerKey(d.db, loadLedgerKey(config));
  await ensureFirstAdmin(d.db, 'truce_bench-admin-token-000000000000000');
  await seedDemo(d.db);
  await seedDemoMap(d.db, config);
  const admin = (await firstAdminAccount(d.db))!;
  // warm: the gazetteer and the enrichment's reference data load once, before any clock starts
  const e = enricherFor(d.db, config);
  await e.gazetteer;
  await e.reference(d.db);
  return { ...d, admin, reporter: { accountId: admin.id, role: admin.role, partyId: null, organisation: null } };
}

/** Parsing alone: read, parse, match actors, make bodies; the bodies kept for the intake baseline. */
async function parseOnly(file: string, db: Db) {
  const matcher = new ActorMatcher((await listParties(db)).map((p) => ({ id: p.id, name: p.name, aliases: p.aliases })));
  const bodies: ImportBody[] = [];
  let layout: Layout | null = null;
  let rejected = 0;
  const t0 = performance.now();
  for await (const r of readCsv(fs.createReadStream(file), { maxBytes: null, maxColumns: MAX_COLUMNS, maxRecordBytes: MAX_RECORD_BYTES })) {
    if (!layout) {
      layout = acledLayout(r.cells) as Layout;
      continue;
    }
    const row = acledRow(layout, r.cells);
    if (row.ok) bodies.push(importBody(row.row, matcher).body);
    else rejected++;
  }
  const ms = performance.now() - t0;
  return { ms, rate: ((bodies.length + rejected) / ms) * 1000, bodies, rejected };
}

async function viaImport(engine: string, file: string, size: number, config: Config) {
  const { db, done, admin, reporter } = await seeded(engine, 'truce_bench_imports', config);
  let shown = 0;
  const t0 = performance.now();
  const summary = await importCsv(db, config, fs.createReadStream(file), {
    source: 'acled',
    reporter,
    actor: { accountId: admin.id, role: admin.role, partyId: null },
    limits: { maxBytes: null, maxColumns: MAX_COLUMNS, maxRecordBytes: MAX_RECORD_BYTES },
    checkFirst: false,
    onRows: (s) => {
      const s10 = Math.floor((s.read / N) * 10);
      if (s10 > shown) {
        shown = s10;
        const secs = (performance.now() - t0) / 1000;
        process.stderr.write(`  progress: ${fmt(s.read)} rows read, ${fmt(s.imported)} imported, ${fmt(secs, 1)} s, ${fmt(s.read / secs)} rows/s\n`);
      }
    },
  });
  const ms = performance.now() - t0;
  const [{ reports, incidents }] = await db.query('SELECT (SELECT count(*)::int FROM reports) AS reports, (SELECT count(*)::int FROM incidents) AS incidents');
  // a rerun of the same file: everything a duplicate, nothing filed
  const r0 = performance.now();
  const again = await importCsv(db, config, fs.createReadStream(file), { source: 'acled', reporter, actor: { accountId: admin.id, role: admin.role, partyId: null }, limits: { maxBytes: null, maxColumns: MAX_COLUMNS, maxRecordBytes: MAX_RECORD_BYTES }, checkFirst: false });
  const rerunMs = performance.now() - r0;
  await done();
  return { ms, rate: (summary.read / ms) * 1000, mb: size / 1e6, summary, reports, incidents, rerun: { ms: rerunMs, imported: again.imported, duplicate: again.duplicate } };
}

async function viaIntake(engine: string, bodies: ImportBody[], config: Config) {
  const { db, done, admin, reporter } = await seeded(engine, 'truce_bench_imports_intake', config);
  const enricher = enricherFor(db, config);
  const settings = { distanceM: config.groupDistanceM, gapMs: config.groupGapH * 3_600_000 };
  let filed = 0;
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; i += config.reportBatchMax) {
    const outcomes = await prepareAll(db, bodies.slice(i, i + config.reportBatchMax) as ReportCreate[], enricher, reporter);
    const out = await write(db, { accountId: admin.id, role: admin.role, partyId: null }, (w) => fileReports(w, outcomes, settings, { cache: db }));
    filed += out.filter((o) => o.ok).length;
  }
  const ms = performance.now() - t0;
  await done();
  return { ms, rate: (bodies.length / ms) * 1000, filed };
}

const engines = process.env.TRUCE_BENCH_ENGINES ? process.env.TRUCE_BENCH_ENGINES.split(',') : ['pglite', ...(process.env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])];
const config = loadConfig({}, { logLevel: 'silent', ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), analyzeIntervalS: 0 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-bench-imports-'));
const file = path.join(dir, 'acled.csv');
console.log(`imports benchmark: ${fmt(N)} seeded ACLED rows (current layout, CRLF); ${new Date().toISOString()}`);
await writeFile(file, N);
const size = fs.statSync(file).size;
console.log(`  file: ${fmt(size / 1e6, 1)} MB`);
try {
  for (const engine of engines) {
    const parties = await seeded(engine, 'truce_bench_imports_parse', config);
    const parse = await parseOnly(file, parties.db);
    await parties.done();
    const imp = await viaImport(engine, file, size, config);
    const s = imp.summary;
    console.log(`\n${engine}`);
    console.log(`  import (truce import acled):  ${fmt(imp.rate)} rows/s (${fmt(s.read)} rows, ${fmt(imp.mb, 1)} MB in ${fmt(imp.ms / 1000, 1)} s: ${fmt(s.imported)} imported, ${fmt(s.rejected)} rejected, ${fmt(s.duplicate)} duplicate; ${fmt(s.unmatchedActors.length)} unmatched actors)`);
    const intake = await viaIntake(engine, parse.bodies, config);
    console.log(`  baseline, parsing alone:      ${fmt(parse.rate)} rows/s (${fmt(parse.ms / 1000, 1)} s; the import at ${fmt((imp.rate / parse.rate) * 100, 1)}% of it)`);
    console.log(`  baseline, intake alone:       ${fmt(intake.rate)} reports/s (the same ${fmt(parse.bodies.length)} bodies through prepareAll/fileReports in batches of ${config.reportBatchMax}, ${fmt(intake.ms / 1000, 1)} s; the import at ${fmt((imp.rate / intake.rate) * 100, 1)}% of it)`);
    console.log(`  stored:                       ${fmt(imp.reports)} reports in ${fmt(imp.incidents)} incidents`);
    console.log(`  rerun of the same file:       ${fmt(imp.rerun.ms / 1000, 1)} s, ${fmt(imp.rerun.imported)} imported, ${fmt(imp.rerun.duplicate)} duplicate`);
    if (imp.rerun.imported !== 0) throw new Error('the rerun imported rows again');
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
