// Bad input of every kind gets a 4xx problem document that names the field, never a 500,
// and changes nothing; plus the public endpoints (health, OpenAPI, docs).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, testApp, type TestApp } from './support/app.ts';
import { engine } from './support/db.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ config: { bodyLimit: 64 * 1024 } });
});
afterAll(() => t?.close());

type Answer = Awaited<ReturnType<TestApp['call']>>;
/** A refusal: the status, a problem document that matches `problem` (its code and field), and nothing stored. */
async function refused(send: () => Promise<Answer>, status: number, problem: Record<string, unknown>): Promise<Answer> {
  const before = await snapshot(t.db);
  const res = await send();
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject(problem);
  expect(await snapshot(t.db)).toBe(before);
  return res;
}

const party = JSON.stringify({ name: 'Body test', kind: 'other' });

describe('bad requests', () => {
  it.each([
    ['malformed JSON: 400', { payload: '{"name": "x",', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
    ['an empty JSON body: 400', { payload: '', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
    ['a JSON array instead of an object: 400', { payload: '[1,2]', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
    ['a text/plain body: 415', { payload: party, headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form body: 415', { payload: 'name=x&kind=other', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a body over the limit: 413', { payload: JSON.stringify({ name: 'x', kind: 'other', aliases: Array(5000).fill('a long alias for the limit') }), headers: { 'content-type': 'application/json' } }, 413, 'BODY_TOO_LARGE'],
    ['a NUL byte in a name: 400', { payload: JSON.stringify({ name: 'bad\u0000name', kind: 'other' }), headers: { 'content-type': 'application/json' } }, 400, null],
  ])('%s', async (_n, o, status, code) => {
    const before = await snapshot(t.db);
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/parties', ...o });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    if (code) expect(body.code).toBe(code);
    expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:truce:problem:/), title: expect.any(String), detail: expect.any(String) });
    expect(body.field).toBeTruthy();
    expect(body.requestId).toBe(res.headers['x-request-id']);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('refuses a body that is not UTF-8', async () => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/parties', payload: Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_JSON', field: '(body)' });
  });

  it('takes a DELETE that names JSON but sends no body', async () => {
    const tok = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'x', role: 'public' } })).json();
    const res = await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${tok.id}`, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a cursor whose key has the wrong type', async () => {
    const cursor = Buffer.from(JSON.stringify(['name', 1, 'x'])).toString('base64url');
    const res = await t.call('admin', { method: 'GET', url: `/api/v1/parties?cursor=${cursor}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BAD_CURSOR');
  });

  it('answers a broken request line or header with a problem document, over a real socket', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as { port: number }).port;
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('POST /api/v1/parties HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'));
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toContain('application/problem+json');
    expect(raw).toContain('"field":"(request)"');
  });

  it('answers an unknown API route with a 404 problem', async () => {
    const res = await t.call('admin', { method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('keeps a request id given by the caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});

describe('lifting a vetting flag: refusals change nothing', () => {
  const lift = (id: string, payload: unknown = {}) => t.call('secretariat', { method: 'POST', url: `/api/v1/vetting/flags/${id}/lift`, payload: payload as object });
  it.each([
    ['an id that is no UUID: 400', 'not-a-uuid', {}, 400, 'VALIDATION_FAILED', 'accountId'],
    ['an unknown account: 404', '00000000-0000-4000-8000-000000000000', {}, 404, 'NOT_FOUND', 'accountId'],
    ['an unknown field: 400', '00000000-0000-4000-8000-000000000000', { reason: 'x', force: true }, 400, 'VALIDATION_FAILED', 'force'],
    ['a reason too long: 400', '00000000-0000-4000-8000-000000000000', { reason: 'x'.repeat(2001) }, 400, 'VALIDATION_FAILED', 'reason'],
  ])('%s', async (_n, id, payload, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await lift(id, payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('an account that is not flagged: 409', async () => {
    const { id } = (await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'x', username: 'not.flagged', password: 'correct horse battery', role: 'monitor' } })).json();
    const before = await snapshot(t.db);
    const res = await lift(id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NOT_FLAGGED', field: 'accountId' });
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('public endpoints', () => {
  it('GET /healthz answers without a token and names the engine', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: engine });
  });

  it('serves OpenAPI with every API route and its access, and the docs page', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const r of t.app.apiRoutes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(spec.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
    expect(spec.paths['/api/v1/parties'].post.description).toContain('Access: admin, cochair, secretariat');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('humanitarian access: refused requests change nothing', () => {
  const H = 3_600_000;
  const window = () => ({ from: new Date(Date.now() - H).toISOString(), to: new Date(Date.now() + 24 * H).toISOString() });
  const saaf = '00000000-2016-4000-8000-000000000103';
  const hzb = '00000000-2016-4000-8000-000000000104';
  let area = '';
  let waiting = '';
  let dispatched = '';
  const convoy = async () => {
    const res = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/convoys',
      payload: { agency: 'WFP', originName: 'Damascus', destinationAreaId: area, route: { type: 'LineString', coordinates: [[36.29, 33.51], [36.05, 33.65]] }, window: window(), cargo: [{ category: 'medical', quantity: 5, unit: 'kits' }], peopleToReach: 10 },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  beforeAll(async () => {
    const res = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/besieged-areas',
      payload: { name: 'Errors area', geometry: { type: 'Polygon', coordinates: [[[36.0, 33.6], [36.1, 33.6], [36.1, 33.7], [36.0, 33.7], [36.0, 33.6]]] }, population: { count: 10, asOf: '2016-01-01', source: 'test' }, besiegingPartyIds: [saaf, hzb], status: 'besieged', since: '2016-01-01' },
    });
    area = res.json().id;
    waiting = await convoy();
    dispatched = await convoy();
    for (const p of [saaf, hzb]) await t.call('cochair', { method: 'POST', url: `/api/v1/convoys/${dispatched}/approvals/${p}`, payload: { status: 'granted' } });
    expect((await t.call('admin', { method: 'POST', url: `/api/v1/convoys/${dispatched}/dispatch`, payload: {} })).statusCode).toBe(200);
  });

  const line = (coordinates: number[][]) => ({ type: 'LineString', coordinates });
  const body = () => ({ agency: 'WFP', originName: 'Damascus', destinationAreaId: area, route: line([[36.29, 33.51], [36.05, 33.65]]), window: window(), cargo: [{ category: 'food', quantity: 1, unit: 't' }], peopleToReach: 1 });
  const cases: [string, () => { role: 'admin' | 'liaison' | 'secretariat'; method: 'POST' | 'GET'; url: string; payload?: unknown }, number, string, string][] = [
    ['a route that is a Point', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), route: { type: 'Point', coordinates: [36, 33] } } }), 400, 'VALIDATION_FAILED', 'route.type'],
    ['a route that crosses itself', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), route: line([[36, 33.5], [36.2, 33.7], [36.2, 33.5], [36, 33.7]]) } }), 422, 'INVALID_GEOMETRY', 'route.coordinates.2'],
    ['a route of one position', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), route: line([[36, 33.5]]) } }), 422, 'INVALID_GEOMETRY', 'route.coordinates'],
    ['a window that ends before it starts', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), window: { from: window().to, to: window().from } } }), 422, 'INCONSISTENT', 'window.to'],
    ['a cargo category that is none', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), cargo: [{ category: 'weapons', quantity: 1, unit: 't' }] } }), 400, 'VALIDATION_FAILED', 'cargo.0.category'],
    ['no agency named by the secretariat', () => ({ role: 'admin', method: 'POST', url: '/api/v1/convoys', payload: { ...body(), agency: undefined } }), 400, 'VALIDATION_FAILED', 'agency'],
    ['an approval by a liaison of another party', () => ({ role: 'liaison', method: 'POST', url: `/api/v1/convoys/${waiting}/approvals/${hzb}`, payload: { status: 'granted' } }), 403, 'FORBIDDEN', 'partyId'],
    ['a denial without a reason', () => ({ role: 'liaison', method: 'POST', url: `/api/v1/convoys/${waiting}/approvals/${saaf}`, payload: { status: 'denied' } }), 400, 'VALIDATION_FAILED', 'reason'],
    ['a delivery of a convoy never dispatched', () => ({ role: 'admin', method: 'POST', url: `/api/v1/convoys/${waiting}/deliver`, payload: {} }), 409, 'CONVOY_TRANSITION', 'state'],
    ['more cargo removed than loaded', () => ({ role: 'admin', method: 'POST', url: `/api/v1/convoys/${dispatched}/deliver`, payload: { removed: [{ category: 'medical', quantity: 6, unit: 'kits', byPartyId: saaf }] } }), 422, 'CARGO_EXCEEDED', 'removed.0.quantity'],
    ['cargo removed that was never loaded', () => ({ role: 'admin', method: 'POST', url: `/api/v1/convoys/${dispatched}/deliver`, payload: { removed: [{ category: 'food', quantity: 1, unit: 't', byPartyId: saaf }] } }), 422, 'CARGO_EXCEEDED', 'removed.0'],
    ['a block by an unknown party', () => ({ role: 'admin', method: 'POST', url: `/api/v1/convoys/${dispatched}/block`, payload: { where: { type: 'Point', coordinates: [36.1, 33.6] }, byPartyId: '00000000-0000-4000-8000-000000000000', reason: 'x' } }), 422, 'UNKNOWN_REFERENCE', 'byPartyId'],
    ['an area with neither geometry nor P-codes', () => ({ role: 'secretariat', method: 'POST', url: '/api/v1/besieged-areas', payload: { name: 'X', population: { count: 1, asOf: '2016-01-01', source: 's' }, besiegingPartyIds: [], status: 'besieged', since: '2016-01-01' } }), 400, 'VALIDATION_FAILED', 'geometry'],
    ['an area status that is none', () => ({ role: 'secretariat', method: 'POST', url: `/api/v1/besieged-areas/${area}/status`, payload: { status: 'sieged', at: '2016-03-01', reason: 'x' } }), 400, 'VALIDATION_FAILED', 'status'],
    ['figures over a period that ends before it starts', () => ({ role: 'admin', method: 'GET', url: '/api/v1/aid/figures?from=2016-03-01&to=2016-02-01' }), 422, 'INCONSISTENT', 'from'],
  ];
  it.each(cases)('%s', async (_n, req, status, code, field) => {
    const { role, ...o } = req();
    await refused(() => t.call(role, o as never), status, { code, field });
  });
});

