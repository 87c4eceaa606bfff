// Issue 8, finding 5: hostile input, each attack as it was found, and what it must get now.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from './support/app.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await testApp({ config: { vettingRatePerMinute: 10_000, vettingTaskForceRatePerMinute: 10_000 } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(() => t?.close());

const json = { 'content-type': 'application/json' };
const report = (what: string, figures: Record<string, unknown>) => console.info(`[hostile] ${what}: ${JSON.stringify(figures)}`);

/** Over a real socket: status, body size and wall time of one request. */
function send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; ms: number; cpuMs: number; body: string; headers: http.IncomingHttpHeaders }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const req = http.request(base + url, { method, headers: { ...(body ? json : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const cpu = process.cpuUsage(cpu0);
        resolve({ status: res.statusCode!, bytes: b.length, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, body: b.toString('utf8'), headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code?: string) {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(res.body);
  if (code) expect(p.code).toBe(code);
  expect(p.field).toBeTruthy();
  return p;
}

describe('deeply nested JSON', () => {
  const deep = (n: number) => '{"username":' + '['.repeat(n) + ']'.repeat(n) + ',"password":"x"}';

  it.each([
    ['depth 10,000 arrays (20 KB)', deep(10_000)],
    ['depth 10,000 objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['depth 65', deep(65)],
  ])('%s to POST /session without signing in: 400, not a stack overflow', async (_n, payload) => {
    const t0 = performance.now();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload, headers: json });
    report('nested', { bytes: payload.length, status: res.statusCode, ms: Math.round(performance.now() - t0) });
    const p = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(p.field).toBe('(body)');
    expect(p.reason).toMatch(/deeper than 64/);
  });

  it('takes depth 64 and a string full of brackets', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: '['.repeat(60), password: '{'.repeat(200) }, headers: json });
    expectProblem(res, 401, 'BAD_CREDENTIALS');
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: '{"username":' + '['.repeat(62) + ']'.repeat(62) + ',"password":"x"}', headers: json });
    expectProblem(ok, 400, 'VALIDATION_FAILED'); // the schema's own answer: username must be a string
    expect(JSON.parse(ok.body).reason).not.toMatch(/deeper/);
  });

  it('a deep query string or another content type is refused with a 4xx', async () => {
    const q = await t.call('admin', { method: 'GET', url: `/api/v1/parties?${'a['.repeat(5000)}=1` });
    expect(q.statusCode).toBe(400);
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: 'a'.repeat(20_000), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
  });
});

describe('huge error documents', () => {
  const unknownKeys = (n: number) => JSON.stringify(Object.fromEntries([['username', 'u'], ['password', 'p'], ...Array.from({ length: n }, (_, i) => [i.toString(36), 0])]));

  it('100,000 unknown keys to POST /session: at most 20 errors, a small document, little CPU', async () => {
    const body = unknownKeys(100_000);
    const res = await send('POST', '/api/v1/session', body);
    report('100k unknown keys', { bodyKB: Math.round(body.length / 1024), status: res.status, responseBytes: res.bytes, ms: Math.round(res.ms), cpuMs: Math.round(res.cpuMs) });
    expect(res.status).toBe(400);
    const p = JSON.parse(res.body);
    expect(p).toMatchObject({ code: 'VALIDATION_FAILED', field: '(body)', reason: expect.stringMatching(/more than 1000 members/) });
    expect(res.bytes).toBeLessThan(16 * 1024);
    expect(res.cpuMs / (body.length / 1024)).toBeLessThan(2); // CPU ms per KB of body (this process runs the server)
  });

  it('a small body with many faults: 20 of them listed, the rest counted', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: unknownKeys(500), headers: json });
    const p = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(p.errors).toHaveLength(20);
    expect(p.errorsOmitted).toBe(480);
    expect(p.detail).toMatch(/and 480 more$/);
  });

  it('a body over 16 KB that fails is answered with its first error', async () => {
    const payload = JSON.stringify({ username: 'u', password: 'p', ...Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`key number ${i}`, 'x'.repeat(20)])) });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload, headers: json });
    const p = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(p.errors).toHaveLength(1);
    expect(p.partial).toBe(true);
  });

  it('200,000 empty aliases: the same', async () => {
    const body = JSON.stringify({ name: 'Alias flood', kind: 'other', aliases: Array(200_000).fill('') });
    const before = await snapshot(t.db);
    const res = await send('POST', '/api/v1/parties', body, { authorization: `Bearer ${t.tokens.admin}` });
    report('200k empty aliases', { bodyKB: Math.round(body.length / 1024), status: res.status, responseBytes: res.bytes, ms: Math.round(res.ms), cpuMs: Math.round(res.cpuMs) });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).errors.length).toBeLessThanOrEqual(20);
    expect(res.bytes).toBeLessThan(16 * 1024);
    expect(res.cpuMs / (body.length / 1024)).toBeLessThan(2);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('eight such requests in parallel hold /healthz up for little time', async () => {
    const body = unknownKeys(100_000);
    const t0 = performance.now();
    const flood = Promise.all(Array.from({ length: 8 }, () => send('POST', '/api/v1/session', body)));
    await new Promise((r) => setTimeout(r, 20));
    const health = await send('GET', '/healthz');
    const all = await flood;
    report('8 in parallel', { healthzMs: Math.round(health.ms), allMs: Math.round(performance.now() - t0), statuses: [...new Set(all.map((r) => r.status))] });
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(600);
  });
});

