// Webhooks benchmark: requests for information written through the ledger, fanned out to K
// liaison webhooks and delivered, signed, to a local receiver on 127.0.0.1; beside it, in the same
// run, the baseline: the same number of signed POSTs of the same bodies sent straight to the same
// receiver with the same concurrency (no ledger, outbox or log). Their ratio is what the durable
// outbox costs. Latency: from a write's commit to the receipt of its deliveries, one write at a time.
//   node --import tsx bench/webhooks.ts [--events 300] [--hooks 5]
//   (PGlite; with TRUCE_BENCH_DATABASE_URL=postgres://... PostgreSQL too)
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { createServiceToken } from '../src/auth/service.ts';
import { loadConfig } from '../src/config.ts';
import { DEMO_PARTIES, seedDemo } from '../src/demo/syria2016.ts';
import { requestInfo } from '../src/incidents/service.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { postOnce } from '../src/webhooks/deliver.ts';
import { signHeader } from '../src/webhooks/signature.ts';
import { freshDb } from './database.ts';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '300' }, hooks: { type: 'string', default: '5' } }, allowPositionals: true, strict: false });
const EVENTS = Number(args.events);
const HOOKS = Number(args.hooks);
const LATENCY_SAMPLES = 40;
const CONCURRENCY = 8;
const fmt = (n: number, d = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: d });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

let seed = 20160227;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const QUESTIONS = ['Where were your units on 27 February?', 'Which unit fired from the ridge?', 'Did your aircraft fly over the town?', 'Who held the checkpoint?'];
const question = () => `${QUESTIONS[Math.floor(rnd() * QUESTIONS.length)]} (#${Math.floor(rnd() * 1e6)})`;

/** The receiver: counts deliveries by request id, answers 200 at once. */
function receiver() {
  const byRequest = new Map<string, number>();
  const waiters: { id: string; n: number; resolve: () => void }[] = [];
  let total = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end('ok');
      total++;
      const id = JSON.parse(Buffer.concat(chunks).toString()).data?.request?.id as string | undefined;
      if (!id) return;
      byRequest.set(id, (byRequest.get(id) ?? 0) + 1);
      for (const w of waiters.filter((x) => x.id === id && byRequest.get(id)! >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  return {
    server,
    get total() {
      return total;
    },
    reached: (id: string, n: number) => ((byRequest.get(id) ?? 0) >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ id, n, resolve }))),
  };
}

async function until(fn: () => boolean, ms = 600_000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(engine: string) {
  const rec = receiver();
  await new Promise<void>((r) => rec.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(rec.server.address() as AddressInfo).port}/hook`;
  const { db, done } = await freshDb(engine, 'truce_bench_hooks', 10);
  const ledgerKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const config = loadConfig({}, { logLevel: 'silent', adminToken: 'truce_bench-admin-token-0123456789abcdef', ledgerKey, analyzeIntervalS: 0, webhookDeliver: true, webhookAllowPrivate: true, webhookPollMs: 50, webhookConcurrency: CONCURRENCY, webhooksPerAccount: HOOKS });
  await ensureFirstAdmin(db, config.adminToken);
  await seedDemo(db);
  const saaf = DEMO_PARTIES.find((p) => p.key === 'saaf')!.id;
  const app = await buildApp({ db, config });
  await app.ready();
  try {
    const tok = await write(db, SYSTEM, (w) => createServiceToken(w, { role: 'liaison', name: 'bench liaison', partyId: saaf }));
    for (let i = 0; i < HOOKS; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${tok.token}` }, payload: { url, events: ['info_request.sent'] } });
      if (res.statusCode !== 201) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
    }
    const [{ id: incidentId }] = await db.query("INSERT INTO incidents (event_type, occurred_from, occurred_to, perpetrator_party_ids) VALUES ('shelling', now(), now(), $1) RETURNING id", [[saaf]]);
    const ask = () => write(db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: saaf, question: question(), dueAt: '2199-01-01T00:00:00Z' }));

    // latency: one write at a time, from its commit to its last delivery's receipt
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const r = await ask();
      const t0 = performance.now();
      await rec.reached(r.id, HOOKS);
      lat.push(performance.now() - t0);
    }

    // throughput: EVENTS writes as fast as they go, until all EVENTS × HOOKS deliveries arrived
    const before = rec.total;
    const t0 = performance.now();
    for (let i = 0; i < EVENTS; i++) await ask();
    const written = performance.now() - t0;
    const atLastWrite = rec.total - before;
    await until(() => rec.total - before >= EVENTS * HOOKS);
    const truceS = (performance.now() - t0) / 1000;
    const drainS = truceS - written / 1000;

    // baseline: the same number of signed POSTs of a body of the same size, CONCURRENCY at a time
    const [{ body }] = await db.query('SELECT body FROM webhook_outbox LIMIT 1');
    const b0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < EVENTS * HOOKS) {
          next++;
          const t = Math.floor(Date.now() / 1000);
          const res = await postOnce(url, body, { 'truce-signature': signHeader('whsec_bench', t, body) }, { rules: { allowPrivate: true }, timeoutMs: 10_000 });
          if (res.status !== 200) throw new Error(`baseline: ${res.error}`);
        }
      }),
    );
    const baseS = (performance.now() - b0) / 1000;
    const n = EVENTS * HOOKS;
    console.log(`\n${engine}: ${fmt(EVENTS)} requests for information × ${HOOKS} webhooks = ${fmt(n)} deliveries`);
    console.log(`  commit → all ${HOOKS} deliveries received, one write at a time (${LATENCY_SAMPLES}): p50 ${fmt(pct(lat, 50), 1)} ms, p95 ${fmt(pct(lat, 95), 1)} ms`);
    console.log(`  writes: ${fmt(EVENTS / (written / 1000))}/s (${fmt(written / 1000, 2)} s), ${fmt(atLastWrite)} deliveries received by the last write; the other ${fmt(n - atLastWrite)} in ${fmt(drainS, 2)} s after it (${fmt((n - atLastWrite) / drainS)}/s)`);
    console.log(`  truce end to end (ledger → fan-out → outbox → signed POST → log), from the first write: ${fmt(n / truceS)} deliveries/s (${fmt(truceS, 2)} s)`);
    console.log(`  baseline (the same signed POSTs sent straight, ${CONCURRENCY} at a time): ${fmt(n / baseS)} deliveries/s (${fmt(baseS, 2)} s)`);
    console.log(`  ratio truce / baseline: ${fmt((n / truceS) / (n / baseS), 3)}`);
    const [dups] = await db.query("SELECT count(*)::int AS n FROM webhook_deliveries WHERE ok GROUP BY outbox_id HAVING count(*) > 1 LIMIT 1");
    if (dups) throw new Error('a delivery was made twice');
  } finally {
    await app.close();
    await done();
    rec.server.close();
  }
}

for (const engine of ['pglite', ...(process.env.TRUCE_BENCH_DATABASE_URL ? ['postgres'] : [])]) await run(engine);
