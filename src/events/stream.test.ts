// GET /api/v1/stream over real HTTP: who receives what (the attack: a liaison listening while a
// site is notified and others vet), resuming from Last-Event-ID, the bounds, heartbeats, the
// longest duration, revocation and shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgencies, demoId, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';
import { parseSse, SseClient } from '../../test/support/sse.ts';

async function serving(config: Parameters<typeof testApp>[0]) {
  const t = await testApp(config);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { t, url: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/api/v1/stream` };
}

const until = async (ok: () => boolean | Promise<boolean>, ms = 5000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const data = (b: { data?: string }) => JSON.parse(b.data!);

describe('who receives what', () => {
  let t: TestApp;
  let url: string;
  const agencies: Agencies = {};
  let liaison2 = '';
  beforeAll(async () => {
    ({ t, url } = await serving({ config: { streamHeartbeatMs: 60_000 } })); // no heartbeat during the test: every byte is an event
    await addAgencies(t, agencies, [['reliefA', 'Relief A'], ['reliefB', 'Relief B']]);
    liaison2 = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'second liaison', role: 'liaison', partyId: demoId('saaf') } })).json().token;
  });
  afterAll(() => t?.close());

  const bearer = (who: string) => ({ authorization: `Bearer ${who in agencies ? agencies[who].token : who === 'liaison2' ? liaison2 : t.tokens[who as 'admin']}` });
  const as = (who: string, o: Parameters<TestApp['call']>[1]) => t.app.inject({ ...o, headers: { ...bearer(who), ...o.headers } });

  /** Sensitive writes (a site notified and withdrawn by Relief A, decisions by a co-chair and another liaison), then a party as a marker. */
  async function sensitiveThenMarker() {
    const site = await as('reliefA', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: `Stream Hospital ${Math.random()}`, geometry: { type: 'Point', coordinates: [36.51, 33.11] } } });
    expect(site.statusCode, site.body).toBe(201);
    const target = { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates: [36.5101, 33.1101] } };
    expect((await as('cochair', { method: 'POST', url: '/api/v1/vetting', payload: { ...target, requestingPartyId: demoId('usa') } })).statusCode).toBe(201);
    expect((await as('liaison2', { method: 'POST', url: '/api/v1/vetting', payload: target })).statusCode).toBe(201);
    const ended = await as('reliefA', { method: 'POST', url: `/api/v1/sites/${site.json().id}/withdraw`, payload: { reason: 'Moved.' } });
    expect(ended.statusCode, ended.body).toBe(201);
    const marker = (await as('admin', { method: 'POST', url: '/api/v1/parties', payload: { name: `Marker ${Math.random()}`, kind: 'other' } })).json();
    return { siteId: site.json().id as string, markerId: marker.id as string };
  }

  const ROLES = ['admin', 'cochair', 'secretariat', 'monitor', 'liaison', 'analyst', 'public', 'reliefA', 'reliefB'];

  it('sends each role only what it may read: nothing at all, not a byte, of a site or a decision it may not see', async () => {
    const streams = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await SseClient.open(url, bearer(r))] as const)));
    for (const s of Object.values(streams)) expect(s.status).toBe(200);
    await until(() => Object.values(streams).every((s) => s.blocks.length === 1)); // the opening block
    const { siteId, markerId } = await sensitiveThenMarker();
    for (const s of Object.values(streams)) await s.waitFor((b) => b.data !== undefined && data(b).id === markerId);
    const seen = (r: string) => streams[r].events.map((b) => `${b.event} ${data(b).action}`);
    const all = ['site site.notified', 'vetting vetting.decided', 'vetting vetting.decided', 'site_event site.withdrawn', 'party party.created'];
    expect(seen('admin')).toEqual(all);
    expect(seen('cochair')).toEqual(all);
    expect(seen('secretariat')).toEqual(all);
    // the notifying agency: its site and its withdrawal (naming the site), no one's decisions
    expect(seen('reliefA')).toEqual(['site site.notified', 'site_event site.withdrawn', 'party party.created']);
    expect(data(streams.reliefA.events[1])).toMatchObject({ siteId });
    // everyone else: the marker alone, and between the opening block and it, nothing was sent
    for (const r of ['monitor', 'liaison', 'analyst', 'public', 'reliefB']) {
      expect(seen(r), r).toEqual(['party party.created']);
      expect(streams[r].blocks.length, r).toBe(2);
    }
    // ids are leaf indexes, the same on every stream
    const ids = streams.admin.events.map((b) => Number(b.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    expect(streams.liaison.events[0].id).toBe(streams.admin.events[4].id);
    expect(data(streams.admin.events[0])).toEqual({ type: 'site', action: 'site.notified', id: siteId, at: expect.any(String) });
    for (const s of Object.values(streams)) s.close();
  });

  it('replays from Last-Event-ID (or ?lastEventId=) with the same filtering, the header first', async () => {
    const first = await SseClient.open(url, bearer('admin'));
    await until(() => first.blocks.length === 1);
    const from = first.lastEventId!; // the opening block's id: where the log stood
    first.close();
    const { markerId } = await sensitiveThenMarker();
    const replay = async (who: string, how: 'header' | 'query' | 'both') => {
      const s = await SseClient.open(how === 'header' ? url : `${url}?lastEventId=${how === 'both' ? 0 : from}`, how === 'query' ? bearer(who) : { ...bearer(who), 'last-event-id': from });
      await s.waitFor((b) => b.data !== undefined && data(b).id === markerId);
      s.close();
      return s.events.map((b) => `${b.id} ${b.event}`);
    };
    const admin = await replay('admin', 'header');
    expect(admin.map((x) => x.split(' ')[1])).toEqual(['site', 'vetting', 'vetting', 'site_event', 'party']);
    expect(Number(admin[0].split(' ')[0])).toBe(Number(from) + 1);
    expect(await replay('admin', 'query')).toEqual(admin);
    expect(await replay('admin', 'both')).toEqual(admin); // the header wins over ?lastEventId=0
    expect(await replay('liaison', 'header')).toEqual([admin[4]]);
    expect(await replay('reliefB', 'query')).toEqual([admin[4]]);
    expect(await replay('reliefA', 'header')).toEqual([admin[0], admin[3], admin[4]]);
  });

  it('refuses a Last-Event-ID that is not one it sent, naming it', async () => {
    const size = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    for (const [headers, q, field] of [
      [{ 'last-event-id': 'abc' }, '', 'Last-Event-ID'],
      [{ 'last-event-id': '-1' }, '', 'Last-Event-ID'],
      [{ 'last-event-id': String(size + 10) }, '', 'Last-Event-ID'],
      [{}, `?lastEventId=${size}`, 'lastEventId'],
      [{}, '?lastEventId=1e3', 'lastEventId'],
    ] as const) {
      const res = await t.call('monitor', { method: 'GET', url: `/api/v1/stream${q}`, headers });
      expect(res.statusCode, `${JSON.stringify(headers)} ${q}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().field).toMatch(new RegExp(field.replace('lastEventId', '(querystring\\.)?lastEventId')));
    }
  });
});