describe('times', () => {
  it('reads years 0001-0099 back from the database as they are stored', async () => {
    for (const s of ['0001-02-27T00:00:00Z', '0026-06-01T12:30:00Z', '0099-12-31T23:59:59Z', '1899-01-01T00:00:00Z', '2016-02-27T00:00:00Z']) {
      const [r] = await t.db.query(`SELECT $1::timestamptz AS tz, ($1::timestamptz AT TIME ZONE 'UTC') AS ts`, [s]);
      expect((r.tz as Date).toISOString()).toBe(s.replace('Z', '.000Z'));
      expect(new Date(r.ts).toISOString()).toBe(s.replace('Z', '.000Z'));
    }
  });

  it.each([
    ['a site valid from 0001', '/api/v1/sites', { kind: 'hospital', name: 'Year one', geometry: { type: 'Point', coordinates: [36.3, 33.5] }, validFrom: '0001-02-27T00:00:00Z' }, 'validFrom'],
    ['a territory valid from 0026', '/api/v1/territories', { partyId: demoId('saaf'), geometry: { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36.1, 33.1], [36, 33]]] }, validFrom: '0026-02-27T00:00:00Z' }, 'validFrom'],
    ['terms starting in 2201', '/api/v1/terms', { name: 'Far future', commitmentDeadline: '2016-02-26T10:00:00Z', startsAt: '2201-01-01T00:00:00Z', cochairPartyIds: [demoId('usa')] }, 'startsAt'],
    ['a commitment in 1899', `/api/v1/parties/${demoId('saaf')}/commitments`, { type: 'committed', at: '1899-12-31T23:59:59Z', viaPartyId: demoId('usa') }, 'at'],
  ])('%s: 400 naming the field', async (_n, url, payload, field) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    const p = expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(p.field).toBe(field);
    expect(p.reason).toMatch(/1900.*2200/);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('a year out of range in a query: 400 naming it', async () => {
    const res = await t.call('public', { method: 'GET', url: '/api/v1/parties?at=0026-01-01T00:00:00Z' });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').field).toBe('at');
  });

  it('takes a plain date as the start of that day UTC, in a body and in a query', async () => {
    const c = await t.call('secretariat', { method: 'POST', url: '/api/v1/corridors', payload: { name: 'Plain dates', geometry: { type: 'LineString', coordinates: [[36.29, 33.51], [36.1, 33.69]] }, validFrom: '2015-12-17', validTo: '2015-12-19' } });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json()).toMatchObject({ validFrom: '2015-12-17T00:00:00.000Z', validTo: '2015-12-19T00:00:00.000Z' });
    const at = await t.call('public', { method: 'GET', url: '/api/v1/parties?at=2016-02-27' });
    expect(at.statusCode).toBe(200);
    expect(at.json().items[0].statusAt).toBe('2016-02-27T00:00:00.000Z');
    const bad = await t.call('public', { method: 'GET', url: '/api/v1/parties?at=2016-02-30' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('geometry PostGIS cannot take', () => {
  const world = { type: 'Polygon', coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] };
  const halfWorld = { type: 'Polygon', coordinates: [[[-180, -60], [0, -60], [180, -60], [180, 60], [0, 60], [-180, 60], [-180, -60]]] };
  const wrap = { type: 'Polygon', coordinates: [[[-170, 10], [170, 10], [170, 20], [-170, 20], [-170, 10]]] };
  it.each([
    ['a whole-world territory', '/api/v1/territories', { partyId: demoId('saaf'), geometry: world, validFrom: '2016-03-01T00:00:00Z' }],
    ['a territory with antipodal vertices', '/api/v1/territories', { partyId: demoId('saaf'), geometry: halfWorld, validFrom: '2016-03-01T00:00:00Z' }],
    ['a territory with an edge the long way round', '/api/v1/territories', { partyId: demoId('saaf'), geometry: wrap, validFrom: '2016-03-01T00:00:00Z' }],
    ['a whole-world territory in bulk', '/api/v1/territories/bulk', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: world, properties: { partyId: demoId('saaf'), validFrom: '2016-03-01T00:00:00Z' } }] }],
    ['a whole-world corridor', '/api/v1/corridors', { name: 'Everywhere', geometry: { type: 'LineString', coordinates: [[-180, 0], [0, 0], [180, 0]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-10T00:00:00Z' }],
  ])('%s: 422 INVALID_GEOMETRY naming the field, never a 500', async (_n, url, payload) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    const p = expectProblem(res, 422, 'INVALID_GEOMETRY');
    expect(p.field).toMatch(/geometry/);
    expect(await snapshot(t.db)).toBe(before);
  });

  it.each([
    ['a corridor of one repeated position', '/api/v1/corridors', { name: 'Nowhere', geometry: { type: 'LineString', coordinates: [[36.2, 33.5], [36.2, 33.5]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-10T00:00:00Z' }],
    ['a territory around the north pole', '/api/v1/territories', { partyId: demoId('saaf'), geometry: { type: 'Polygon', coordinates: [[[0, 85], [120, 85], [-120, 85], [0, 85]]] }, validFrom: '2016-03-01T00:00:00Z' }],
    ['a territory of one repeated position', '/api/v1/territories', { partyId: demoId('saaf'), geometry: { type: 'Polygon', coordinates: [[[36, 33], [36, 33], [36, 33], [36, 33]]] }, validFrom: '2016-03-01T00:00:00Z' }],
    ['a site polygon on the antimeridian', '/api/v1/sites', { kind: 'other', name: 'Edge', geometry: { type: 'Polygon', coordinates: [[[179.9, 0], [180, 0], [180, 0.1], [179.9, 0]]] } }],
    ['a site at a pole', '/api/v1/sites', { kind: 'other', name: 'Pole', geometry: { type: 'Point', coordinates: [0, 90] } }],
  ])('%s: a 4xx or a 201, never a 500', async (_n, url, payload) => {
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBeLessThan(500);
  });

  it('a whole-world vetting target: never a 500', async () => {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: '2016-03-01T00:00:00Z', target: world } });
    expect(res.statusCode, res.body).toBeLessThan(500);
  });
});

describe('look-alike party names', () => {
  it.each([
    ['a zero-width space', 'Hez\u200bbollah', 400],
    ['an RTL override', 'Hezbollah\u202e', 400],
    ['only zero-width spaces', '\u200b\u200b\u200b', 400],
    ['a BOM', '\ufeffHezbollah', 400],
    ['a soft hyphen', 'Hezbol\u00adlah', 400],
    ['a Cyrillic Н', '\u041dezbollah', 409],
    ['a Greek ο', 'Hezb\u03bfllah', 409],
    ['fullwidth letters', 'Ｈｅｚｂｏｌｌａｈ', 409],
    ['a digit one for the l', 'Hezbo1lah', 409],
    ['other case', 'HEZBOLLAH', 409],
  ])('%s: refused', async (_n, name, status) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name, kind: 'non_state_armed_group' } });
    const p = expectProblem(res, status);
    expect(p.field).toBe('name');
    if (status === 409) expect(p.existingId).toBe(demoId('hzb'));
    expect(await snapshot(t.db)).toBe(before);
  });

  it('an alias confusable with an existing party’s name or alias: 409 naming the alias', async () => {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name: 'A new group', kind: 'other', aliases: ['Another', 'Ηezbollah'] } });
    const p = expectProblem(res, 409, 'CONFUSABLE_NAME');
    expect(p.field).toBe('aliases.1');
    expect(p.existingId).toBe(demoId('hzb'));
  });

  it('the secretariat may force it; a co-chair may not', async () => {
    const cochair = await t.call('cochair', { method: 'POST', url: '/api/v1/parties', payload: { name: '\u041dezbollah', kind: 'other', force: true } });
    expectProblem(cochair, 403, 'FORBIDDEN');
    const forced = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name: '\u041dezbollah', kind: 'other', force: true } });
    expect(forced.statusCode, forced.body).toBe(201);
  });

  it('stores names in NFKC and keeps joiners that Persian needs', async () => {
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name: 'ﬁeld  group ', kind: 'other', aliases: ['گروه\u200cها'] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'field group', aliases: ['گروه\u200cها'] });
  });

  it('invisible characters in terms and account names are refused too', async () => {
    const terms = await t.call('admin', { method: 'POST', url: '/api/v1/terms', payload: { name: '\u200b', commitmentDeadline: '2016-02-26T10:00:00Z', startsAt: '2016-02-27T00:00:00Z', cochairPartyIds: [demoId('usa')] } });
    expect(expectProblem(terms, 400).field).toBe('name');
    const acct = await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Amira\u202e', username: 'amira2', password: 'a long enough password', role: 'monitor' } });
    expect(expectProblem(acct, 400).field).toBe('name');
  });
});

