// Exports over a real socket, on 20,000 seeded incidents (bulk SQL, bench/support/incidents-million.ts):
// streamed page by page with backpressure, a client that stops reading holds no database connection
// and is cut off after the stall time, one that goes away stops the export, and the bounds per
// account and in all (429).
import http from 'node:http';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { seedIncidents } from '../../bench/support/incidents-million.ts';
import { testApp, type TestApp } from '../../test/support/app.ts';
import type { Role } from '../auth/roles.ts';
import { exportSlots, FIRST_PAGE_ROWS } from './service.ts';

const N = 20_000;
let t: TestApp;
let base: string;
let total: number;
beforeAll(async () => {
  t = await testApp({ config: { exportsPerAccount: 1, exportsMax: 2, exportChunkRows: 500, exportStallS: 5, streamRecheckMs: 200 } });
  await seedIncidents(t.db, N);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  total = (await t.call('admin', { method: 'GET', url: '/api/v1/incidents/aggregates?by=type' })).json().total;
}, 180_000);
afterAll(() => t?.close());

const running = () => exportSlots(t.db).list();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (ok: () => boolean | Promise<boolean>, ms = 5000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await sleep(20);
  }
};

/** The rows the one running export has written, once it has waited half a second for its client to read (it has stopped reading). */
async function settled(): Promise<number> {
  await until(() => {
    const [r] = running();
    return r.waitingSince !== null && Date.now() - r.waitingSince > 500;
  }, 15_000);
  return running()[0].rows;
}

interface Download {
  req: http.ClientRequest;
  res: http.IncomingMessage;
  first: Buffer;
  /** When the response ended or was cut off. */
  closed: Promise<'end' | 'aborted'>;
}

/** Starts a download and stops reading after its first bytes. */
function openPaused(role: Role | { token: string }, format: string): Promise<Download> {
  const token = typeof role === 'string' ? t.tokens[role] : role.token;
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/exports/incidents?format=${format}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      const closed = new Promise<'end' | 'aborted'>((done) => {
        res.on('end', () => done('end'));
        res.on('aborted', () => done('aborted'));
        res.on('error', () => done('aborted'));
        res.on('close', () => done(res.complete ? 'end' : 'aborted'));
      });
      res.once('data', (first: Buffer) => {
        res.pause();
        resolve({ req, res, first, closed });
      });
    });
    req.on('error', () => {});
  });
}

/** Connections of this database busy with a statement or holding a transaction (PostgreSQL). */
async function busyConnections(): Promise<number> {
  if (t.db.engine !== 'postgres') return 0;
  const [r] = await t.db.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS NOT NULL AND state <> 'idle'",
  );
  return r.n;
}

describe('streaming', () => {
  it('sends the whole list, every row, and csv-parse reads it back', async () => {
    expect(total).toBeGreaterThan(N * 0.9); // merged ones are not listed
    const res = await t.call('admin', { method: 'GET', url: '/api/v1/exports/incidents?format=acled' });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body) as string[][];
    expect(rows.length - 1).toBe(total);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(total); // no incident twice across pages
    expect(running()).toEqual([]);
  });

  it('sends the first rows at once and reads the next pages only as the client takes them', async () => {
    const d = await openPaused('admin', 'geojson');
    expect(d.first.toString('utf8')).toMatch(/^\{"type":"FeatureCollection","features":\[/);
    // the client took a few pages (socket buffers fill), then the export waits for it
    const rows = await settled();
    expect(rows).toBeGreaterThanOrEqual(FIRST_PAGE_ROWS);
    expect(rows).toBeLessThan(total / 2);
    await sleep(400);
    expect(running()[0].rows).toBe(rows);
    // meanwhile it holds no database connection: others are answered, nothing is busy
    expect(await busyConnections()).toBe(0);
    const other = await t.call('monitor', { method: 'GET', url: '/api/v1/incidents?limit=5' });
    expect(other.statusCode).toBe(200);
    // the client reads again: the rest comes, complete
    const chunks: Buffer[] = [d.first];
    d.res.on('data', (c: Buffer) => chunks.push(c));
    d.res.resume();
    expect(await d.closed).toBe('end');
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8')).features).toHaveLength(total);
    expect(running()).toEqual([]);
  });
});

describe('clients that misbehave', () => {
  it('cuts off a client that stops reading after the stall time, and frees its place', async () => {
    const d = await openPaused('secretariat', 'geojson');
    expect(running()).toHaveLength(1);
    expect(await settled()).toBeLessThan(total);
    expect(await busyConnections()).toBe(0);
    await until(() => running().length === 0, 15_000); // exportStallS: 5
    // the server closed the connection (the client, not reading, has not seen it yet)
    await until(async () => (await new Promise<number>((r) => t.app.server.getConnections((_e, n) => r(n)))) === 0, 2000);
    expect(await busyConnections()).toBe(0);
    // read on: what was in flight, then the cut, never the end of the file
    d.res.resume();
    expect(await d.closed).toBe('aborted');
    expect((await t.call('secretariat', { method: 'GET', url: '/api/v1/exports/incidents?format=csv&type=other' })).statusCode).toBe(200);
  });

  it('stops at once when the client goes away (an aborted download)', async () => {
    const d = await openPaused('monitor', 'hxl');
    const [r] = running();
    d.req.destroy();
    await until(() => running().length === 0, 2000);
    expect(r.rows).toBeLessThan(total);
    expect(await busyConnections()).toBe(0);
    // its place is free again at once
    expect((await t.call('monitor', { method: 'GET', url: '/api/v1/exports/incidents?format=csv&type=other' })).statusCode).toBe(200);
  });

  it('ends an export whose token is revoked while it runs', async () => {
    const tok = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'export revoked', role: 'analyst' } })).json();
    const d = await openPaused({ token: tok.token }, 'geojson');
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${tok.id}` })).statusCode).toBe(200);
    let bytes = d.first.length;
    d.res.on('data', (c: Buffer) => (bytes += c.length));
    // past the check interval (200 ms here) before reading on, so the next page checks its credentials
    // and ends it: on a quiet machine the whole list can otherwise stream out inside one interval
    await new Promise((r) => setTimeout(r, 300));
    d.res.resume();
    expect(await d.closed).toBe('aborted');
    await until(() => running().length === 0, 5000);
    expect(bytes).toBeGreaterThan(0);
  });

  it('bounds exports per account and in all: 429 naming the bound', async () => {
    const settings = exportSlots(t.db).settings;
    const stall = settings.stallMs;
    settings.stallMs = 120_000; // the paused downloads hold their places however slow the machine (the stall is the test above's)
    onTestFinished(() => void (settings.stallMs = stall));
    const a = await openPaused('admin', 'geojson');
    const again = await t.call('admin', { method: 'GET', url: '/api/v1/exports/incidents?format=geojson' });
    expect(again.statusCode).toBe(429);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toMatchObject({ code: 'TOO_MANY_EXPORTS', field: 'Authorization', limit: 1 });
    const b = await openPaused('analyst', 'geojson');
    const third = await t.call('public', { method: 'GET', url: '/api/v1/exports/incidents?format=csv' });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'TOO_MANY_EXPORTS', field: '(request)', limit: 2 });
    a.req.destroy();
    b.req.destroy();
    await until(() => running().length === 0, 2000);
    expect((await t.call('public', { method: 'GET', url: '/api/v1/exports/incidents?format=csv&type=other' })).statusCode).toBe(200);
  });
});
