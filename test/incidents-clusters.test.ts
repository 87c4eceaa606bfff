// The map's clusters (GET /api/v1/incidents/clusters) on 20,000 seeded incidents: at every zoom
// 0–18, for several views and the map's filters, and for every role, the clusters' counts add up
// to the number of incidents the SQL counts in the view (GET /incidents/aggregates, the list's
// WHERE clause); and the index follows writes (a new incident, a publication, a request for
// information) before the write's answer is read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/auth/roles.ts';
import { clusterIndexOf } from '../src/incidents/cluster-index.ts';
import { MAX_CELLS, viewCells } from '../src/incidents/clusters.ts';
import { requestInfo } from '../src/incidents/service.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { seedIncidents } from '../bench/support/incidents-million.ts';
import { demoId, testApp, type TestApp } from './support/app.ts';
import { fileReport } from './support/desk.ts';

const N = 20_000;
let t: TestApp;
// nested views, each checked at every zoom 0–18 at which it is a screenful (the route refuses more)
const views: Record<string, [number, number, number, number]> = {
  world: [-180, -90, 180, 90],
  syria: [35.5, 32.3, 42.5, 37.4],
  damascus: [36.2, 33.4, 36.45, 33.6],
  aleppo: [37.05, 36.15, 37.25, 36.28],
  'old Damascus': [36.28, 33.49, 36.33, 33.53],
};
const fits = (bbox: [number, number, number, number], zoom: number) => viewCells(bbox, zoom).every((n) => n <= MAX_CELLS);

beforeAll(async () => {
  // hundreds of views a minute per role: far past the per-account bound a deployment sets (tested below)
  t = await testApp({ config: { scanRatePerMinute: 1_000_000 } });
  await seedIncidents(t.db, N);
  clusterIndexOf(t.db).reset();
  // a view whose edges lie exactly on incidents' coordinates (in or out as PostGIS's float4 boxes have it)
  const [a, b] = await t.db.query(
    `SELECT ST_X(location) AS x, ST_Y(location) AS y FROM incidents WHERE location && ST_MakeEnvelope(36.28, 33.49, 36.33, 33.53, 4326) AND status <> 'merged' ORDER BY seq LIMIT 2`,
  );
  views.edges = [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)];
}, 180_000);
afterAll(() => t?.close());

