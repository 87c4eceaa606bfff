import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';

// The expected areas come from GeographicLib directly, not from PostGIS (which the API uses).
const geographiclib = createRequire(import.meta.url)('geographiclib-geodesic') as typeof import('geographiclib-geodesic');
function geodesicKm2(ring: number[][]): number {
  const p = geographiclib.Geodesic.WGS84.Polygon(false);
  for (const [lon, lat] of ring.slice(0, -1)) p.AddPoint(lat, lon);
  return Math.abs(p.Compute(false, true).area ?? Number.NaN) / 1e6;
}

const MAX_VERTICES = 64;
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ config: { maxVertices: MAX_VERTICES } });
});
afterAll(() => t?.close());

/** Coordinates as the API writes them (9 decimals), so 36.2 + 0.1 compares equal to 36.3. */
const r9 = <T>(g: T): T => JSON.parse(JSON.stringify(g), (_k, v) => (typeof v === 'number' ? Number(v.toFixed(9)) : v));
/** A lon/lat rectangle as a closed ring, counter-clockwise. */
const box = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const bowtieAt = (lon: number, lat: number) => [[lon, lat], [lon + 0.1, lat + 0.1], [lon + 0.1, lat], [lon, lat + 0.1], [lon, lat]];
const square = (lon: number, lat: number, size = 0.1) => ({ type: 'Polygon', coordinates: [box(lon, lat, lon + size, lat + size)] });