describe('bounds, heartbeats and the longest duration', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    ({ t, url } = await serving({ config: { streamHeartbeatMs: 50, streamMaxMs: 1500, streamsPerAccount: 2, streamsMax: 4 } }));
  });
  afterAll(() => t?.close());
  const bearer = (r: keyof TestApp['tokens']) => ({ authorization: `Bearer ${t.tokens[r]}` });
  /** Opens a stream once the server has noticed the clients of the test before went away. */
  async function openWhenFree(headers: Record<string, string>) {
    let s: SseClient | null = null;
    await until(async () => {
      s = await SseClient.open(url, headers);
      return s.status === 200;
    });
    return s!;
  }

  it('bounds the streams per account and in all (429), and frees a place when a client goes away', async () => {
    const a1 = await SseClient.open(url, bearer('admin'));
    const a2 = await SseClient.open(url, bearer('admin'));
    const a3 = await SseClient.open(url, bearer('admin'));
    expect([a1.status, a2.status, a3.status]).toEqual([200, 200, 429]);
    expect(a3.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(a3.json()).toMatchObject({ code: 'TOO_MANY_STREAMS', limit: 2 });
    const m = await SseClient.open(url, bearer('monitor'));
    const p = await SseClient.open(url, bearer('public'));
    const c = await SseClient.open(url, bearer('cochair'));
    expect([m.status, p.status, c.status]).toEqual([200, 200, 429]);
    expect(c.json()).toMatchObject({ code: 'TOO_MANY_STREAMS', limit: 4 });
    a1.close();
    const again = await openWhenFree(bearer('admin'));
    // a HEAD opens nothing (it would hold a place that no one reads)
    for (let i = 0; i < 3; i++) expect((await t.call('admin', { method: 'HEAD', url: '/api/v1/stream' })).statusCode).toBe(404);
    for (const s of [a2, m, p, again]) s.close();
    const after = [await openWhenFree(bearer('admin')), await SseClient.open(url, bearer('admin'))];
    expect(after.map((s) => s.status)).toEqual([200, 200]);
    for (const s of after) s.close();
  });

  it('sends heartbeats, and ends a stream after the longest duration (the client reconnects)', async () => {
    const s = await openWhenFree(bearer('analyst'));
    const t0 = Date.now();
    await s.ended;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(4000);
    expect(s.blocks[0]).toMatchObject({ retry: 2000, comments: ['truce events'] });
    const beats = s.blocks.filter((b) => b.comments.includes('keep-alive') && b.data === undefined && b.id === undefined);
    expect(beats.length).toBeGreaterThan(10);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toBe('no-store');
    expect(s.headers.get('x-accel-buffering')).toBe('no');
  });

  it('answers app.inject too: the stream ends after the longest duration', async () => {
    const res = await t.call('public', { method: 'GET', url: '/api/v1/stream' });
    expect(res.statusCode).toBe(200);
    const { blocks } = parseSse(res.body);
    expect(blocks[0].retry).toBe(2000);
    expect(blocks.filter((b) => b.comments.includes('keep-alive')).length).toBeGreaterThan(10);
  });

  it('ends the stream of a token revoked while it is open', async () => {
    const made = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'doomed watcher', role: 'monitor' } })).json();
    const s = await openWhenFree({ authorization: `Bearer ${made.token}` });
    const t0 = Date.now();
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${made.id}` })).statusCode).toBeLessThan(300);
    await s.ended;
    expect(Date.now() - t0).toBeLessThan(1000); // not the 1.5 s of the longest duration
  });
});

describe('shutdown', () => {
  it('ends open streams when the app closes, without waiting for them', { timeout: 120_000 }, async () => {
    const { t, url } = await serving({ config: { streamHeartbeatMs: 60_000 } });
    const streams = [await SseClient.open(url, { authorization: `Bearer ${t.tokens.admin}` }), await SseClient.open(url, { authorization: `Bearer ${t.tokens.public}` })];
    const t0 = Date.now();
    await t.close();
    await Promise.all(streams.map((s) => s.ended));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
