import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import { seedDemoMap } from '../src/demo/syria2016-map.ts';
import { generateKeyPairSync } from 'node:crypto';

const TOKEN = 'truce_prof-admin-token-0123456789abcdef';
const engine = process.argv[2] ?? 'pglite';
const db = engine === 'pglite' ? await openPglite({}) : await openPostgres(process.env.PROF_URL!, 10);
if (engine !== 'pglite') { await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;'); }
await migrate(db);
const config = loadConfig({}, { logLevel: 'silent', adminToken: TOKEN, ledgerKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
await ensureFirstAdmin(db, TOKEN);
await seedDemo(db);
await seedDemoMap(db, config);
const stats = new Map<string, [number, number]>();
const wrap = (q: any) => { const orig = q.query.bind(q); q.query = async (sql: string, params?: unknown[]) => { const t = performance.now(); try { return await orig(sql, params); } finally { const k = sql.replace(/\s+/g, ' ').slice(0, 90); const v = stats.get(k) ?? [0, 0]; v[0] += performance.now() - t; v[1]++; stats.set(k, v); } }; return q; };
wrap(db); const origTx = db.tx.bind(db); (db as any).tx = (fn: any) => origTx((q: any) => fn(wrap(q)));
const app = await buildApp({ db, config });
await app.ready();
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const row = () => ({ channel: 'api', occurredAt: new Date(Date.parse('2016-02-27T00:00:00Z') + rnd() * 60 * 86400_000).toISOString(), location: { type: 'Point', coordinates: [36 + rnd() * 3, 33 + rnd() * 3] }, eventType: ['shelling', 'airstrike', 'ground_attack'][Math.floor(rnd() * 3)], casualties: { killed: { best: Math.floor(rnd() * 5) } }, text: 'x'.repeat(200) });
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 200 }); await session.post('Profiler.start');
for (let b = 0; b < 10; b++) {
  const payload = JSON.stringify({ reports: Array.from({ length: 1000 }, row) });
  const t0 = performance.now();
  const res = await app.inject({ method: 'POST', url: '/api/v1/reports/batch', payload, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
  console.log(b, res.statusCode, Math.round(performance.now() - t0), 'ms', res.statusCode === 200 ? res.json().accepted : res.body.slice(0, 300));
}
for (const [k, [ms, n]] of [...stats].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25)) console.log(Math.round(ms), n, k);
const { profile } = await session.post('Profiler.stop'); fs.writeFileSync('tmp/batch.cpuprofile', JSON.stringify(profile));
await app.close();
await db.close();