const qs = (o: Record<string, string | number | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

async function sqlCount(role: Role, bbox: number[], f: Record<string, string>): Promise<number> {
  const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents/aggregates?${qs({ by: 'type', bbox: bbox.join(','), ...f })}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().total;
}

async function clusters(role: Role, bbox: number[], zoom: number, f: Record<string, string>) {
  const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents/clusters?${qs({ bbox: bbox.join(','), zoom, ...f })}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { inView: number; located: number; unlocated: number; clusters: { count: number; lon: number; lat: number; bounds: number[]; incident?: { id: string } }[] };
}


const DESK_LIAISON_PUBLIC: Role[] = ['secretariat', 'liaison', 'public'];
// every role without filters; with them one role of each visibility (the desk, a liaison, everyone else)
const FILTERS: [string, Record<string, string>, readonly Role[]][] = [
  ['none', {}, ROLES],
  ['SAAF, verified', { partyId: demoId('saaf'), status: 'verified' }, DESK_LIAISON_PUBLIC],
  ['day', { from: '2015-03-10T00:00:00.000Z', to: '2015-03-10T23:59:59.999Z' }, DESK_LIAISON_PUBLIC],
  ['week, shelling', { from: '2016-02-27T00:00:00.000Z', to: '2016-03-04T23:59:59.999Z', type: 'shelling' }, DESK_LIAISON_PUBLIC],
  ['merged, a year', { status: 'merged', from: '2014-01-01T00:00:00.000Z', to: '2014-12-31T23:59:59.999Z' }, DESK_LIAISON_PUBLIC],
  ['graded weak', { grade: 'weak', from: '2013-06-01T00:00:00.000Z' }, DESK_LIAISON_PUBLIC],
];

describe('counts are exact at every zoom', () => {
  it('every zoom 0–18 is checked with two views or more', () => {
    for (let zoom = 0; zoom <= 18; zoom++) expect(Object.values(views).filter((b) => fits(b, zoom)).length).toBeGreaterThanOrEqual(2);
  });

  for (const [name, f, roles] of FILTERS) {
    it(`${name}: ${roles.length} roles, every view, zooms 0–18`, async () => {
      for (const role of roles) {
        for (const [view, bbox] of Object.entries(views)) {
          const expected = await sqlCount(role, bbox, f);
          for (let zoom = 0; zoom <= 18; zoom++) {
            if (!fits(bbox, zoom)) continue;
            const c = await clusters(role, bbox, zoom, f);
            const sum = c.clusters.reduce((s, k) => s + k.count, 0);
            expect({ role, view, zoom, sum, inView: c.inView }).toEqual({ role, view, zoom, sum: expected, inView: expected });
          }
        }
      }
    }, 120_000);
  }

  it('refuses a view larger than a screenful at its zoom', async () => {
    const res = await t.call('public', { method: 'GET', url: `/api/v1/incidents/clusters?bbox=35.5,32.3,42.5,37.4&zoom=14` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bbox' });
  });

  it('has something to count: the views are not empty, and roles see different numbers', async () => {
    expect(await sqlCount('secretariat', views['old Damascus'], {})).toBeGreaterThan(50);
    const desk = await sqlCount('secretariat', views.syria, {});
    const liaison = await sqlCount('liaison', views.syria, {});
    const pub = await sqlCount('public', views.syria, {});
    expect(desk).toBeGreaterThan(liaison);
    expect(liaison).toBeGreaterThan(pub);
    expect(pub).toBeGreaterThan(2_000);
    expect(await sqlCount('secretariat', views.edges, {})).toBeGreaterThanOrEqual(2);
    expect(await sqlCount('public', views.syria, FILTERS[2][1])).toBeGreaterThan(0);
  });

  it('clusters split as the zoom grows, a cluster of one carries its incident, and located + unlocated is the whole', async () => {
    const counts = [];
    for (const zoom of [4, 8, 11, 14]) counts.push((await clusters('secretariat', views.damascus, zoom, {})).clusters.length);
    expect(counts[0]).toBeLessThan(counts[1]);
    expect(counts[1]).toBeLessThan(counts[2]);
    expect(counts[2]).toBeLessThan(counts[3]);
    const c = await clusters('secretariat', views['old Damascus'], 18, {});
    for (const k of c.clusters) {
      expect(k.bounds[0]).toBeLessThanOrEqual(k.lon);
      expect(k.lon).toBeLessThanOrEqual(k.bounds[2]);
      if (k.count === 1) expect(k.incident?.id).toMatch(/^[0-9a-f-]{36}$/);
      else expect(k.incident).toBeUndefined();
    }
    const all = await clusters('secretariat', views.world, 0, {});
    const total = (await t.call('secretariat', { method: 'GET', url: '/api/v1/incidents/aggregates?by=type' })).json().total;
    expect(all.located + all.unlocated).toBe(total);
    expect(all.unlocated).toBeGreaterThan(0);
  });
});

describe('the index follows writes', () => {
  const spot: [number, number] = [38.5, 33.0]; // the desert: nothing seeded there
  const box = [38.4, 32.9, 38.6, 33.1];
  const inBox = async (role: Role) => (await clusters(role, box, 10, {})).inView;

  it('a new incident, its publication and a request for information each show at once, for whom they should', async () => {
    expect(await inBox('secretariat')).toBe(0);
    const { incidentId } = await fileReport(t.db, { lonLat: spot, perpetrators: [demoId('isil')] });
    expect(await inBox('secretariat')).toBe(1);
    expect(await inBox('liaison')).toBe(0);
    expect(await inBox('public')).toBe(0);
    await write(t.db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: demoId('saaf'), question: 'Seen?', dueAt: '2199-01-01T00:00:00Z' }));
    expect(await inBox('liaison')).toBe(1);
    expect(await inBox('public')).toBe(0);
    for (const [status, grade] of [['under_review', undefined], ['verified', 'fair']]) {
      const res = await t.call('secretariat', { method: 'POST', url: `/api/v1/incidents/${incidentId}/review`, payload: { status, grade, reasoning: 'x' } });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await t.call('secretariat', { method: 'POST', url: `/api/v1/incidents/${incidentId}/publish`, payload: {} })).statusCode).toBe(200);
    expect(await inBox('public')).toBe(1);
    expect(await inBox('analyst')).toBe(1);
    for (const role of ROLES) expect(await inBox(role)).toBe(await sqlCount(role, box, {}));
  });

  it('reports its memory, bounded by the incidents it holds', () => {
    const s = clusterIndexOf(t.db).stats();
    expect(s.incidents).toBeGreaterThan(N);
    expect(s.bytes / s.capacity).toBeLessThan(100);
    expect(s.capacity).toBeLessThan(2 * s.incidents + 1024);
  });
});

describe('one account asking for view after view', () => {
  it('gets 429 naming the bound past its budget, while other accounts and the rest of the API carry on', async () => {
    const small = await testApp({ config: { scanRatePerMinute: 4 } });
    try {
      const view = (role: Role) => small.call(role, { method: 'GET', url: '/api/v1/incidents/clusters?bbox=35.5,32.3,42.5,37.4&zoom=6' });
      const items = (role: Role) => small.call(role, { method: 'GET', url: '/ogc/collections/incidents/items?limit=1' });
      const codes = [];
      for (let k = 0; k < 6; k++) codes.push((await view('public')).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
      const refused = await view('public');
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', field: 'Authorization' });
      expect(refused.json().detail).toMatch(/At most 4 map views a minute per account/);
      // another account's views, and the same account's other reads, are not held up
      expect((await view('analyst')).statusCode).toBe(200);
      expect((await small.call('public', { method: 'GET', url: '/api/v1/incidents?limit=1' })).statusCode).toBe(200);
      // OGC API items pages: the same bound, counted apart from the map's
      const pages = [];
      for (let k = 0; k < 5; k++) pages.push((await items('public')).statusCode);
      expect(pages).toEqual([200, 200, 200, 200, 429]);
      expect((await items('public')).json()).toMatchObject({ code: 'RATE_LIMITED', field: 'Authorization' });
    } finally {
      await small.close();
    }
  });
});