describe('OGC API – Features: refusals name the parameter and change nothing', () => {
  it.each([
    ['an unknown query parameter', '/ogc/collections/incidents/items?filter=x', 400, 'VALIDATION_FAILED', 'filter'],
    ['a bbox of three numbers', '/ogc/collections/incidents/items?bbox=36,33,37', 400, 'VALIDATION_FAILED', 'bbox'],
    ['a datetime that is no time', '/ogc/collections/incidents/items?datetime=soon', 400, 'VALIDATION_FAILED', 'datetime'],
    ['a limit over 10,000', '/ogc/collections/admin-areas/items?limit=10001', 400, 'VALIDATION_FAILED', 'limit'],
    ['an interval for the territories’ map', '/ogc/collections/territories/items?datetime=2016-01-01T00:00:00Z/..', 400, 'VALIDATION_FAILED', 'datetime'],
    ['a cursor not given out', '/ogc/collections/incidents/items?cursor=x.y', 400, 'BAD_CURSOR', 'cursor'],
    ['an unknown collection', '/ogc/collections/sites/items', 404, 'NOT_FOUND', 'collectionId'],
    ['an unknown feature', '/ogc/collections/incidents/items/00000000-0000-4000-8000-000000000000', 404, 'NOT_FOUND', 'featureId'],
  ])('%s', async (_n, url, status, code, field) => {
    const res = await refused(() => t.call('public', { method: 'GET', url }), status, { code, field });
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
  });
});

