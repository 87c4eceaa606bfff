// Webhooks end to end, on the real database: a local node:http receiver on 127.0.0.1 verifies
// every delivery's HMAC as the README tells a receiver to; each kind reaches its registrant and
// no other; retries with backoff; disabling and enabling again; a restart resumes the outbox;
// two instances never send one delivery twice. Backoff settings are small so this runs fast.
import { createHmac, createPublicKey, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { concur, propose, requestInfo } from '../incidents/service.ts';
import { addAgencies, demoId, TEST_LEDGER_KEY, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';
import { verifySnapshot } from '../ledger/verify.ts';
import { decidedIncident, fileReport } from '../../test/support/desk.ts';
import { guardedLookup, postOnce } from './deliver.ts';

// PGlite runs in this process: on a busy machine its queries hold the receiver and the timers too
vi.setConfig({ testTimeout: 60_000 });

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; kind: string; webhookId: string; occurredAt: string; ledgerIndex: number | null; data: Record<string, any> };
  at: number;
  verified: boolean;
}

const secrets = new Map<string, string>(); // webhook id → secret
const received: Received[] = [];
/** Answers by path: a list of statuses used up in order (the last one stays), or 'slow'. */
const plan = new Map<string, (number | 'slow')[]>();

/** What a receiver does (the README's recipe): HMAC-SHA256 over "<t>.<raw body>", compared in constant time, the timestamp within 5 minutes. */
function verify(secret: string, header: string | undefined, raw: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return false;
  const want = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2], 'hex'));
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    if (path === '/big') return res.writeHead(200).end('x'.repeat(10_000));
    if (path === '/redirect') return res.writeHead(302, { location: '/ok/redirected' }).end();
    let json: Received['json'];
    try {
      json = JSON.parse(body);
    } catch {
      return res.writeHead(400).end('not json');
    }
    received.push({ path, headers: req.headers, body, json, at: Date.now(), verified: verify(secrets.get(json.webhookId) ?? '', req.headers['truce-signature'] as string, body) });
    const steps = plan.get(path) ?? [200];
    const step = steps.length > 1 ? steps.shift()! : steps[0];
    if (step === 'slow') return void setTimeout(() => res.writeHead(200).end('late'), 1500);
    res.writeHead(step, { 'content-type': 'text/plain' }).end(step === 200 ? 'thanks' : 'receiver trouble');
  });
});

let base = '';
let t: TestApp;
let hzbToken = '';
const agencies: Agencies = {};
const hooks: Record<string, string> = {}; // name → webhook id

const config = {
  webhookDeliver: true,
  webhookAllowPrivate: true,
  webhookPollMs: 25,
  webhookRetryBaseMs: 60,
  webhookRetryMaxMs: 300,
  webhookMaxAttempts: 8,
  webhookDisableAfter: 3,
  webhookTimeoutMs: 20_000, // PGlite runs in this process: a long query holds the receiver too, and a timeout would send a delivery twice
  webhookDeadlineCheckMs: 50,
};

const as = (who: string) => (who === 'hzb' ? hzbToken : who in agencies ? agencies[who].token : t.tokens[who as 'liaison']);
const call = (who: string, o: Parameters<TestApp['call']>[1]) => t.app.inject({ ...o, headers: { authorization: `Bearer ${as(who)}`, ...o.headers } });

async function register(name: string, who: string, events: string[], path = `/ok/${name}`) {
  const res = await call(who, { method: 'POST', url: '/api/v1/webhooks', payload: { url: `${base}${path}`, events, description: name } });
  expect(res.statusCode, res.body).toBe(201);
  hooks[name] = res.json().id;
  secrets.set(res.json().id, res.json().secret);
  return res.json();
}

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const to = (name: string) => received.filter((r) => r.json.webhookId === hooks[name]);
const settle = () => new Promise((r) => setTimeout(r, 400)); // several poll periods: what was to come has come

const LIAISON_KINDS = ['info_request.sent', 'info_request.deadline_near', 'info_request.deadline_passed', 'determination.standing', 'convoy.approval_asked'];

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await testApp({ config });
  const tok = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'hezbollah liaison', role: 'liaison', partyId: demoId('hzb') } });
  hzbToken = tok.json().token;
  await addAgencies(t, agencies, [['unicef', 'UNICEF'], ['msf', 'MSF']]);
  await register('saaf', 'liaison', LIAISON_KINDS);
  await register('hzb', 'hzb', LIAISON_KINDS);
  await register('unicef', 'unicef', ['report.near_site']);
  await register('msf', 'msf', ['report.near_site']);
}, 120_000); // the demo scenario on PGlite, on a busy machine
afterAll(async () => {
  await t?.close();
  server.close();
});

