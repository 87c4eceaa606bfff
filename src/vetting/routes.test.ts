// Vetting over HTTP on a real database: decisions, their record and replay, who sees what,
// rate limits, and bad input that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
const sq = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const AT = '2016-03-02T12:00:00Z';
const vet = (role: 'secretariat' | 'liaison' | 'cochair' | 'admin' | 'monitor', payload: Record<string, unknown>) =>
  t.call(role, { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('vks'), at: AT, ...payload } });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

let hospitalId: string;
beforeAll(async () => {
  t = await testApp();
  const put = async (url: string, payload: object) => {
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  // government forces (committed 23 Feb) west of Idlib's line; Jabhat al-Nusra (designated) east of it;
  // Ahrar al-Sham (never committed) to the south
  await put('/api/v1/territories', { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('nusra'), geometry: sq(36.2, 35.0, 36.4, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('ahrar'), geometry: sq(36.0, 34.8, 36.4, 35.0), validFrom: '2016-02-01T00:00:00Z' });
  hospitalId = (await put('/api/v1/sites', { kind: 'hospital', name: 'Field hospital', geometry: point(36.3, 35.1), bufferM: 500, validFrom: '2016-01-01T00:00:00Z' })).id;
});
afterAll(() => t?.close());

describe('POST /api/v1/vetting', () => {
  it('decides by the table and records the decision with its data version', async () => {
    const res = await vet('secretariat', { target: point(36.1, 35.1) });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v.decision).toBe('prohibited');
    expect(v.reasons.map((r: { code: string }) => r.code)).toEqual(['COMMITTED_PARTY_TERRITORY']);
    expect(v.reasons[0].partyIds).toEqual([demoId('saaf')]);
    expect(v.dataVersion).toBeGreaterThan(0);
    expect(res.headers.location).toBe(`/api/v1/vetting/${v.id}`);
    const again = await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${v.id}` });
    expect(again.json()).toEqual(v);
    // a ledger leaf per decision
    const proof = await t.call('secretariat', { method: 'GET', url: `/api/v1/entities/vetting/${v.id}/proof` });
    expect(proof.statusCode, proof.body).toBe(200);
  });

  it('a designated group’s ground is permitted; a protected site in it is not', async () => {
    const free = (await vet('secretariat', { target: point(36.35, 35.18) })).json();
    expect(free.decision).toBe('permitted');
    expect(free.reasons.map((r: { code: string }) => r.code)).toEqual(['DESIGNATED_GROUP_EXCEPTION']);
    const near = (await vet('secretariat', { target: point(36.301, 35.1) })).json();
    expect(near.decision).toBe('prohibited');
    const site = near.reasons.find((r: { code: string }) => r.code === 'PROTECTED_SITE');
    expect(site.siteId).toBe(hospitalId);
    expect(site.distanceM).toBeGreaterThan(85);
    expect(site.distanceM).toBeLessThan(97);
  });

  it('a site notified now protects from the very next request', async () => {
    const before = (await vet('secretariat', { target: point(36.1, 34.9) })).json();
    expect(before.reasons.map((r: { code: string }) => r.code)).toEqual(['UNCOMMITTED_PARTY_TERRITORY']);
    const site = await t.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'School', geometry: point(36.1, 34.901), validFrom: '2016-01-01T00:00:00Z' } });
    expect(site.statusCode, site.body).toBe(201);
    const after = (await vet('secretariat', { target: point(36.1, 34.9) })).json();
    expect(after.decision).toBe('prohibited');
    expect(after.reasons.map((r: { code: string }) => r.code)).toEqual(['PROTECTED_SITE', 'UNCOMMITTED_PARTY_TERRITORY']);
    expect(after.dataVersion).toBeGreaterThan(before.dataVersion);
  });

  it('a liaison vets only for its own party and never learns which site', async () => {
    const other = await vet('liaison', { target: point(36.1, 35.1) });
    expect(other.statusCode).toBe(403);
    expect(other.json().field).toBe('requestingPartyId');
    const own = await vet('liaison', { requestingPartyId: demoId('saaf'), target: point(36.301, 35.1) });
    expect(own.statusCode, own.body).toBe(201);
    const body = own.json();
    expect(body.decision).toBe('prohibited');
    expect(body.reasons.find((r: { code: string }) => r.code === 'PROTECTED_SITE')).toEqual({ code: 'PROTECTED_SITE', detail: 'The target is within the buffer of a protected site.' });
    expect(own.body).not.toContain(hospitalId);
    expect(own.body).not.toContain('Field hospital');
    // the record keeps the whole answer for the task force
    const full = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${body.id}` })).json();
    expect(full.reasons.find((r: { code: string }) => r.code === 'PROTECTED_SITE').siteId).toBe(hospitalId);
    // and the liaison's own view of it stays redacted, replay included
    const mine = await t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${body.id}/replay` });
    expect(mine.statusCode).toBe(200);
    expect(mine.body).not.toContain(hospitalId);
  });

  it('roles that do not vet get 403', async () => {
    expect((await vet('monitor', { target: point(36.1, 35.1) })).statusCode).toBe(403);
  });

  it('replays with the data as it was, after the data changed', async () => {
    const first = (await vet('secretariat', { target: point(36.15, 35.15) })).json();
    expect(first.decision).toBe('prohibited');
    // the government's area shrinks from 1 March: the same target is now undelineated
    const moved = await t.call('secretariat', {
      method: 'POST',
      url: '/api/v1/territories',
      payload: { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.1, 35.2), validFrom: '2016-03-01T00:00:00Z' },
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const now = (await vet('secretariat', { target: point(36.15, 35.15) })).json();
    expect(now.reasons.map((r: { code: string }) => r.code)).toEqual(['UNDELINEATED']);
    const replay = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${first.id}/replay` })).json();
    expect(replay.same).toBe(true);
    expect(replay.decision).toBe(first.decision);
    expect(replay.reasons).toEqual(first.reasons);
    const replayNow = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${now.id}/replay` })).json();
    expect(replayNow.same).toBe(true);
    expect(replayNow.decision).toBe('review');
  });

  it('decisions made together are committed together, each with its own leaf', async () => {
    const head0 = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => vet('secretariat', { target: point(36.01 + i * 0.001, 35.05) })));
    expect(all.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    expect(new Set(all.map((r) => r.json().id)).size).toBe(40);
    const head1 = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    expect(head1 - head0).toBe(40);
  });
});

describe('bad vetting input changes nothing', () => {
  const bad: [string, Record<string, unknown>, number, string][] = [
    ['self-intersecting polygon', { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35.1], [36.1, 35], [36, 35.1], [36, 35]]] } }, 422, 'target'],
    ['latitude out of range', { target: point(36, 95) }, 422, 'target.coordinates.1'],
    ['unclosed ring', { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35], [36.1, 35.1], [36, 35.1]]] } }, 422, 'target.coordinates.0'],
    ['a line is no target', { target: { type: 'LineString', coordinates: [[36, 35], [36.1, 35]] } }, 400, 'target.type'],
    ['radius with a polygon', { target: sq(36, 35, 36.01, 35.01), radiusM: 100 }, 422, 'radiusM'],
    ['radius too large', { target: point(36, 35), radiusM: 1e7 }, 400, 'radiusM'],
    ['negative radius', { target: point(36, 35), radiusM: -5 }, 400, 'radiusM'],
    ['unknown party', { target: point(36, 35), requestingPartyId: '00000000-0000-4000-8000-000000000000' }, 422, 'requestingPartyId'],
    ['bad time', { target: point(36, 35), at: 'yesterday' }, 400, 'at'],
    ['unknown field', { target: point(36, 35), targets: [] }, 400, 'targets'],
    ['coordinates of the wrong type', { target: { type: 'Point', coordinates: ['36', 35] } }, 422, 'target.coordinates'],
  ];
  it.each(bad)('%s → %i naming %s', async (_name, payload, status, field) => {
    const before = await snapshot(t.db);
    const res = await vet('secretariat', payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().field).toBe(field);
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('audit', () => {
  it('lists who asked what, and counts protected-site hits per account', async () => {
    const list = await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting?limit=5' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(5);
    expect(list.json().nextCursor).toBeTruthy();
    const next = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?limit=5&cursor=${list.json().nextCursor}` })).json();
    const ids = new Set(list.json().items.map((v: { id: string }) => v.id));
    expect(next.items.some((v: { id: string }) => ids.has(v.id))).toBe(false);
    const audit = (await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
    const liaison = audit.accounts.find((a: { role: string }) => a.role === 'liaison');
    expect(liaison.siteHits).toBe(1);
    expect(liaison.requests).toBe(1);
    expect((await t.call('liaison', { method: 'GET', url: '/api/v1/vetting' })).statusCode).toBe(403);
  });
});

describe('rate limit', () => {
  it('refuses an account past its budget with 429 and records nothing more', async () => {
    const small = await testApp({ config: { vettingRatePerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await small.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } })).statusCode).toBe(201);
      const before = await snapshot(small.db);
      const res = await small.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } });
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('RATE_LIMITED');
      expect(await snapshot(small.db)).toBe(before);
      // another account has its own budget
      expect((await small.call('admin', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } })).statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});