// issue 11: the map's clusters
describe('bad cluster requests', () => {
  it.each([
    ['no bbox', 'zoom=6', 'bbox'],
    ['no zoom', 'bbox=35,32,43,38', 'zoom'],
    ['a bbox inside out', 'bbox=43,32,35,38&zoom=6', 'bbox'],
    ['a latitude past 90', 'bbox=35,32,43,98&zoom=6', 'bbox'],
    ['a bbox of three numbers', 'bbox=35,32,43&zoom=6', 'bbox'],
    ['a zoom past 30', 'bbox=35,32,43,38&zoom=31', 'zoom'],
    ['a view too large for its zoom', 'bbox=35,32,43,38&zoom=16', 'bbox'],
    ['an unknown type', 'bbox=35,32,43,38&zoom=6&type=bombing', 'type'],
    ['a party that is no uuid', 'bbox=35,32,43,38&zoom=6&partyId=saaf', 'partyId'],
    ['an unknown parameter', 'bbox=35,32,43,38&zoom=6&pcode=SY01', 'pcode'],
    ['to before from', 'bbox=35,32,43,38&zoom=6&from=2016-03-01T00:00:00Z&to=2016-02-01T00:00:00Z', 'to'],
  ])('%s', async (_n, qs, field) => {
    const res = await t.call('public', { method: 'GET', url: `/api/v1/incidents/clusters?${qs}` });
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().field).toBe(field);
  });
});
describe('exports: refused requests name the field and start nothing', () => {
  it.each([
    ['an unknown format', 'format=xlsx', 400, 'VALIDATION_FAILED', 'format'],
    ['no format', 'type=shelling', 400, 'VALIDATION_FAILED', 'format'],
    ['a bbox that is not four numbers', 'format=csv&bbox=36,33,37', 400, 'VALIDATION_FAILED', 'bbox'],
    ['a bbox out of range', 'format=geojson&bbox=36,33,190,34', 400, 'VALIDATION_FAILED', 'bbox'],
    ['a bbox inside out', 'format=acled&bbox=37,33,36,34', 400, 'VALIDATION_FAILED', 'bbox'],
    ['to before from', 'format=hxl&from=2016-03-01&to=2016-02-01', 422, 'INCONSISTENT', 'to'],
    ['an unknown type', 'format=csv&type=bombing', 400, 'VALIDATION_FAILED', 'type'],
    ['a party that is not an id', 'format=csv&partyId=saaf', 400, 'VALIDATION_FAILED', 'partyId'],
    ['a parameter the list does not take', 'format=csv&cursor=abc', 400, 'VALIDATION_FAILED', 'cursor'],
  ])('%s', async (_n, qs, status, code, field) => {
    const res = await refused(() => t.call('analyst', { method: 'GET', url: `/api/v1/exports/incidents?${qs}` }), status, { code, field });
    expect(res.headers['content-disposition']).toBeUndefined();
  });
});