async function newParty(name = `Territory party ${Math.random().toString(36).slice(2)}`): Promise<string> {
  const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name, kind: 'non_state_armed_group' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function record(body: Record<string, unknown>, role: 'secretariat' | 'cochair' | 'admin' = 'secretariat') {
  const res = await t.call(role, { method: 'POST', url: '/api/v1/territories', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const get = async (url: string, role: 'analyst' | 'public' | 'liaison' | 'admin' = 'analyst') => {
  const res = await t.call(role, { method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('POST /api/v1/territories', () => {
  it('stores a polygon as a MultiPolygon version, readable by id, with its geodesic area and ledger leaf', async () => {
    const partyId = await newParty();
    const geometry = square(36.2, 33.5);
    const res = await t.call('cochair', {
      method: 'POST',
      url: '/api/v1/territories',
      payload: { partyId, geometry, validFrom: '2016-02-27T00:00:00+02:00', source: 'co-chair map', note: 'Damascus countryside' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(res.headers.location).toBe(`/api/v1/territories/${v.id}`);
    expect(v).toMatchObject({
      partyId,
      geometry: r9({ type: 'MultiPolygon', coordinates: [geometry.coordinates] }),
      validFrom: '2016-02-26T22:00:00.000Z',
      validTo: null,
      source: 'co-chair map',
      note: 'Damascus countryside',
      pcodes: [],
      ledger: { entity: 'territory', id: v.id },
    });
    expect(v.recordedBy).toMatch(/^[0-9a-f-]{36}$/);
    expect(v.areaKm2).toBeCloseTo(geodesicKm2(geometry.coordinates[0]), 3);
    expect(await get(`/api/v1/territories/${v.id}`)).toEqual(v);
    const proof = await t.call('public', { method: 'GET', url: v.ledger.proof });
    expect(proof.statusCode, proof.body).toBe(200);
    expect(proof.json().leaf).toMatchObject({ action: 'territory.recorded', entity: { type: 'territory', id: v.id } });
  });

  it('accepts a MultiPolygon as it is', async () => {
    const partyId = await newParty();
    const geometry = { type: 'MultiPolygon', coordinates: [square(30, 30).coordinates, square(31, 30).coordinates] };
    const v = await record({ partyId, geometry, validFrom: '2016-03-01T00:00:00Z' });
    expect(v.geometry).toEqual(r9(geometry));
  });

  it('drops altitudes', async () => {
    const partyId = await newParty();
    const v = await record({ partyId, geometry: { type: 'Polygon', coordinates: [box(30, 31, 30.1, 31.1).map(([x, y]) => [x, y, 250])] }, validFrom: '2016-03-01T00:00:00Z' });
    expect(v.geometry).toEqual(r9({ type: 'MultiPolygon', coordinates: [[box(30, 31, 30.1, 31.1)]] }));
  });

  const bowtie = [[36, 33], [36.2, 33.2], [36.2, 33], [36, 33.2], [36, 33]];
  const ring = box(36.2, 33.5, 36.3, 33.6);
  const many = Array.from({ length: MAX_VERTICES }, (_, i) => [36 + 0.1 * Math.cos((2 * Math.PI * i) / MAX_VERTICES), 33 + 0.1 * Math.sin((2 * Math.PI * i) / MAX_VERTICES)]);
  it.each<[string, unknown, string, RegExp]>([
    ['a self-intersecting bow-tie', { type: 'Polygon', coordinates: [bowtie] }, 'geometry', /Self-intersection at \[36\.1, 33\.1\]/],
    ['an unclosed ring', { type: 'Polygon', coordinates: [ring.slice(0, 4)] }, 'geometry.coordinates.0', /not closed/],
    ['a ring of too few points', { type: 'Polygon', coordinates: [[[36, 33], [36.1, 33], [36, 33]]] }, 'geometry.coordinates.0', /at least 4 positions/],
    ['a longitude of 200', { type: 'Polygon', coordinates: [[[36, 33], [200, 33], [36.1, 33.1], [36, 33]]] }, 'geometry.coordinates.0.1.0', /longitude 200/],
    ['positions where rings belong', { type: 'Polygon', coordinates: ring }, 'geometry.coordinates.0', /nesting/],
    ['a hole outside its shell', { type: 'Polygon', coordinates: [ring, box(37, 34, 37.1, 34.1)] }, 'geometry', /Hole lies outside shell/],
    ['a bad polygon inside a MultiPolygon', { type: 'MultiPolygon', coordinates: [[ring], [[[36, 33], [36.1, 33], [36.1, 95], [36, 33]]]] }, 'geometry.coordinates.1.0.2.1', /latitude 95/],
    [`more than ${MAX_VERTICES} vertices`, { type: 'Polygon', coordinates: [[...many, many[0]]] }, 'geometry', /65 vertices; at most 64/],
  ])('refuses %s with 422 naming where, and stores nothing', async (_n, geometry, field, reason) => {
    const partyId = demoId('saaf');
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories', payload: { partyId, geometry, validFrom: '2016-03-01T00:00:00Z' } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INVALID_GEOMETRY', field });
    expect(res.json().detail).toMatch(reason);
    expect(await snapshot(t.db)).toBe(before);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a Point', { geometry: { type: 'Point', coordinates: [36, 33] } }, 'geometry.type'],
    ['no validFrom', { validFrom: undefined }, 'validFrom'],
    ['a validFrom without zone', { validFrom: '2016-03-01T00:00:00' }, 'validFrom'],
    ['a malformed partyId', { partyId: 'saaf' }, 'partyId'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('refuses %s with 400 naming the field', async (_n, over, field) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId('saaf'), geometry: square(36, 33), validFrom: '2016-03-01T00:00:00Z', ...over } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors.map((e: any) => e.field)).toContain(field);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('refuses an unknown party with 422 UNKNOWN_REFERENCE, storing nothing', async () => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', {
      method: 'POST',
      url: '/api/v1/territories',
      payload: { partyId: '3f1d2c7a-0000-4000-8000-000000000000', geometry: square(36, 33), validFrom: '2016-03-01T00:00:00Z' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'partyId' });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('leaves delineation to co-chairs and the secretariat: a liaison may not record even its own party’s area', async () => {
    const res = await t.call('liaison', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId('saaf'), geometry: square(36, 33), validFrom: '2016-03-01T00:00:00Z' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });
});

describe('GET /api/v1/territories/:id', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const res = await t.call('analyst', { method: 'GET', url: '/api/v1/territories/3f1d2c7a-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect((await t.call('analyst', { method: 'GET', url: '/api/v1/territories/42' })).statusCode).toBe(400);
  });
});

describe('versions in time: GET /api/v1/territories?at=', () => {
  it('gives each party the version in force at the time, a later-recorded earlier version included', async () => {
    const partyId = await newParty('Versioned Brigade');
    const v1 = await record({ partyId, geometry: square(40, 35), validFrom: '2016-01-01T00:00:00Z', source: 'first' });
    const v2 = await record({ partyId, geometry: square(40.5, 35), validFrom: '2016-03-01T00:00:00Z', source: 'second' });
    // recorded last, in force between the two
    const v3 = await record({ partyId, geometry: square(40.2, 35), validFrom: '2016-02-15T00:00:00Z', source: 'backdated' });
    expect(v3.validTo).toBe('2016-03-01T00:00:00.000Z');
    const at = async (iso: string) => (await get(`/api/v1/territories?at=${iso}&partyId=${partyId}`, 'public')).features.map((f: any) => f.properties.id);
    expect(await at('2015-12-31T23:59:59Z')).toEqual([]);
    expect(await at('2016-01-01T00:00:00Z')).toEqual([v1.id]);
    expect(await at('2016-02-20T00:00:00Z')).toEqual([v3.id]);
    expect(await at('2016-03-01T00:00:00Z')).toEqual([v2.id]);
    expect(await at(new Date().toISOString())).toEqual([v2.id]);

    const map = await get(`/api/v1/territories?at=2016-02-20T00:00:00Z&partyId=${partyId}`);
    expect(map).toMatchObject({ type: 'FeatureCollection', at: '2016-02-20T00:00:00.000Z' });
    expect(map.features[0]).toMatchObject({
      type: 'Feature',
      id: v3.id,
      geometry: r9({ type: 'MultiPolygon', coordinates: [square(40.2, 35).coordinates] }),
      properties: { id: v3.id, partyId, partyName: 'Versioned Brigade', status: 'not_committed', validFrom: '2016-02-15T00:00:00.000Z', source: 'backdated', note: null },
    });
    expect(map.features[0].properties.areaKm2).toBeCloseTo(v3.areaKm2, 6);

    const history = await get(`/api/v1/territories/history?partyId=${partyId}&sort=validFrom`);
    expect(history.items.map((h: any) => [h.source, h.validTo])).toEqual([
      ['first', '2016-02-15T00:00:00.000Z'],
      ['backdated', '2016-03-01T00:00:00.000Z'],
      ['second', null],
    ]);
    expect(history.items[0]).not.toHaveProperty('geometry');
  });

  it('gives each party its status at that time', async () => {
    await record({ partyId: demoId('saaf'), geometry: square(36.5, 34.5), validFrom: '2016-01-01T00:00:00Z' });
    await record({ partyId: demoId('isil'), geometry: square(38.9, 35.9), validFrom: '2016-01-01T00:00:00Z' });
    const status = async (at: string) =>
      Object.fromEntries((await get(`/api/v1/territories?at=${at}`)).features.map((f: any) => [f.properties.partyName, f.properties.status]));
    expect(await status('2016-02-20T00:00:00Z')).toMatchObject({ 'Syrian Arab Armed Forces': 'not_committed', ISIL: 'designated' });
    expect(await status('2016-03-01T00:00:00Z')).toMatchObject({ 'Syrian Arab Armed Forces': 'committed', ISIL: 'designated' });
  });

  it.each([['at=yesterday', 'at'], ['partyId=x', 'partyId']])('refuses the query %s naming %s', async (qs, field) => {
    const res = await t.call('analyst', { method: 'GET', url: `/api/v1/territories?${qs}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });
});

describe('POST /api/v1/territories/bulk', () => {
  const feature = (partyId: string, geometry: unknown, validFrom = '2016-04-01T00:00:00Z') => ({ type: 'Feature', geometry, properties: { partyId, validFrom } });

  it('records every feature of a FeatureCollection', async () => {
    const [a, b] = [await newParty(), await newParty()];
    const res = await t.call('secretariat', {
      method: 'POST',
      url: '/api/v1/territories/bulk',
      payload: { type: 'FeatureCollection', features: [feature(a, square(50, 10)), { ...feature(b, square(50.2, 10)), properties: { partyId: b, validFrom: '2016-04-02T00:00:00Z', source: 'sat', note: 'n' } }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const items = res.json().items;
    expect(items.map((i: any) => [i.partyId, i.source])).toEqual([[a, null], [b, 'sat']]);
    for (const i of items) expect((await get(`/api/v1/territories/${i.id}`)).geometry.type).toBe('MultiPolygon');
  });

  it.each<[string, (a: string, b: string) => unknown[], number, string, string]>([
    ['a ring not closed in the fourth feature', (a, b) => [feature(a, square(51, 10)), feature(b, square(51.2, 10)), feature(a, square(51.4, 10), '2016-05-01T00:00:00Z'), feature(b, { type: 'Polygon', coordinates: [box(51, 11, 51.1, 11.1).slice(0, 4)] }, '2016-05-01T00:00:00Z')], 422, 'INVALID_GEOMETRY', 'features.3.geometry.coordinates.0'],
    ['a bad position', (a) => [feature(a, square(51, 10)), feature(a, { type: 'Polygon', coordinates: [[[51, 10], [51.1, 10], [51.1, 10.1], [51, 10.1], [181, 10]]] }, '2016-05-01T00:00:00Z')], 422, 'INVALID_GEOMETRY', 'features.1.geometry.coordinates.0.4.0'],
    ['a self-intersection', (a, b) => [feature(a, square(51, 10)), feature(b, { type: 'Polygon', coordinates: [bowtieAt(51, 10)] })], 422, 'INVALID_GEOMETRY', 'features.1.geometry'],
    ['an unknown party', (a) => [feature(a, square(51, 10)), feature('3f1d2c7a-0000-4000-8000-000000000000', square(51.2, 10))], 422, 'UNKNOWN_REFERENCE', 'features.1.properties.partyId'],
    ['two features for one party at one time', (a) => [feature(a, square(51, 10)), feature(a, square(51.2, 10))], 422, 'INCONSISTENT', 'features.1.properties.partyId'],
    ['a feature without validFrom', (a) => [feature(a, square(51, 10)), { type: 'Feature', geometry: square(51, 10), properties: { partyId: a } }], 400, 'VALIDATION_FAILED', 'features.1.properties.validFrom'],
    ['no features', () => [], 400, 'VALIDATION_FAILED', 'features'],
  ])('stores nothing when one feature is wrong: %s', async (_n, features, status, code, field) => {
    const [a, b] = [await newParty(), await newParty()];
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { type: 'FeatureCollection', features: features(a, b) } });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('builds a party’s area from one sub-district’s P-code, with the OCHA area', async () => {
    const partyId = await newParty();
    const res = await t.call('cochair', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId, validFrom: '2016-02-27T00:00:00+02:00', pcodes: ['SY020206'] } });
    expect(res.statusCode, res.body).toBe(201);
    const [v] = res.json().items;
    expect(v).toMatchObject({ partyId, pcodes: ['SY020206'], geometry: { type: 'MultiPolygon' } });
    expect(Math.abs(v.areaKm2 - 317) / 317).toBeLessThan(0.02); // A'rima: area_sqkm 317
    expect((await t.call('admin', { method: 'GET', url: v.ledger.proof })).statusCode).toBe(200);
  });

  it('builds the union of several units, a district code naming all its sub-districts', async () => {
    const units = (await get('/api/v1/territories/subdistricts?limit=500')).items as any[];
    const district = units.filter((u) => u.adm2Pcode === 'SY0202');
    expect(district.length).toBeGreaterThan(1);
    const expected = district.reduce((s, u) => s + u.areaSqkm, 0);
    const partyId = await newParty();
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId, validFrom: '2016-03-01T00:00:00Z', pcodes: ['SY0202', district[0].pcode] } });
    expect(res.statusCode, res.body).toBe(201);
    const [v] = res.json().items;
    expect(v.pcodes).toEqual(district.map((u) => u.pcode).sort());
    expect(Math.abs(v.areaKm2 - expected) / expected).toBeLessThan(0.02);
    // one outline: the shared boundaries of neighbouring sub-districts are dissolved
    expect(v.geometry.coordinates.length).toBeLessThan(district.length);
  });

  it('refuses an unknown P-code naming its index, storing nothing', async () => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: demoId('fsa'), validFrom: '2016-03-01T00:00:00Z', pcodes: ['SY020206', 'SY999999'] } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'pcodes.1' });
    const unknownParty = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: '3f1d2c7a-0000-4000-8000-000000000000', validFrom: '2016-03-01T00:00:00Z', pcodes: ['SY020206'] } });
    expect(unknownParty.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'partyId' });
    const malformed = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: demoId('fsa'), validFrom: '2016-03-01T00:00:00Z', pcodes: ['SY02 0206'] } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().field).toBe('pcodes.0');
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('GET /api/v1/territories/overlaps', () => {
  it('reports the area two parties both claim, in geodesic km², and not a shared boundary', async () => {
    const [a, b, c] = [await newParty('Overlap A'), await newParty('Overlap B'), await newParty('Overlap C')];
    await record({ partyId: a, geometry: { type: 'Polygon', coordinates: [box(10, 35, 10.1, 35.1)] }, validFrom: '2016-06-01T00:00:00Z' });
    await record({ partyId: b, geometry: { type: 'Polygon', coordinates: [box(10.05, 35, 10.15, 35.1)] }, validFrom: '2016-06-01T00:00:00Z' });
    await record({ partyId: c, geometry: { type: 'Polygon', coordinates: [box(10.15, 35, 10.25, 35.1)] }, validFrom: '2016-06-01T00:00:00Z' });
    const mine = (fc: any) => fc.features.filter((f: any) => f.properties.partyIds.some((p: string) => [a, b, c].includes(p)));

    expect(mine(await get('/api/v1/territories/overlaps?at=2016-05-31T00:00:00Z'))).toEqual([]);
    const fc = await get('/api/v1/territories/overlaps?at=2016-06-02T00:00:00Z', 'public');
    expect(fc.at).toBe('2016-06-02T00:00:00.000Z');
    const found = mine(fc);
    expect(found).toHaveLength(1); // B and C only touch
    const [o] = found;
    expect([...o.properties.partyIds].sort()).toEqual([a, b].sort());
    expect([...o.properties.partyNames].sort()).toEqual(['Overlap A', 'Overlap B']);
    const expected = geodesicKm2(box(10.05, 35, 10.1, 35.1));
    expect(expected).toBeCloseTo(50.6, 1);
    expect(Math.abs(o.properties.areaKm2 - expected) / expected).toBeLessThan(0.005);
    expect(o.geometry.type).toBe('MultiPolygon');
    const lons = o.geometry.coordinates.flat(2).map((p: number[]) => p[0]);
    expect([Math.min(...lons), Math.max(...lons)]).toEqual([10.05, 10.1]);
  });
});

describe('GET /api/v1/territories/changes', () => {
  it('gives each party the ground gained and lost between two times', async () => {
    const [moved, arrived, still] = [await newParty('Mover'), await newParty('Newcomer'), await newParty('Stayer')];
    await record({ partyId: moved, geometry: { type: 'Polygon', coordinates: [box(20, 35, 20.1, 35.1)] }, validFrom: '2016-02-01T00:00:00Z' });
    await record({ partyId: still, geometry: { type: 'Polygon', coordinates: [box(21, 35, 21.1, 35.1)] }, validFrom: '2016-02-01T00:00:00Z' });
    // during the ceasefire: Mover pushes 0.05° east, Newcomer appears
    await record({ partyId: moved, geometry: { type: 'Polygon', coordinates: [box(20.05, 35, 20.15, 35.1)] }, validFrom: '2016-04-01T00:00:00Z' });
    await record({ partyId: arrived, geometry: { type: 'Polygon', coordinates: [box(22, 35, 22.1, 35.1)] }, validFrom: '2016-04-01T00:00:00Z' });

    const res = await get('/api/v1/territories/changes?from=2016-02-27T00:00:00Z&to=2016-05-01T00:00:00Z');
    expect(res).toMatchObject({ from: '2016-02-27T00:00:00.000Z', to: '2016-05-01T00:00:00.000Z' });
    const by = Object.fromEntries(res.parties.map((p: any) => [p.partyName, p]));
    const strip = geodesicKm2(box(20, 35, 20.05, 35.1));
    expect(Math.abs(by.Mover.gainedKm2 - strip) / strip).toBeLessThan(0.005);
    expect(Math.abs(by.Mover.lostKm2 - strip) / strip).toBeLessThan(0.005);
    const lonRange = (g: any) => {
      const lons = g.coordinates.flat(2).map((p: number[]) => p[0]);
      return [Math.min(...lons), Math.max(...lons)];
    };
    expect(lonRange(by.Mover.gained)).toEqual([20.1, 20.15]);
    expect(lonRange(by.Mover.lost)).toEqual([20, 20.05]);
    expect(by.Newcomer).toMatchObject({ fromVersionId: null, lostKm2: 0, lost: null, gained: { type: 'MultiPolygon' } });
    expect(by.Newcomer.gainedKm2).toBeCloseTo(geodesicKm2(box(22, 35, 22.1, 35.1)), 3);
    expect(by.Stayer).toMatchObject({ gainedKm2: 0, lostKm2: 0, gained: null, lost: null });
    expect(by.Stayer.fromVersionId).toBe(by.Stayer.toVersionId);

    const one = await get(`/api/v1/territories/changes?from=2016-02-27T00:00:00Z&to=2016-05-01T00:00:00Z&partyId=${moved}`);
    expect(one.parties.map((p: any) => p.partyName)).toEqual(['Mover']);
    // between a time and itself nothing changes
    const back = await get(`/api/v1/territories/changes?from=2016-05-01T00:00:00Z&to=2016-05-01T00:00:00Z&partyId=${moved}`);
    expect(back.parties[0]).toMatchObject({ gainedKm2: 0, lostKm2: 0 });
  });

  it.each([
    ['from after to', 'from=2016-05-01T00:00:00Z&to=2016-04-01T00:00:00Z', 422, 'INCONSISTENT', 'to'],
    ['no from', 'to=2016-04-01T00:00:00Z', 400, 'VALIDATION_FAILED', 'from'],
  ])('refuses %s', async (_n, qs, status, code, field) => {
    const res = await t.call('analyst', { method: 'GET', url: `/api/v1/territories/changes?${qs}` });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
  });
});

describe('GET /api/v1/territories/subdistricts', () => {
  it('finds sub-districts by P-code or name in either script, without geometry', async () => {
    const byName = await get('/api/v1/territories/subdistricts?q=arima');
    expect(byName.items).toContainEqual({ pcode: 'SY020206', name: "A'rima", nameAr: 'عريمة', adm2Pcode: 'SY0202', adm1Pcode: 'SY02', areaSqkm: 317 });
    expect((await get(`/api/v1/territories/subdistricts?q=${encodeURIComponent('عريمة')}`)).items.map((u: any) => u.pcode)).toEqual(['SY020206']);
    const all = await get('/api/v1/territories/subdistricts?limit=500');
    expect(all.items).toHaveLength(272);
    expect(all.nextCursor).toBeNull();
  });
});
