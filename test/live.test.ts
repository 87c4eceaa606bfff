// Two server processes on one PostgreSQL database: a `truce serve` child process (A) and an app
// in this process with its own pool (B). What is written through one reaches the other through
// LISTEN/NOTIFY only: both poll never (TRUCE_EVENTS_POLL_MS=0) and the vetting index and token
// cache would otherwise wait an hour (TRUCE_VETTING_REFRESH_MS, TRUCE_AUTH_CACHE_MS).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ensureFirstAdmin } from '../src/auth/bootstrap.ts';
import type { Role } from '../src/auth/roles.ts';
import { createServiceToken } from '../src/auth/service.ts';
import type { Db } from '../src/db/db.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { seedDemo } from '../src/demo/syria2016.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { ADMIN_TOKEN, demoId, TEST_LEDGER_KEY, testConfig } from './support/app.ts';
import { engine, newPostgresDatabase } from './support/db.ts';
import { SseClient } from './support/sse.ts';

const bin = path.resolve(import.meta.dirname, '../bin/truce.js');
const HOUR = 3_600_000;

let drop: () => Promise<void>;
let dbUrl: string;
let seedDb: Db;
let a: { url: string; proc: ChildProcess; out: () => string };
let b: { url: string; app: FastifyInstance; db: Db };
const tokens: Record<string, string> = {};

function serve(env: Record<string, string>): Promise<typeof a> {
  return new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRUCE_') && k !== 'DATABASE_URL'));
    const proc = spawn(process.execPath, [bin, 'serve'], { env: { ...base, PORT: '0', TRUCE_LOG_LEVEL: 'warn', ...env } });
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], proc, out: () => out });
    });
    proc.stderr!.on('data', (d) => (out += d));
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const token = async (role: Role, name: string, extra: { partyId?: string; organisation?: string } = {}) =>
  (await write(seedDb, SYSTEM, (w) => createServiceToken(w, { role, name, ...extra }))).token;