const ask = (incidentId: string, party: string, dueAt: string) =>
  t.call('admin', { method: 'POST', url: `/api/v1/incidents/${incidentId}/requests`, payload: { addressedToPartyId: demoId(party), question: 'Where were your units?', dueAt } });

describe('each kind reaches its registrant only', () => {
  it('a request for information: to the party asked, signed', async () => {
    const { incidentId } = await fileReport(t.db);
    const res = await ask(incidentId, 'saaf', '2199-01-01T00:00:00Z');
    expect(res.statusCode, res.body).toBe(201);
    const got = await until('the request at the SAAF liaison', () => to('saaf').find((r) => r.json.kind === 'info_request.sent' && r.json.data.request.id === res.json().id));
    expect(got.verified).toBe(true);
    expect(got.headers['truce-event']).toBe('info_request.sent');
    expect(got.headers['truce-delivery']).toBe(got.json.id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.json.data.incident.id).toBe(incidentId);
    expect(got.json.ledgerIndex).toEqual(expect.any(Number));
    await settle();
    expect(received.filter((r) => JSON.stringify(r.json).includes(res.json().id)).map((r) => r.path)).toEqual(['/ok/saaf']);
  });

  const deadlineNotices = (kind: string, id: string) => received.filter((r) => r.json.kind === kind && r.json.data.request?.id === id);

  it('a deadline near: once, to the party asked only', async () => {
    const { incidentId } = await fileReport(t.db);
    const res = await ask(incidentId, 'hzb', new Date(Date.now() + 2 * 3_600_000).toISOString()); // within the 24 h window
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    await until('near', () => deadlineNotices('info_request.deadline_near', id).length > 0);
    await settle(); // many runs of the deadline job later
    expect(deadlineNotices('info_request.deadline_near', id).map((r) => r.path)).toEqual(['/ok/hzb']);
    expect(deadlineNotices('info_request.deadline_passed', id)).toEqual([]);
    expect(deadlineNotices('info_request.deadline_near', id)[0]).toMatchObject({ verified: true, json: { ledgerIndex: null } });
  });

  it('a deadline passed: once, to the party asked only', async () => {
    const { incidentId } = await fileReport(t.db);
    // asked an hour ago, due a minute ago (as the demo records history): found past its deadline, so told only that it passed
    const now = Date.now();
    const { id } = await write(t.db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: demoId('hzb'), question: 'Late?', dueAt: new Date(now - 60_000).toISOString() }, new Date(now - 3_600_000)));
    await until('passed', () => deadlineNotices('info_request.deadline_passed', id).length > 0);
    await settle();
    expect(deadlineNotices('info_request.deadline_passed', id).map((r) => r.path)).toEqual(['/ok/hzb']);
    expect(deadlineNotices('info_request.deadline_near', id)).toEqual([]);
    expect(received.filter((r) => r.json.data.request?.id === id).every((r) => r.path === '/ok/hzb')).toBe(true);
  });

  it('no deadline notice for an answered request', async () => {
    const { incidentId } = await fileReport(t.db);
    const res = await ask(incidentId, 'saaf', new Date(Date.now() + 26 * 3_600_000).toISOString()); // outside the 24 h window
    const id = res.json().id;
    expect((await call('liaison', { method: 'POST', url: `/api/v1/requests/${id}/answer`, payload: { text: 'Not there.' } })).statusCode).toBe(201);
    await settle();
    expect(received.filter((r) => r.json.kind.startsWith('info_request.deadline') && r.json.data.request?.id === id)).toEqual([]);
  });

  it('a determination: once it stands, to the party it concerns', async () => {
    const { incidentId } = await decidedIncident(t.db, { perpetrators: [demoId('saaf')] });
    const d = await write(t.db, { accountId: null, role: 'cochair', partyId: demoId('rus') }, (w) => propose(w, incidentId, { finding: 'violation', violatorPartyIds: [demoId('saaf')], reasoning: 'Shelling of a market' }));
    await settle();
    const of = () => received.filter((r) => r.json.kind === 'determination.standing' && r.json.data.determination.id === d.id);
    expect(of()).toEqual([]); // proposed, not standing: a liaison may not read it yet
    await write(t.db, { accountId: null, role: 'cochair', partyId: demoId('usa') }, (w) => concur(w, d.id));
    await until('the determination', () => of().length > 0);
    await settle();
    expect(of().map((r) => r.path)).toEqual(['/ok/saaf']);
    expect(of()[0].json.data.determination).toMatchObject({ standing: true, violatorPartyIds: [demoId('saaf')] });
  });

  it('a convoy approval: to the party asked, naming it', async () => {
    const area = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/besieged-areas',
      payload: { name: 'Hook area', geometry: { type: 'Polygon', coordinates: [[[36.0, 33.6], [36.1, 33.6], [36.1, 33.7], [36.0, 33.7], [36.0, 33.6]]] }, population: { count: 10, asOf: '2016-01-01', source: 'test' }, besiegingPartyIds: [demoId('saaf')], status: 'besieged', since: '2016-01-01' },
    });
    const H = 3_600_000;
    const c = await call('unicef', {
      method: 'POST',
      url: '/api/v1/convoys',
      payload: { originName: 'Damascus', destinationAreaId: area.json().id, route: { type: 'LineString', coordinates: [[36.29, 33.51], [36.05, 33.65]] }, window: { from: new Date(Date.now() - H).toISOString(), to: new Date(Date.now() + 24 * H).toISOString() }, cargo: [{ category: 'food', quantity: 5, unit: 't' }], peopleToReach: 100 },
    });
    expect(c.statusCode, c.body).toBe(201);
    const asked = c.json().approvals.map((a: { partyId: string }) => a.partyId);
    expect(asked).toContain(demoId('saaf'));
    const got = await until('the approval asked', () => to('saaf').find((r) => r.json.kind === 'convoy.approval_asked' && r.json.data.convoyId === c.json().id));
    expect(got.json.data).toMatchObject({ partyId: demoId('saaf'), reason: 'besieger' });
    await settle();
    const all = received.filter((r) => r.json.kind === 'convoy.approval_asked' && r.json.data.convoyId === c.json().id);
    for (const r of all) expect(r.json.data.partyId).toBe(r.path === '/ok/saaf' ? demoId('saaf') : demoId('hzb')); // each liaison hears of its own party's only
    expect(all.filter((r) => r.path === '/ok/hzb').length).toBe(asked.includes(demoId('hzb')) ? 1 : 0);
    expect(all.some((r) => r.path.startsWith('/ok/unicef') || r.path.startsWith('/ok/msf'))).toBe(false);
  });

  it('a report at a site: to the agency that notified it, without the reporter', async () => {
    const site = await call('unicef', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'Hook school', geometry: { type: 'Point', coordinates: [37.1, 36.2] } } });
    expect(site.statusCode, site.body).toBe(201);
    const rep = await t.call('liaison', { method: 'POST', url: '/api/v1/reports', payload: { channel: 'api', occurredAt: new Date(Date.now() + 1000).toISOString(), location: site.json().geometry, eventType: 'shelling' } });
    expect(rep.statusCode, rep.body).toBe(201);
    const got = await until('the report at UNICEF', () => to('unicef').find((r) => r.json.kind === 'report.near_site' && r.json.data.report.id === rep.json().id));
    expect(got.json.data.report.enrichment.notifiedSiteHit.siteId).toBe(site.json().id);
    expect(got.json.data.report.reporter).toBeUndefined(); // an agency does not read who reported
    await settle();
    expect(received.filter((r) => r.json.data.report?.id === rep.json().id).map((r) => r.path)).toEqual(['/ok/unicef']);
  });
});