describe('database text never reaches a client', () => {
  const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    ['a time that is no time', cursor(['requestedAt', 'not a time', '1'])],
    ['a sequence that is no number', cursor(['requestedAt', '2016-01-01T00:00:00Z', '1e999'])],
    ['a huge sequence', cursor(['requestedAt', '2016-01-01T00:00:00Z', '99999999999999999999999'])],
  ])('a crafted vetting cursor (%s): 400 BAD_CURSOR, no PostgreSQL text', async (_n, c) => {
    const res = await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?cursor=${c}` });
    const p = expectProblem(res, 400, 'BAD_CURSOR');
    expect(res.body).not.toMatch(/syntax|timestamp|bigint|out of range|invalid input/i);
    expect(p.field).toBe('cursor');
  });
});

describe('headers', () => {
  it('every response carries the security headers; API answers are never cached', async () => {
    for (const url of ['/api/v1/parties', '/healthz', '/', '/api/v1/nothing', '/openapi.json']) {
      const res = await t.call('public', { method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(String(res.headers['content-security-policy']), url).toContain('worker-src');
      if (url !== '/') expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const err = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: '{', headers: json });
    expect(err.headers['cache-control']).toBe('no-store');
    expect(err.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('sign-in', () => {
  it('a locked known user name and an unknown one get the same answer in about the same time', async () => {
    const acct = await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Locked Out', username: 'locked.out', password: 'a long enough password', role: 'monitor' } });
    expect(acct.statusCode).toBe(201);
    const signIn = (username: string, password = 'a wrong password') => t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
    for (let i = 0; i < 6; i++) await signIn('locked.out');
    const strip = (b: string) => {
      const { instance: _i, requestId: _r, ...rest } = JSON.parse(b);
      return rest;
    };
    const time = async (u: string, pw?: string) => {
      const t0 = performance.now();
      const r = await signIn(u, pw);
      return { r, ms: performance.now() - t0 };
    };
    const locked = await time('locked.out');
    const lockedRight = await time('locked.out', 'a long enough password');
    const unknown = await time('no.such.user');
    report('sign-in', { locked: [locked.r.statusCode, Math.round(locked.ms)], lockedRightPassword: [lockedRight.r.statusCode, Math.round(lockedRight.ms)], unknown: [unknown.r.statusCode, Math.round(unknown.ms)] });
    expect(locked.r.statusCode).toBe(unknown.r.statusCode);
    expect(lockedRight.r.statusCode).toBe(unknown.r.statusCode);
    expect(strip(locked.r.body)).toEqual(strip(unknown.r.body));
    expect(strip(lockedRight.r.body)).toEqual(strip(unknown.r.body));
    expect(locked.ms).toBeGreaterThan(unknown.ms / 3); // scrypt runs either way
  });
});
