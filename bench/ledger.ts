// Ledger benchmark: append throughput, the cost the ledger adds to a write, and inclusion-proof
// time as the log grows. Seeded, so every run does the same work; figures go to bench/RESULTS.md.
//   node --import tsx bench/ledger.ts            (PGlite; add TRUCE_BENCH_DATABASE_URL=postgres://... for PostgreSQL too)
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/db.ts';
import { appendLeaves, inclusionProof, SYSTEM, write, type PendingLeaf, type Writer } from '../src/ledger/ledger.ts';
import * as M from '../src/ledger/merkle.ts';
import * as store from '../src/ledger/store.ts';
import { createParty } from '../src/parties/service.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { generateKeyPairSync } from 'node:crypto';
import type { Queryable } from '../src/db/db.ts';
import { freshDb } from './database.ts';

let seed = 20160227;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (n: number, d = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: d });

const fresh = (engine: string) => freshDb(engine, 'truce_bench', 4);

/** The same party writes with and without the ledger, interleaved so both see the same machine. */
async function writeCost(db: Db, n: number) {
  const noLedger = (fn: (w: Writer) => Promise<unknown>) => db.tx((q) => fn({ q, actor: SYSTEM, record: () => {} }));
  const withLedger = (fn: (w: Writer) => Promise<unknown>) => write(db, SYSTEM, fn);
  const times = { without: 0, with: 0 };
  type Run = (fn: (w: Writer) => Promise<unknown>) => Promise<unknown>;
  const pair: [keyof typeof times, Run][] = [
    ['without', noLedger],
    ['with', withLedger],
  ];
  for (let i = 0; i < n; i++) {
    for (const [k, run] of i % 2 ? [...pair].reverse() : pair) {
      const t0 = performance.now();
      await run((w) => createParty(w, { name: `Bench ${k} ${i}`, kind: 'non_state_armed_group', aliases: ['فصيل'], homeState: 'SYR', operatesIn: ['SYR'] }));
      times[k] += performance.now() - t0;
    }
  }
  return { withoutMs: times.without / n, withMs: times.with / n, addedPct: ((times.with - times.without) / times.without) * 100 };
}

/** The same database with the ledger's own statement skipped: the "without" side of the HTTP comparison. */
function withoutLedgerStatement(db: Db): Db {
  const skip = (q: Queryable): Queryable => ({
    query: async (sql, params) => (sql.startsWith('SELECT ledger_append(') ? ([{ ok: true }] as any) : q.query(sql, params)),
    exec: (sql) => q.exec(sql),
  });
  return { ...db, ...skip(db), tx: (fn) => db.tx((q) => fn(skip(q))) };
}