describe('retries, disabling, enabling', () => {
  it('tries again after 500s, backing off, then succeeds', async () => {
    plan.set('/flaky', [500, 500, 200]);
    const h = await register('flaky', 'hzb', ['info_request.sent'], '/flaky');
    const { incidentId } = await fileReport(t.db);
    await ask(incidentId, 'hzb', '2199-01-01T00:00:00Z');
    const log = await until('three attempts', async () => {
      const l = (await call('hzb', { method: 'GET', url: `/api/v1/webhooks/${h.id}/deliveries` })).json().items;
      return l.length >= 3 && l;
    });
    expect(log.map((d: { attempt: number; status: number; ok: boolean }) => [d.attempt, d.status, d.ok])).toEqual([[3, 200, true], [2, 500, false], [1, 500, false]]);
    expect(log[2]).toMatchObject({ error: 'answered 500', response: 'receiver trouble', kind: 'info_request.sent', deliveryState: 'delivered' });
    const hits = to('flaky');
    expect(new Set(hits.map((r) => r.json.id)).size).toBe(1); // the same delivery each time
    expect(hits.every((r) => r.verified)).toBe(true);
    expect(hits.map((r) => r.headers['truce-attempt'])).toEqual(['1', '2', '3']);
    // equal jitter: at least half of 60 ms, then of 120 ms
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(25);
    expect(hits[2].at - hits[1].at).toBeGreaterThanOrEqual(55);
    expect((await call('hzb', { method: 'GET', url: `/api/v1/webhooks/${h.id}` })).json()).toMatchObject({ state: 'active', consecutiveFailures: 0, pendingDeliveries: 0 });
  });

  it('disables after repeated failure; the owner enables it again and what was pending is sent', async () => {
    plan.set('/down', [500]);
    const h = await register('down', 'hzb', ['info_request.sent'], '/down');
    const { incidentId } = await fileReport(t.db);
    await ask(incidentId, 'hzb', '2199-01-01T00:00:00Z');
    const off = await until('disabled', async () => {
      const w = (await call('hzb', { method: 'GET', url: `/api/v1/webhooks/${h.id}` })).json();
      return w.state === 'disabled' && w;
    });
    expect(off).toMatchObject({ disabledReason: 'failures', consecutiveFailures: 3, pendingDeliveries: 1 });
    await settle();
    expect(to('down').length).toBe(3); // nothing more is sent while disabled
    // the ledger recorded the system's disabling
    const size = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    const entries = (await t.call('admin', { method: 'GET', url: `/api/v1/ledger/entries?start=${Math.max(0, size - 500)}&end=${size}` })).json().items;
    expect(entries.some((e: { action: string; entity?: { id: string } }) => e.action === 'webhook.disabled' && e.entity?.id === h.id)).toBe(true);
    plan.set('/down', [200]);
    const on = await call('hzb', { method: 'POST', url: `/api/v1/webhooks/${h.id}/enable`, payload: {} });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ state: 'active', disabledReason: null, consecutiveFailures: 0 });
    await until('the pending delivery', () => to('down').length === 4);
    expect(to('down')[3].verified).toBe(true);
  });

  it('the secretariat disables one; only it enables it again', async () => {
    const h = await register('overseen', 'unicef', ['report.near_site']);
    const off = await t.call('secretariat', { method: 'POST', url: `/api/v1/webhooks/${h.id}/disable`, payload: {} });
    expect(off.json()).toMatchObject({ state: 'disabled', disabledReason: 'secretariat' });
    const mine = await call('unicef', { method: 'POST', url: `/api/v1/webhooks/${h.id}/enable`, payload: {} });
    expect(mine.statusCode).toBe(409);
    expect(mine.json()).toMatchObject({ code: 'WEBHOOK_STATE', field: 'id' });
    expect((await t.call('secretariat', { method: 'POST', url: `/api/v1/webhooks/${h.id}/enable`, payload: {} })).json().state).toBe('active');
  });
});