const auth = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
const post = (base: string, who: string, url: string, body: unknown) =>
  fetch(`${base}${url}`, { method: 'POST', headers: { ...auth(who), 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.skipIf(engine !== 'postgres')('two server processes on one PostgreSQL database', () => {
  beforeAll(async () => {
    const created = await newPostgresDatabase();
    drop = created.drop;
    dbUrl = created.url;
    seedDb = await openPostgres(dbUrl, 2);
    await ensureFirstAdmin(seedDb, ADMIN_TOKEN);
    await seedDemo(seedDb);
    tokens.admin = ADMIN_TOKEN;
    tokens.liaison = await token('liaison', 'live liaison', { partyId: demoId('saaf') });
    tokens.agency = await token('agency', 'live agency', { organisation: 'Live Relief' });
    tokens.doomed = await token('monitor', 'live monitor to revoke');
    const slow = { TRUCE_EVENTS_POLL_MS: '0', TRUCE_VETTING_REFRESH_MS: String(HOUR), TRUCE_AUTH_CACHE_MS: String(HOUR) };
    a = await serve({ DATABASE_URL: dbUrl, TRUCE_ADMIN_TOKEN: ADMIN_TOKEN, TRUCE_LEDGER_KEY: TEST_LEDGER_KEY, ...slow });
    const db = await openPostgres(dbUrl, 4);
    const app = await buildApp({ db, config: testConfig({ eventsPollMs: 0, vettingRefreshMs: HOUR, authCacheMs: HOUR }) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    b = { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, app, db };
  }, 120_000);

  afterAll(async () => {
    a?.proc.kill('SIGTERM');
    await b?.app.close();
    await b?.db.close();
    await seedDb?.close();
    await drop?.();
  });

  it('an entry written through A is an event on B, from its NOTIFY', async () => {
    const stream = await SseClient.open(`${b.url}/api/v1/stream`, auth('admin'));
    expect(stream.status).toBe(200);
    const res = await post(a.url, 'admin', '/api/v1/parties', { name: 'Live Front', kind: 'other' });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    const t0 = performance.now();
    const ev = await stream.waitFor((e) => e.event === 'party' && JSON.parse(e.data!).id === id, 5000);
    console.log(`A's write seen on B's stream ${(performance.now() - t0).toFixed(0)} ms after A answered`);
    expect(JSON.parse(ev.data!)).toEqual({ type: 'party', action: 'party.created', id, at: expect.any(String) });
    const entries = await (await fetch(`${b.url}/api/v1/ledger/entries?start=${ev.id}&end=${Number(ev.id) + 1}`, { headers: auth('admin') })).json();
    expect(entries.items[0].entity).toEqual({ type: 'party', id }); // the id is the leaf index
    stream.close();
  });

  it('a site notified through A reaches B’s vetting index, and B’s streams only for those who may read it', async () => {
    const target = { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates: [36.2021, 33.3012] }, at: '2016-03-03T00:00:00Z' };
    const before = await (await post(b.url, 'admin', '/api/v1/vetting', target)).json();
    expect(before.reasons.map((r: { code: string }) => r.code)).not.toContain('PROTECTED_SITE'); // B's index is built and warm
    const liaison = await SseClient.open(`${b.url}/api/v1/stream`, auth('liaison'));
    const admin = await SseClient.open(`${b.url}/api/v1/stream`, auth('admin'));
    const agency = await SseClient.open(`${b.url}/api/v1/stream`, auth('agency'));
    const opened = liaison.received;
    const site = await (await post(a.url, 'agency', '/api/v1/sites', { kind: 'hospital', name: 'Live Field Hospital', geometry: { type: 'Point', coordinates: [36.2021, 33.3012] }, validFrom: '2016-03-01T00:00:00Z' })).json();
    expect(site.id).toBeDefined();
    await admin.waitFor((e) => e.event === 'site' && JSON.parse(e.data!).id === site.id, 5000);
    await agency.waitFor((e) => e.event === 'site' && JSON.parse(e.data!).id === site.id, 5000);
    // B's index heard of it too: the next decision through B sees the site, with no hourly refresh
    const t0 = performance.now();
    let codes: string[] = [];
    while (performance.now() - t0 < 5000) {
      codes = (await (await post(b.url, 'admin', '/api/v1/vetting', target)).json()).reasons.map((r: { code: string }) => r.code);
      if (codes.includes('PROTECTED_SITE')) break;
    }
    expect(codes).toContain('PROTECTED_SITE');
    console.log(`site through A prohibits through B after ${(performance.now() - t0).toFixed(0)} ms`);
    // the liaison heard nothing at all, not even a byte, of the site or of the decisions
    await new Promise((r) => setTimeout(r, 300));
    expect(liaison.received).toBe(opened);
    for (const s of [liaison, admin, agency]) s.close();
  });

  it('a token revoked through A no longer works on B, whose token cache would keep it an hour', async () => {
    expect((await fetch(`${b.url}/api/v1/parties`, { headers: auth('doomed') })).status).toBe(200); // cached on B now
    const list = await (await fetch(`${a.url}/api/v1/tokens?limit=500`, { headers: auth('admin') })).json();
    const doomed = list.items.find((x: { name: string }) => x.name === 'live monitor to revoke');
    expect((await fetch(`${a.url}/api/v1/tokens/${doomed.id}`, { method: 'DELETE', headers: auth('admin') })).status).toBeLessThan(300);
    const t0 = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - t0 < 5000) status = (await fetch(`${b.url}/api/v1/parties`, { headers: auth('doomed') })).status;
    expect(status).toBe(401);
  });

  it('resumes on A from the last id B sent, with what was written through B meanwhile', async () => {
    const first = await SseClient.open(`${b.url}/api/v1/stream`, auth('admin'));
    const p1 = await (await post(b.url, 'admin', '/api/v1/parties', { name: 'Live Resume One', kind: 'other' })).json();
    await first.waitFor((e) => e.data !== undefined && JSON.parse(e.data).id === p1.id);
    first.close();
    const last = first.lastEventId!;
    const p2 = await (await post(b.url, 'admin', '/api/v1/parties', { name: 'Live Resume Two', kind: 'other' })).json();
    const p3 = await (await post(b.url, 'admin', '/api/v1/parties', { name: 'Live Resume Three', kind: 'other' })).json();
    const again = await SseClient.open(`${a.url}/api/v1/stream`, { ...auth('admin'), 'last-event-id': last });
    await again.waitFor((e) => e.data !== undefined && JSON.parse(e.data).id === p3.id, 5000);
    const ids = again.events.map((e) => JSON.parse(e.data!).id);
    expect(ids.slice(0, 2)).toEqual([p2.id, p3.id]);
    expect(ids).not.toContain(p1.id);
    again.close();
  });
});