// issue 12: batch vetting and the vetting history's export
describe('batch vetting: a bad target refuses the batch, naming it, and stores nothing', () => {
  const saaf = '00000000-2016-4000-8000-000000000103';
  const pt = (lon: number, lat: number) => ({ target: { type: 'Point', coordinates: [lon, lat] } });
  const send = (role: 'secretariat' | 'liaison', payload: unknown) => () => t.call(role, { method: 'POST', url: '/api/v1/vetting/batch', payload: payload as object });
  it.each([
    ['more than 1,000 targets', send('secretariat', { requestingPartyId: saaf, targets: Array(1001).fill(pt(36, 35)) }), 400, 'VALIDATION_FAILED', 'targets'],
    ['no targets at all', send('secretariat', { requestingPartyId: saaf }), 400, 'VALIDATION_FAILED', 'targets'],
    ['a bad position at index 17', send('secretariat', { requestingPartyId: saaf, targets: [...Array(17).fill(pt(36, 35)), pt(200, 35)] }), 422, 'INVALID_GEOMETRY', 'targets.17.target.coordinates.0'],
    ['a bad time at index 2', send('secretariat', { requestingPartyId: saaf, targets: [pt(36, 35), pt(36, 35), { ...pt(36, 35), at: 'yesterday' }] }), 400, 'VALIDATION_FAILED', 'targets.2.at'],
    ['a negative radius at index 1', send('secretariat', { requestingPartyId: saaf, targets: [pt(36, 35), { ...pt(36, 35), radiusM: -5 }] }), 400, 'VALIDATION_FAILED', 'targets.1.radiusM'],
    ['a liaison’s disc over its bound at index 4', send('liaison', { requestingPartyId: saaf, targets: [...Array(4).fill(pt(36, 35)), { ...pt(36, 35), radiusM: 2000 }] }), 422, 'TARGET_TOO_LARGE', 'targets.4.radiusM'],
  ])('%s', async (_n, go, status, code, field) => {
    await refused(go, status, { code, field });
  });
});

describe('the vetting history’s export: refused requests name the field and start nothing', () => {
  it.each([
    ['an unknown format', 'format=acled', 400, 'VALIDATION_FAILED', 'format'],
    ['no format', 'decision=review', 400, 'VALIDATION_FAILED', 'format'],
    ['an unknown reason', 'format=csv&reason=NEAR_A_SCHOOL', 400, 'VALIDATION_FAILED', 'reason'],
    ['an unknown decision', 'format=csv&decision=maybe', 400, 'VALIDATION_FAILED', 'decision'],
    ['to before from', 'format=geojson&from=2016-03-01&to=2016-02-01', 422, 'INCONSISTENT', 'to'],
    ['a parameter the list takes but a file does not', 'format=csv&cursor=abc', 400, 'VALIDATION_FAILED', 'cursor'],
  ])('%s', async (_n, qs, status, code, field) => {
    const res = await refused(() => t.call('secretariat', { method: 'GET', url: `/api/v1/exports/vetting?${qs}` }), status, { code, field });
    expect(res.headers['content-disposition']).toBeUndefined();
  });
});