/** POST /api/v1/parties through the real app (auth, validation, service, response), with and without the ledger. */
async function httpWriteCost(db: Db, n: number) {
  const token = 'truce_bench-admin-token-000000000000000';
  await ensureFirstAdmin(db, token);
  const config = loadConfig({}, { logLevel: 'silent', adminToken: token, ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
  const apps = { with: await buildApp({ db, config }), without: await buildApp({ db: withoutLedgerStatement(db), config }) };
  const times = { with: 0, without: 0 };
  for (let i = 0; i < n; i++) {
    for (const k of (i % 2 ? ['with', 'without'] : ['without', 'with']) as (keyof typeof times)[]) {
      const t0 = performance.now();
      const res = await apps[k].inject({ method: 'POST', url: '/api/v1/parties', headers: { authorization: `Bearer ${token}` }, payload: { name: `HTTP ${k} ${i}`, kind: 'other', aliases: ['فصيل'] } });
      times[k] += performance.now() - t0;
      if (res.statusCode !== 201) throw new Error(res.body);
    }
  }
  await apps.with.close();
  await apps.without.close();
  return { withoutMs: times.without / n, withMs: times.with / n, addedPct: ((times.with - times.without) / times.without) * 100 };
}

/** Batches of leaves through appendLeaves (states read back from real rows) vs the same rows' plain insert. */
async function appendRate(db: Db, batches: number, batch: number) {
  const ids = (await db.query('SELECT id FROM parties')).map((r) => r.id as string);
  const pending = (): PendingLeaf[] => Array.from({ length: batch }, () => ({ action: 'party.updated', type: 'party', id: ids[rand(ids.length)] }));
  let t0 = performance.now();
  for (let b = 0; b < batches; b++) await db.tx((q) => appendLeaves(q, SYSTEM, pending()));
  // the stored log moved on under the write() cache's feet: that is what its size check is for
  const ledgerS = (performance.now() - t0) / 1000;
  // baseline: inserting the same number of rows of the same width, no hashing, no tree
  await db.exec('CREATE TEMP TABLE IF NOT EXISTS bench_plain (seq bigint, leaf text)');
  const text = 'x'.repeat(260);
  t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    await db.tx((q) => q.query('INSERT INTO bench_plain SELECT g, $2 FROM generate_series(1, $1) g', [batch, text]));
  }
  const plainS = (performance.now() - t0) / 1000;
  return { leavesPerS: (batches * batch) / ledgerS, plainRowsPerS: (batches * batch) / plainS };
}

/** Fills the tree's nodes for n synthetic leaves directly (bulk, in chunks), as the append path would. */
async function growTo(db: Db, target: number) {
  let { size, frontier } = await store.logState(db);
  while (size < target) {
    const n = Math.min(20_000, target - size);
    const hashes = Array.from({ length: n }, (_, i) => M.leafHash(Buffer.from(`synthetic leaf ${size + i} ${rand(1e9)}`)));
    const grown = M.append(size, frontier, hashes);
    await db.tx(async (q) => {
      await q.query('SELECT 1 FROM ledger_state FOR UPDATE');
      await q.query(`INSERT INTO ledger_nodes (level, idx, hash) SELECT lv, ix, decode(h, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS t (lv, ix, h)`, [
        grown.nodes.map((x) => x.level),
        grown.nodes.map((x) => x.index),
        grown.nodes.map((x) => x.hash.toString('hex')),
      ]);
      await q.query('UPDATE ledger_state SET size = $1, frontier = $2::jsonb', [grown.size, JSON.stringify(grown.frontier.map((h) => (h ? h.toString('hex') : null)))]);
    });
    ({ size, frontier } = grown);
  }
  return M.frontierRoot(size, frontier);
}

async function proofTimes(db: Db, size: number, root: M.Hash, samples: number) {
  const us: number[] = [];
  for (let i = 0; i < samples; i++) {
    const idx = rand(size);
    const t0 = performance.now();
    const p = await inclusionProof(db, idx, size);
    us.push((performance.now() - t0) * 1000);
    if (i < 20 && !M.verifyInclusion(idx, size, p.leafHash, p.path, root)) throw new Error(`proof ${idx}/${size} does not verify`);
  }
  return { p50: quantile(us, 0.5), p99: quantile(us, 0.99) };
}

/** Baseline for proofs: the audit path computed from all leaf hashes in memory, as with no stored tree. */
function naiveProofUs(size: number) {
  const leaves = Array.from({ length: size }, (_, i) => M.leafHash(Buffer.from(`n${i}`)));
  const t0 = performance.now();
  const reps = 3;
  for (let r = 0; r < reps; r++) M.inclusionRanges(rand(size), size).map(([a, b]) => M.rootOf(leaves.slice(a, b)));
  return ((performance.now() - t0) * 1000) / reps;
}

async function main() {
  const engines = ['pglite', ...(process.env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])];
  const sizes = (process.env.TRUCE_BENCH_PROOF_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  console.log(`ledger benchmark ${new Date().toISOString()} node ${process.version}`);
  for (const engine of engines) {
    const { db, done } = await fresh(engine);
    try {
      const cost = await writeCost(db, 300);
      console.log(`[${engine}] party write, service level: ${fmt(cost.withoutMs, 3)} ms without the ledger, ${fmt(cost.withMs, 3)} ms with it: +${fmt(cost.addedPct)}%`);
      const http = await httpWriteCost(db, 300);
      console.log(`[${engine}] POST /api/v1/parties: ${fmt(http.withoutMs, 3)} ms without the ledger's statement, ${fmt(http.withMs, 3)} ms with it: +${fmt(http.addedPct)}% (goal < 20%)`);
      for (const [batches, batch] of [[20, 1000], [4, 10_000]]) {
        const rate = await appendRate(db, batches, batch);
        console.log(
          `[${engine}] append in batches of ${fmt(batch, 0)}: ${fmt(rate.leavesPerS, 0)} leaves/s (goal >= 20,000); plain insert of as many rows: ${fmt(rate.plainRowsPerS, 0)} rows/s (ratio ${fmt(rate.leavesPerS / rate.plainRowsPerS, 2)})`,
        );
      }
    } finally {
      await done();
    }
    const proofs = await fresh(engine);
    try {
      for (const size of sizes) {
        const t0 = performance.now();
        const root = await growTo(proofs.db, size);
        const grow = (performance.now() - t0) / 1000;
        const p = await proofTimes(proofs.db, size, root, 500);
        const naive = size <= 100_000 ? naiveProofUs(size) : NaN;
        console.log(
          `[${engine}] inclusion proof at ${fmt(size, 0)} leaves: p50 ${fmt(p.p50, 0)} µs, p99 ${fmt(p.p99, 0)} µs (goal < 1000)` +
            (Number.isNaN(naive) ? '' : `; naive recomputation from all leaves ${fmt(naive, 0)} µs (${fmt(naive / p.p50, 0)}x slower)`) +
            ` [tree grown in ${fmt(grow)} s]`,
        );
      }
    } finally {
      await proofs.done();
    }
  }
}

await main();