describe('who sees which webhook', () => {
  it('own only; the secretariat and admins all; another’s is a 404; the secret is shown once', async () => {
    const mine = (await call('liaison', { method: 'GET', url: '/api/v1/webhooks' })).json().items;
    expect(mine.map((h: { id: string }) => h.id)).toEqual([hooks.saaf]);
    const all = (await t.call('secretariat', { method: 'GET', url: '/api/v1/webhooks?limit=2' })).json();
    expect(all.items.length).toBe(2);
    const next = (await t.call('secretariat', { method: 'GET', url: `/api/v1/webhooks?cursor=${all.nextCursor}&limit=200` })).json();
    expect([...all.items, ...next.items].map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining(Object.values(hooks)));
    for (const [who, path] of [['hzb', `/api/v1/webhooks/${hooks.saaf}`], ['unicef', `/api/v1/webhooks/${hooks.msf}/deliveries`], ['liaison', `/api/v1/webhooks/${hooks.unicef}/enable`]] as const) {
      const res = await call(who, { method: path.endsWith('enable') ? 'POST' : 'GET', url: path, ...(path.endsWith('enable') ? { payload: {} } : {}) });
      expect(res.statusCode, `${who} ${path}`).toBe(404);
    }
    expect((await call('hzb', { method: 'DELETE', url: `/api/v1/webhooks/${hooks.saaf}` })).statusCode).toBe(404);
    // the secret: in no GET and nowhere in the ledger's answers
    const answers = [
      await t.call('admin', { method: 'GET', url: '/api/v1/webhooks?limit=200' }),
      await call('liaison', { method: 'GET', url: `/api/v1/webhooks/${hooks.saaf}` }),
      await t.call('admin', { method: 'GET', url: `/api/v1/ledger/entries?start=0&end=${Math.min(1000, (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size)}` }),
    ].map((r) => r.body);
    for (const s of secrets.values()) for (const body of answers) expect(body).not.toContain(s);
    const [row] = await t.db.query('SELECT id FROM webhooks WHERE id = $1', [hooks.saaf]);
    expect(row).toBeTruthy();
  });

  it('deleting drops what was pending and frees a place', async () => {
    plan.set('/gone', [500]);
    const h = await register('gone', 'msf', ['report.near_site'], '/gone');
    const del = await call('msf', { method: 'DELETE', url: `/api/v1/webhooks/${h.id}` });
    expect(del.json()).toEqual({ id: h.id, deleted: true });
    expect((await call('msf', { method: 'GET', url: `/api/v1/webhooks/${h.id}` })).statusCode).toBe(404);
    const [r] = await t.db.query("SELECT state, secret FROM webhooks WHERE id = $1", [h.id]);
    expect(r).toEqual({ state: 'deleted', secret: '' });
  });
});