describe('webhooks: refused registrations store nothing', () => {
  const ok = { url: 'https://93.184.216.34/truce', events: ['info_request.sent'] };
  const cases: [string, () => { role: 'liaison' | 'agency' | 'secretariat'; method: 'POST' | 'GET'; url: string; payload?: unknown }, number, string, string][] = [
    ['an http URL (https only by default)', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'http://93.184.216.34/truce' } }), 422, 'URL_REFUSED', 'url'],
    ['a loopback URL', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'https://127.0.0.1:8080/' } }), 422, 'URL_REFUSED', 'url'],
    ['a private URL', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'https://10.0.0.1/' } }), 422, 'URL_REFUSED', 'url'],
    ['a cloud metadata URL', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'https://169.254.169.254/latest/meta-data/' } }), 422, 'URL_REFUSED', 'url'],
    ['localhost by name', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'https://localhost/' } }), 422, 'URL_REFUSED', 'url'],
    ['a URL with credentials', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'https://a:b@93.184.216.34/' } }), 422, 'URL_REFUSED', 'url'],
    ['not a URL', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, url: 'hooks' } }), 422, 'URL_REFUSED', 'url'],
    ['an unknown event kind', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, events: ['everything'] } }), 400, 'VALIDATION_FAILED', 'events.0'],
    ['no event kind', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, events: [] } }), 400, 'VALIDATION_FAILED', 'events'],
    ['a kind the role may not register for', () => ({ role: 'agency', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, events: ['report.near_site', 'determination.standing'] } }), 422, 'INCONSISTENT', 'events.1'],
    ['an unknown member', () => ({ role: 'liaison', method: 'POST', url: '/api/v1/webhooks', payload: { ...ok, secret: 'mine' } }), 400, 'VALIDATION_FAILED', 'secret'],
    ['a webhook that is none', () => ({ role: 'secretariat', method: 'GET', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries' }), 404, 'NOT_FOUND', 'id'],
    ['a bad cursor', () => ({ role: 'liaison', method: 'GET', url: '/api/v1/webhooks?cursor=bm90LWEtY3Vyc29y' }), 400, 'BAD_CURSOR', 'cursor'],
  ];
  it.each(cases)('%s', async (_n, req, status, code, field) => {
    const { role, ...o } = req();
    await refused(() => t.call(role, o as never), status, { code, field });
  });

  it('refuses a registration past the bound per account, storing nothing', async () => {
    for (let i = 0; i < t.config.webhooksPerAccount; i++) {
      const res = await t.call('agency', { method: 'POST', url: '/api/v1/webhooks', payload: { url: `https://93.184.216.34/hook/${i}`, events: ['report.near_site'] } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const before = await snapshot(t.db);
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://93.184.216.34/one-more', events: ['report.near_site'] } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TOO_MANY_WEBHOOKS', field: 'url', limit: t.config.webhooksPerAccount });
  });
});

describe('imports: refused bodies change nothing', () => {
  const header = 'event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude';
  const good = 'ERR1,2016-03-01,Battles,Armed clash,Hezbollah,36.26,37.08';
  const post = (body: string | Buffer, type = 'text/csv', source = 'acled') =>
    t.call('secretariat', { method: 'POST', url: `/api/v1/imports?source=${source}`, headers: { 'content-type': type }, payload: body });
  it.each([
    ['binary', () => post(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00])), 400, 'MALFORMED_CSV', '(body)'],
    ['Latin-1 text, not UTF-8', () => post(Buffer.from(`${header}\n${good},Al Mayad\xeen\n`, 'latin1')), 400, 'MALFORMED_CSV', '(body)'],
    ['a header only', () => post(`${header}\r\n`), 400, 'MALFORMED_CSV', '(body)'],
    ['an ACLED header sent as UCDP', () => post(`${header}\n${good}\n`, 'text/csv', 'ucdp'), 400, 'MALFORMED_CSV', 'line 1'],
    ['a UCDP file without its header row', () => post('244657,SYR-2016-1-299-2,2016\n', 'text/csv', 'ucdp'), 400, 'MALFORMED_CSV', 'line 1'],
    ['10,000 columns', () => post(`${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n${good}\n`), 400, 'MALFORMED_CSV', 'line 1'],
    ['a 1 MB cell after a good row', () => post(`${header}\n${good}\nERR2,2016-03-01,Battles,Armed clash,${'x'.repeat(1 << 20)},36.26,37.08\n`), 400, 'MALFORMED_CSV', 'line 3'],
    ['a JSON body', () => post(JSON.stringify({ reports: [] }), 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type'],
    ['no source', () => t.call('admin', { method: 'POST', url: '/api/v1/imports', headers: { 'content-type': 'text/csv' }, payload: `${header}\n${good}\n` }), 400, 'VALIDATION_FAILED', 'source'],
  ])('%s', async (_n, send, status, code, field) => {
    await refused(send, status, { code, field, detail: expect.any(String) });
  });
});
