import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { addAgencies, callAs, snapshot, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';

const MAX_VERTICES = 64;
let t: TestApp;
/** Agency accounts of named organisations (the shared test agency token has none). */
const agencies: Agencies = {};
beforeAll(async () => {
  t = await testApp({ config: { maxVertices: MAX_VERTICES } });
  await addAgencies(t, agencies, [['ocha1', 'OCHA'], ['ocha2', 'OCHA'], ['wfp', 'WFP']]);
});
afterAll(() => t?.close());

type Caller = Role | keyof typeof agencies;
const call = (who: Caller, o: InjectOptions) => callAs(() => t, agencies)(who, o);

const point = (lon = 36.2765, lat = 33.5138) => ({ type: 'Point', coordinates: [lon, lat] });
const box = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];

async function notify(who: Caller, over: Record<string, unknown> = {}) {
  const res = await call(who, { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: 'Al-Mujtahid Hospital', geometry: point(), ...over } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function corridor(over: Record<string, unknown> = {}) {
  const res = await t.call('cochair', {
    method: 'POST',
    url: '/api/v1/corridors',
    payload: { name: 'Damascus–Madaya convoy', geometry: { type: 'LineString', coordinates: [[36.29, 33.51], [36.1, 33.69]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-10T00:00:00Z', ...over },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const bowtie = [[36, 33], [36.2, 33.2], [36.2, 33], [36, 33.2], [36, 33]];
const many = (n: number) => Array.from({ length: n }, (_, i) => [36 + 0.1 * Math.cos((2 * Math.PI * i) / n), 33 + 0.1 * Math.sin((2 * Math.PI * i) / n)]);

describe('POST /api/v1/sites', () => {
  it('records the notifying account, its organisation and the time, with a ledger leaf', async () => {
    const before = Date.now();
    const s = await notify('ocha1');
    expect(s).toMatchObject({
      kind: 'hospital',
      name: 'Al-Mujtahid Hospital',
      geometry: point(),
      bufferM: 500,
      validTo: null,
      organisation: 'OCHA',
      notifiedBy: agencies.ocha1.accountId,
      ledger: { entity: 'site', id: s.id, proof: `/api/v1/entities/site/${s.id}/proof` },
    });
    for (const time of [s.validFrom, s.notifiedAt]) expect(Date.parse(time)).toBeGreaterThanOrEqual(before - 1000);
    expect((await t.call('public', { method: 'GET', url: s.ledger.proof })).statusCode).toBe(404); // a site's leaf is opened only to who may read the site
    const proof = await call('ocha1', { method: 'GET', url: s.ledger.proof });
    expect(proof.statusCode, proof.body).toBe(200);
    expect(proof.json().leaf).toMatchObject({ action: 'site.notified', entity: { type: 'site', id: s.id } });
    expect((await call('ocha1', { method: 'GET', url: `/api/v1/sites/${s.id}` })).json()).toEqual(s);
  });

  it('takes a polygon, a buffer and a time window', async () => {
    const geometry = { type: 'Polygon', coordinates: [box(36.28, 33.5, 36.29, 33.51)] };
    const s = await notify('secretariat', { kind: 'un', name: 'UN compound', geometry, bufferM: 0, validFrom: '2016-02-01T00:00:00+02:00', validTo: '2016-12-31T00:00:00Z' });
    expect(s).toMatchObject({ kind: 'un', geometry, bufferM: 0, validFrom: '2016-01-31T22:00:00.000Z', validTo: '2016-12-31T00:00:00.000Z', organisation: null });
  });

  it('drops altitudes', async () => {
    expect((await notify('secretariat', { geometry: { type: 'Point', coordinates: [36.3, 33.5, 700] } })).geometry).toEqual(point(36.3, 33.5));
    expect((await corridor({ geometry: { type: 'LineString', coordinates: [[36, 33, 1], [36.1, 33.1, 2]] } })).geometry.coordinates).toEqual([[36, 33], [36.1, 33.1]]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a self-intersecting bow-tie', { type: 'Polygon', coordinates: [bowtie] }, 'geometry', /Self-intersection/],
    ['an unclosed ring', { type: 'Polygon', coordinates: [box(36, 33, 36.1, 33.1).slice(0, 4)] }, 'geometry.coordinates.0', /not closed/],
    ['a ring of too few points', { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36, 33]]] }, 'geometry.coordinates.0', /at least 4 positions/],
    ['a longitude of 200', point(200, 33), 'geometry.coordinates.0', /longitude 200/],
    ['a point nested like a polygon', { type: 'Point', coordinates: [[36, 33]] }, 'geometry.coordinates', /position/],
    ['a hole outside its shell', { type: 'Polygon', coordinates: [box(36, 33, 36.1, 33.1), box(37, 34, 37.1, 34.1)] }, 'geometry', /Hole lies outside shell/],
    ['too many vertices', { type: 'Polygon', coordinates: [[...many(MAX_VERTICES), many(MAX_VERTICES)[0]]] }, 'geometry', /at most 64/],
  ])('refuses %s with 422 naming where, and stores nothing', async (_n, geometry, field, reason) => {
    const before = await snapshot(t.db);
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'School', geometry } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INVALID_GEOMETRY', field });
    expect(res.json().detail).toMatch(reason);
    expect(await snapshot(t.db)).toBe(before);
  });

  it.each<[string, Record<string, unknown>, number, string, string]>([
    ['validTo equal to validFrom', { validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-01T00:00:00Z' }, 422, 'INCONSISTENT', 'validTo'],
    ['validTo before validFrom', { validFrom: '2016-03-01T00:00:00Z', validTo: '2016-02-01T00:00:00Z' }, 422, 'INCONSISTENT', 'validTo'],
    ['validTo before now, validFrom left to default', { validTo: '2016-02-01T00:00:00Z' }, 422, 'INCONSISTENT', 'validTo'],
    ['an unknown kind', { kind: 'barracks' }, 400, 'VALIDATION_FAILED', 'kind'],
    ['a negative buffer', { bufferM: -1 }, 400, 'VALIDATION_FAILED', 'bufferM'],
    ['a buffer over 50 km', { bufferM: 50_001 }, 400, 'VALIDATION_FAILED', 'bufferM'],
    ['a buffer over the bound of 5 km', { bufferM: 5_001 }, 422, 'EXCEEDS_BOUND', 'bufferM'],
    ['a polygon of 11 km²', { geometry: { type: 'Polygon', coordinates: [box(36.3, 33.5, 36.3377, 33.5281)] } }, 422, 'EXCEEDS_BOUND', 'geometry'],
    ['a polygon over the antimeridian', { geometry: { type: 'Polygon', coordinates: [[[179.99, 0], [-179.99, 0], [-179.99, 0.01], [179.99, 0.01], [179.99, 0]]] } }, 422, 'INVALID_GEOMETRY', 'geometry.coordinates.0.1'],
    ['a line', { geometry: { type: 'LineString', coordinates: [[36, 33], [36.1, 33]] } }, 400, 'VALIDATION_FAILED', 'geometry.type'],
    ['no name', { name: undefined }, 400, 'VALIDATION_FAILED', 'name'],
  ])('refuses %s, storing nothing', async (_n, over, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: 'H', geometry: point(), ...over } });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('who sees protected sites', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {
      ocha1: (await notify('ocha1', { name: 'by OCHA 1' })).id,
      ocha2: (await notify('ocha2', { name: 'by OCHA 2' })).id,
      wfp: (await notify('wfp', { name: 'by WFP' })).id,
      secretariat: (await notify('secretariat', { name: 'by the secretariat' })).id,
      agency: (await notify('agency', { name: 'by an agency of no organisation' })).id,
    };
  });

  // each caller: the sites (by notifier) it may list, or 403
  it.each<[Caller, string[] | 403]>([
    ['admin', ['ocha1', 'ocha2', 'wfp', 'secretariat', 'agency']],
    ['cochair', ['ocha1', 'ocha2', 'wfp', 'secretariat', 'agency']],
    ['secretariat', ['ocha1', 'ocha2', 'wfp', 'secretariat', 'agency']],
    ['ocha1', ['ocha1', 'ocha2']],
    ['ocha2', ['ocha1', 'ocha2']],
    ['wfp', ['wfp']],
    ['agency', ['agency']],
    ['liaison', 403],
    ['monitor', 403],
    ['analyst', 403],
    ['public', 403],
  ])('%s', async (who, expected) => {
    const list = await call(who, { method: 'GET', url: '/api/v1/sites?limit=1000' });
    const one = await call(who, { method: 'GET', url: `/api/v1/sites/${ids.ocha1}` });
    if (expected === 403) {
      expect(list.statusCode).toBe(403);
      expect(list.json().code).toBe('FORBIDDEN');
      expect(one.statusCode).toBe(403);
      return;
    }
    expect(list.statusCode, list.body).toBe(200);
    const mine = new Set(Object.values(ids));
    const seen = list.json().features.map((f: any) => f.id).filter((id: string) => mine.has(id));
    expect(seen).toEqual(expected.map((k) => ids[k]));
    // another organisation's site is as if it did not exist
    expect(one.statusCode).toBe(expected.includes('ocha1') ? 200 : 404);
  });
});

describe('GET /api/v1/sites', () => {
  it('filters by time, kind and bounding box', async () => {
    const s = await notify('secretariat', { kind: 'water', name: 'Pumping station', geometry: point(37.5, 36.2), validFrom: '2016-01-01T00:00:00Z', validTo: '2016-02-01T00:00:00Z' });
    const ids = async (qs: string) => (await call('secretariat', { method: 'GET', url: `/api/v1/sites?limit=1000&${qs}` })).json().features.map((f: any) => f.id);
    expect(await ids('at=2016-01-15T00:00:00Z')).toContain(s.id);
    expect(await ids('at=2015-12-31T23:59:59Z')).not.toContain(s.id);
    expect(await ids('at=2016-02-01T00:00:00Z')).not.toContain(s.id); // validTo is exclusive
    expect(await ids('')).not.toContain(s.id); // default: now
    expect(await ids('at=2016-01-15T00:00:00Z&kind=water')).toEqual([s.id]);
    expect(await ids('at=2016-01-15T00:00:00Z&kind=school')).toEqual([]);
    expect(await ids('at=2016-01-15T00:00:00Z&bbox=37,36,38,37')).toEqual([s.id]);
    expect(await ids('at=2016-01-15T00:00:00Z&bbox=36,33,37,34')).toEqual([]);
    const fc = (await call('secretariat', { method: 'GET', url: '/api/v1/sites?at=2016-01-15T00:00:00Z&kind=water' })).json();
    expect(fc).toMatchObject({ type: 'FeatureCollection', at: '2016-01-15T00:00:00.000Z', nextCursor: null });
    expect(fc.features[0]).toMatchObject({ type: 'Feature', id: s.id, geometry: point(37.5, 36.2), properties: { id: s.id, kind: 'water', bufferM: 500 } });
  });

  it('pages by cursor without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++) await notify('wfp', { name: `Paged ${i}` });
    const all = (await call('admin', { method: 'GET', url: '/api/v1/sites?limit=1000' })).json().features.map((f: any) => f.id);
    expect(all.length).toBeGreaterThan(5);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('admin', { method: 'GET', url: `/api/v1/sites?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().features.length).toBeLessThanOrEqual(2);
      paged.push(...res.json().features.map((f: any) => f.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it.each([
    ['bbox=1,2,3', 'bbox', 'VALIDATION_FAILED'],
    ['bbox=37,36,36,37', 'bbox', 'VALIDATION_FAILED'],
    ['bbox=0,0,190,10', 'bbox', 'VALIDATION_FAILED'],
    ['kind=barracks', 'kind', 'VALIDATION_FAILED'],
    ['at=soon', 'at', 'VALIDATION_FAILED'],
    ['cursor=nonsense', 'cursor', 'BAD_CURSOR'],
  ])('refuses %s naming %s', async (qs, field, code) => {
    const res = await t.call('secretariat', { method: 'GET', url: `/api/v1/sites?${qs}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code, field });
  });

  it('answers 404 for an unknown site', async () => {
    const res = await t.call('secretariat', { method: 'GET', url: '/api/v1/sites/3f1d2c7a-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('corridors', () => {
  it('records a corridor with its default width and a ledger leaf, readable by every role', async () => {
    const c = await corridor();
    expect(c).toMatchObject({
      name: 'Damascus–Madaya convoy',
      geometry: { type: 'LineString', coordinates: [[36.29, 33.51], [36.1, 33.69]] },
      widthM: 1000,
      validFrom: '2016-03-01T00:00:00.000Z',
      validTo: '2016-03-10T00:00:00.000Z',
      convoyId: null,
      ledger: { entity: 'corridor', id: c.id },
    });
    expect(c.createdBy).toMatch(/^[0-9a-f-]{36}$/);
    const proof = await t.call('public', { method: 'GET', url: c.ledger.proof });
    expect(proof.statusCode).toBe(200);
    expect(proof.json().leaf.action).toBe('corridor.created');
    for (const role of ['liaison', 'public'] as Role[]) {
      expect((await t.call(role, { method: 'GET', url: `/api/v1/corridors/${c.id}` })).json()).toEqual(c);
    }
  });

  it('lists the corridors whose window covers a time', async () => {
    const c = await corridor({ name: 'Window', widthM: 250, geometry: { type: 'LineString', coordinates: [[38, 35], [38.1, 35.1], [38.2, 35]] } });
    const ids = async (qs: string) => {
      const res = await t.call('liaison', { method: 'GET', url: `/api/v1/corridors?limit=1000&${qs}` });
      expect(res.statusCode).toBe(200);
      return res.json().features.map((f: any) => f.id);
    };
    expect(await ids('at=2016-03-05T00:00:00Z')).toContain(c.id);
    expect(await ids('at=2016-02-29T23:59:59Z')).not.toContain(c.id);
    expect(await ids('at=2016-03-10T00:00:00Z')).not.toContain(c.id);
    expect(await ids('')).not.toContain(c.id);
    expect(await ids('at=2016-03-05T00:00:00Z&bbox=37.9,34.9,38.3,35.2')).toEqual([c.id]);
    const fc = (await t.call('public', { method: 'GET', url: '/api/v1/corridors?at=2016-03-05T00:00:00Z&bbox=37.9,34.9,38.3,35.2' })).json();
    expect(fc.features[0]).toMatchObject({ type: 'Feature', id: c.id, properties: { name: 'Window', widthM: 250 }, geometry: { type: 'LineString' } });
  });

  it.each<[string, Record<string, unknown>, number, string, string]>([
    ['validTo equal to validFrom', { validTo: '2016-03-01T00:00:00Z' }, 422, 'INCONSISTENT', 'validTo'],
    ['validTo before validFrom', { validTo: '2016-02-01T00:00:00Z' }, 422, 'INCONSISTENT', 'validTo'],
    ['no validTo', { validTo: undefined }, 400, 'VALIDATION_FAILED', 'validTo'],
    ['a width over 50 km', { widthM: 60_000 }, 400, 'VALIDATION_FAILED', 'widthM'],
    ['a width over the bound of 5 km', { widthM: 5_001 }, 422, 'EXCEEDS_BOUND', 'widthM'],
    ['a window over 90 days', { validTo: '2016-06-01T00:00:00Z' }, 422, 'EXCEEDS_BOUND', 'validTo'],
    ['a route of 1,060 km', { geometry: { type: 'LineString', coordinates: [[30, 30], [41, 30]] } }, 422, 'EXCEEDS_BOUND', 'geometry'],
    ['a route over the antimeridian', { geometry: { type: 'LineString', coordinates: [[179.9, 0], [-179.9, 0]] } }, 422, 'INVALID_GEOMETRY', 'geometry.coordinates.1'],
    ['a polygon', { geometry: { type: 'Polygon', coordinates: [box(36, 33, 36.1, 33.1)] } }, 400, 'VALIDATION_FAILED', 'geometry.type'],
    ['a one-point line', { geometry: { type: 'LineString', coordinates: [[36, 33]] } }, 422, 'INVALID_GEOMETRY', 'geometry.coordinates'],
    ['a latitude of 91', { geometry: { type: 'LineString', coordinates: [[36, 33], [36, 91]] } }, 422, 'INVALID_GEOMETRY', 'geometry.coordinates.1.1'],
    ['a line that goes nowhere', { geometry: { type: 'LineString', coordinates: [[36, 33], [36, 33]] } }, 422, 'INVALID_GEOMETRY', 'geometry'],
    ['too many vertices', { geometry: { type: 'LineString', coordinates: many(MAX_VERTICES + 1) } }, 422, 'INVALID_GEOMETRY', 'geometry'],
  ])('refuses %s, storing nothing', async (_n, over, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', {
      method: 'POST',
      url: '/api/v1/corridors',
      payload: { name: 'C', geometry: { type: 'LineString', coordinates: [[36, 33], [36.1, 33.1]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-02T00:00:00Z', ...over },
    });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('answers 404 for an unknown corridor', async () => {
    const res = await t.call('public', { method: 'GET', url: '/api/v1/corridors/3f1d2c7a-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
  });
});