describe('delivery rules (one attempt)', () => {
  const strict = { allowPrivate: false };
  it('refuses a private address at delivery time, sending nothing', async () => {
    const before = received.length;
    const res = await postOnce(`${base}/ok/never`, '{}', {}, { rules: strict, timeoutMs: 1000 });
    expect(res.status).toBeNull();
    expect(res.error).toMatch(/^refused: /);
    expect(received.length).toBe(before);
  });

  it('checks the address a name resolves to when connecting (DNS rebinding)', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup(strict)('localhost', {}, (e) => resolve(e)));
    expect(err?.code).toBe('ETRUCEREFUSED');
    expect(err?.message).toMatch(/loopback/);
    const ok = await new Promise<string>((resolve) => guardedLookup({ allowPrivate: true })('localhost', {}, (_e, a) => resolve(String(a))));
    expect(ok).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('follows no redirect, keeps a few hundred bytes of the answer, and times out', async () => {
    const local = { allowPrivate: true };
    const before = received.length;
    const redirect = await postOnce(`${base}/redirect`, '{}', {}, { rules: local, timeoutMs: 10_000 });
    expect(redirect).toMatchObject({ status: 302, error: 'a redirect (302) is not followed' });
    expect(received.length).toBe(before); // /ok/redirected was never asked
    const big = await postOnce(`${base}/big`, '{}', {}, { rules: local, timeoutMs: 10_000 });
    expect(big.status).toBe(200);
    expect(big.response!.length).toBeLessThanOrEqual(256);
    plan.set('/slowly', ['slow']);
    const slow = await postOnce(`${base}/slowly`, JSON.stringify({ id: 'x', webhookId: 'none' }), {}, { rules: local, timeoutMs: 200 });
    expect(slow).toMatchObject({ status: null, error: 'timed out after 200 ms' });
    expect(slow.durationMs).toBeLessThan(1000);
  });
});

describe('a restart resumes the outbox; two instances deliver once', () => {
  it('an entry written while no instance runs is delivered after restart; with two instances each delivery once', async () => {
    await t.app.close();
    const before = received.length;
    // written with no app running: only the ledger and the fan-out's position know of it
    const { incidentId } = await fileReport(t.db);
    const r1 = await write(t.db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: demoId('saaf'), question: 'Q?', dueAt: '2199-01-01T00:00:00Z' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBe(before);
    const apps: FastifyInstance[] = [];
    for (let i = 0; i < 2; i++) {
      const app = await buildApp({ db: t.db, config: t.config });
      await app.ready();
      apps.push(app);
    }
    try {
      await until('the request written while stopped', () => to('saaf').find((r) => r.json.data.request?.id === r1.id));
      const more: { id: string }[] = [];
      for (let i = 0; i < 5; i++) more.push(await write(t.db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: demoId('saaf'), question: `Q${i}?`, dueAt: '2199-01-01T00:00:00Z' })));
      await until('five more', () => more.every((m) => to('saaf').some((r) => r.json.data.request?.id === m.id)));
      await settle();
      const ids = to('saaf').map((r) => r.json.id);
      expect(ids.length).toBe(new Set(ids).size); // no delivery twice
      for (const m of [r1, ...more]) expect(to('saaf').filter((r) => r.json.data.request?.id === m.id).length).toBe(1);
    } finally {
      for (const a of apps) await a.close();
    }
  }, 90_000);
});

describe('the record', () => {
  it('holds: every registration, disabling, enabling and deletion is a leaf that truce verify accepts', async () => {
    const pem = createPublicKey(TEST_LEDGER_KEY).export({ type: 'spki', format: 'pem' }).toString();
    const report = await verifySnapshot(t.db, pem);
    expect(report.findings).toEqual([]);
    const [n] = await t.db.query("SELECT count(*)::int AS n FROM ledger_leaves WHERE entity_type = 'webhook'");
    expect(n.n).toBeGreaterThanOrEqual(Object.keys(hooks).length + 4); // created, disabled (twice), enabled (twice), deleted
  });
});
