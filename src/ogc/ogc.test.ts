// OGC API – Features at /ogc on the real app and database: paging by next links, bbox and
// datetime semantics (tables), exact numberMatched, refusals naming the parameter, incidents per
// role exactly as GET /api/v1/incidents shows them, and a golden file of the metadata documents.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { ROLES } from '../auth/roles.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { adminAreas, placeSettings } from '../places/lookup.ts';
import { boundsOf } from './documents.ts';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { decidedIncident, fileReport } from '../../test/support/desk.ts';
import { merge, publish } from '../incidents/service.ts';
import { clusterIndexOf } from '../incidents/cluster-index.ts';

let t: TestApp;
const ids: Record<string, string> = {};
const territoryIds: string[] = [];

const square = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

/** Incidents in a box of their own (10..11°E, 10..11°N), with windows set as the tables need them. */
async function incident(key: string, lonLat: [number, number] | null, from: string, to: string, o: { publish?: boolean; perpetrators?: string[] } = {}) {
  const { incidentId } = o.publish ? await decidedIncident(t.db, { lonLat, at: from, perpetrators: o.perpetrators }, { publish: true }) : await fileReport(t.db, { lonLat, at: from, perpetrators: o.perpetrators });
  // test data: the window the table needs, recorded as a change of the incident (so the map's index hears of it)
  await write(t.db, SYSTEM, async (w) => {
    await w.q.query('UPDATE incidents SET occurred_from = $2, occurred_to = $3 WHERE id = $1', [incidentId, from, to]);
    w.record('incident.updated', 'incident', incidentId);
  });
  ids[key] = incidentId;
}

beforeAll(async () => {
  t = await testApp();
  await incident('A', [10.2, 10.2], '2016-01-01T00:00:00Z', '2016-01-10T00:00:00Z', { publish: true });
  await incident('B', [10.8, 10.8], '2016-02-01T12:00:00Z', '2016-02-01T12:00:00Z', { publish: true });
  await incident('C', [10.5, 10.5], '2016-03-01T00:00:00Z', '2016-03-31T00:00:00Z'); // unpublished: the desk's
  await incident('D', null, '2016-02-01T12:00:00Z', '2016-02-01T12:00:00Z', { publish: true }); // no location
  await incident('E', [20.5, 20.5], '2016-02-10T00:00:00Z', '2016-02-10T00:00:00Z', { perpetrators: [demoId('saaf')] }); // the liaison's party named
  for (let i = 0; i < 6; i++) await incident(`P${i}`, [30 + i / 100, 30], `2016-04-${String(i + 1).padStart(2, '0')}T00:00:00Z`, `2016-04-${String(i + 1).padStart(2, '0')}T06:00:00Z`, { publish: i % 3 !== 0 });
  // territory: saaf's area changes on 1 March; hzb holds a square from 1 February
  const territory = async (party: string, geometry: object, validFrom: string) => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId(party), geometry, validFrom } });
    expect(res.statusCode, res.body).toBe(201);
    territoryIds.push(res.json().id);
  };
  await territory('saaf', square(36, 33, 36.5, 33.5), '2016-01-01T00:00:00Z');
  await territory('saaf', square(36, 33, 37, 34), '2016-03-01T00:00:00Z');
  await territory('hzb', square(38, 35, 38.5, 35.5), '2016-02-01T00:00:00Z');
});
afterAll(() => t?.close());

const get = (role: Role | null, url: string) => t.call(role, { method: 'GET', url });
const itemIds = async (role: Role, query: string, collection = 'incidents') => {
  const res = await get(role, `/ogc/collections/${collection}/items?limit=10000${query ? `&${query}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.numberMatched).toBe(body.features.length);
  return body.features.map((f: { id: string }) => f.id).sort();
};
const named = (...keys: string[]) => keys.map((k) => ids[k]).sort();

/** Follows next links as a client does, from the first page; every page's numberMatched the same. */
async function pageThrough(role: Role, first: string) {
  const seen: string[] = [];
  let url: string | null = first;
  let matched: number | null = null;
  let pages = 0;
  while (url) {
    const res = await get(role, url.replace(/^http:\/\/localhost:80/, ''));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    matched ??= body.numberMatched;
    expect(body.numberMatched).toBe(matched);
    expect(body.numberReturned).toBe(body.features.length);
    seen.push(...body.features.map((f: { id: string }) => f.id));
    const next = body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(body.links.find((l: { rel: string }) => l.rel === 'self')).toBeTruthy();
    url = next?.href ?? null;
    pages++;
  }
  return { seen, matched: matched!, pages };
}

/** Every incident GET /api/v1/incidents lists to the role, as GeoJSON features, over its pages. */
async function apiFeatures(role: Role) {
  const out: { id: string; geometry: unknown; properties: Record<string, unknown> }[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents?limit=500${cursor ? `&cursor=${cursor}` : ''}`, headers: { accept: 'application/geo+json' } });
    expect(res.statusCode, res.body).toBe(200);
    out.push(...res.json().features);
    cursor = res.json().next;
  } while (cursor);
  return out;
}

describe('the landing page, conformance and collections', () => {
  it('match the golden file (TRUCE_UPDATE_GOLDEN=1 rewrites it)', async () => {
    const docs: Record<string, unknown> = {};
    for (const url of ['/ogc', '/ogc/conformance', '/ogc/collections', '/ogc/collections/incidents', '/ogc/collections/territories', '/ogc/collections/admin-areas']) {
      const res = await get('public', url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      docs[url] = res.json();
    }
    const file = path.join(import.meta.dirname, 'golden', 'documents.json');
    if (process.env.TRUCE_UPDATE_GOLDEN === '1') fs.writeFileSync(file, `${JSON.stringify(docs, null, 1)}\n`);
    expect(fs.existsSync(file), `${file} is missing: run with TRUCE_UPDATE_GOLDEN=1 and check it in`).toBe(true);
    expect(docs).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });

  it('give every link a rel and a type, and link the OpenAPI document the app serves', async () => {
    const landing = (await get('analyst', '/ogc?f=json')).json();
    const rels = landing.links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    const desc = landing.links.find((l: { rel: string }) => l.rel === 'service-desc');
    const spec = await t.app.inject({ method: 'GET', url: new URL(desc.href).pathname });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toMatch(/^3\./);
    expect(spec.json().paths['/ogc/collections/{collectionId}/items']).toBeDefined();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if ('href' in o) expect(o, JSON.stringify(o)).toMatchObject({ rel: expect.any(String), type: expect.any(String) });
        Object.values(o).forEach(walk);
      }
    };
    for (const url of ['/ogc', '/ogc/collections', '/ogc/collections/incidents/items?limit=2', `/ogc/collections/incidents/items/${ids.A}`]) walk((await get('admin', url)).json());
  });
});

describe('paging: every feature exactly once across the next links', () => {
  it.each([
    ['incidents', 'admin', 5],
    ['incidents', 'public', 3],
    ['incidents', 'liaison', 4],
    ['territories', 'admin', 1],
    ['admin-areas', 'analyst', 7, 'bbox=36,33,37,34'], // around Damascus: the areas are large documents
  ] as [string, Role, number, string?][])('%s as %s, %i a page', async (collection, role, limit, filter) => {
    const { seen, matched, pages } = await pageThrough(role, `/ogc/collections/${collection}/items?limit=${limit}${filter ? `&${filter}` : ''}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(matched);
    expect(pages).toBe(Math.max(1, Math.ceil(matched / limit)));
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(await itemIds(role, filter ?? '', collection));
  });

  it('keeps the filters on the next link', async () => {
    const { seen, matched } = await pageThrough('admin', '/ogc/collections/incidents/items?limit=1&bbox=10,10,11,11&datetime=2016-01-01T00:00:00Z/..');
    expect(matched).toBe(3);
    expect(seen.sort()).toEqual(named('A', 'B', 'C'));
  });

  it('pins the territories’ "now" on the next link, so every page is the same map', async () => {
    const first = (await get('admin', '/ogc/collections/territories/items?limit=1')).json();
    const next = new URL(first.links.find((l: { rel: string }) => l.rel === 'next').href);
    expect(Date.parse(next.searchParams.get('datetime')!)).toBeLessThanOrEqual(Date.now());
  });

  it('admin-areas: the 14 governorates, 62 districts and 272 sub-districts, with P-codes', async () => {
    const { seen } = await pageThrough('public', '/ogc/collections/admin-areas/items?limit=1000');
    expect(seen).toHaveLength(14 + 62 + 272);
    const one = (await get('public', '/ogc/collections/admin-areas/items/SY030200')).json();
    expect(one.properties).toMatchObject({ pcode: 'SY030200', level: 3, adm2Pcode: 'SY0302', adm1Pcode: 'SY03' });
    expect(['Polygon', 'MultiPolygon']).toContain(one.geometry.type);
  });
});

describe('datetime: incidents whose occurrence window overlaps it', () => {
  it.each([
    ['no datetime', null, ['A', 'B', 'C']],
    ['an instant inside a window', '2016-01-05T00:00:00Z', ['A']],
    ['the instant a window ends (inclusive)', '2016-01-10T00:00:00Z', ['A']],
    ['just after it ends', '2016-01-10T00:00:00.001Z', []],
    ['an instant with an offset', '2016-03-15T00:00:00+02:00', ['C']],
    ['a date: that UTC day', '2016-02-01', ['B']],
    ['a closed interval', '2016-01-01T00:00:00Z/2016-02-01T12:00:00Z', ['A', 'B']],
    ['an interval between windows', '2016-01-10T00:00:01Z/2016-02-01T11:59:59Z', []],
    ['an open start (..)', '../2016-01-01T00:00:00Z', ['A']],
    ['an open start (empty)', '/2016-01-01T00:00:00Z', ['A']],
    ['an open end (..)', '2016-02-01T12:00:00Z/..', ['B', 'C']],
    ['an open end (empty)', '2016-02-01T12:00:00Z/', ['B', 'C']],
    ['dates as ends: whole days', '2016-01-10/2016-02-01', ['A', 'B']],
  ])('%s', async (_n, datetime, keys) => {
    expect(await itemIds('admin', `bbox=10,10,11,11${datetime ? `&datetime=${encodeURIComponent(datetime)}` : ''}`)).toEqual(named(...keys));
  });

  it('territories: the map in force at the instant, default now', async () => {
    const at = async (q: string) => (await get('admin', `/ogc/collections/territories/items${q}`)).json();
    const feb = await at('?datetime=2016-02-15T00:00:00Z');
    expect(feb.features.map((f: { id: string }) => f.id).sort()).toEqual([territoryIds[0], territoryIds[2]].sort());
    expect(feb.features.find((f: { id: string }) => f.id === territoryIds[0]).properties).toMatchObject({ partyId: demoId('saaf'), validTo: '2016-03-01T00:00:00.000Z' });
    expect((await at('?datetime=2016-01-15T00:00:00Z')).features.map((f: { id: string }) => f.id)).toEqual([territoryIds[0]]);
    expect((await at('?datetime=2015-12-31T23:59:59Z')).numberMatched).toBe(0);
    const now = await at('');
    const api = (await get('admin', '/api/v1/territories')).json();
    expect(now.features.map((f: { id: string }) => f.id).sort()).toEqual(api.features.map((f: { id: string }) => f.id).sort());
    expect(now.features.map((f: { id: string }) => f.id).sort()).toEqual([territoryIds[1], territoryIds[2]].sort());
  });

  it('admin-areas are timeless: a valid datetime matches every area', async () => {
    expect((await get('public', '/ogc/collections/admin-areas/items?datetime=1990-01-01T00:00:00Z&limit=1')).json().numberMatched).toBe(348);
  });
});

describe('bbox: features that meet the box', () => {
  it.each([
    ['the fixtures’ box', '10,10,11,11', ['A', 'B', 'C']],
    ['a box around A', '10.1,10.1,10.3,10.3', ['A']],
    ['a box that is A’s point', '10.2,10.2,10.2,10.2', ['A']],
    ['a box whose corner is B (inclusive)', '10.5,10.5,10.8,10.8', ['B', 'C']],
    ['six numbers: heights ignored', '10,10,-100,11,11,100', ['A', 'B', 'C']],
    ['spaces around numbers', ' 10.1, 10.1, 10.3, 10.3', ['A']],
    ['a box of nothing', '10.3,10.3,10.4,10.4', []],
  ])('%s', async (_n, bbox, keys) => {
    expect(await itemIds('admin', `bbox=${encodeURIComponent(bbox)}`)).toEqual(named(...keys));
  });

  // PostGIS's ST_Intersects answers for the areas, the exact planar test the collections apply in memory
  it('territories and admin-areas agree with PostGIS on boxes inside, touching, between, as a line and as a point', async () => {
    const boxes = ['36.1,33.1,36.2,33.2', '36.5,33.2,36.7,33.3', '37.2,34.2,37.8,34.8', '38.2,34.0,38.2,36.0', '38.5,35.5,38.5,35.5', '36.3,32.9,36.6,33.6'];
    // a box of no width or height is a line or a point (PostgreSQL's PostGIS finds nothing in a degenerate envelope, PGlite's does)
    const env = `(CASE WHEN b.w = b.e AND b.s = b.n THEN ST_SetSRID(ST_MakePoint(b.w, b.s), 4326)
      WHEN b.w = b.e OR b.s = b.n THEN ST_SetSRID(ST_MakeLine(ST_MakePoint(b.w, b.s), ST_MakePoint(b.e, b.n)), 4326)
      ELSE ST_MakeEnvelope(b.w, b.s, b.e, b.n, 4326) END)`;
    const [w, s, e, n] = [0, 1, 2, 3].map((k) => boxes.map((b) => Number(b.split(',')[k])));
    const feb = [territoryIds[0], territoryIds[2]]; // the map of 15 February
    const territories = await t.db.query(
      `SELECT b.i, t.id FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS b(w, s, e, n, i)
       JOIN territories t ON t.id = ANY($5::uuid[]) AND ST_Intersects(t.geom, ${env})`,
      [w, s, e, n, feb],
    );
    // the areas whose envelope meets a box are the only ones that can: PostGIS decides among those
    const areas = await adminAreas(placeSettings(t.config));
    const pairs = boxes.flatMap((_b, i) =>
      areas.filter((a) => {
        const [aw, as, ae, an] = boundsOf([a.geometry.coordinates])!;
        return !(ae < w[i] || aw > e[i] || an < s[i] || as > n[i]);
      }).map((a) => ({ i: i + 1, pcode: a.pcode, g: JSON.stringify(a.geometry) })),
    );
    const hits = await t.db.query(
      `SELECT x.i, x.pcode FROM unnest($5::int[], $6::text[], $7::text[]) AS x(i, pcode, g)
       JOIN unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS b(w, s, e, n, i) ON b.i = x.i
       WHERE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326), ${env})`,
      [w, s, e, n, pairs.map((p) => p.i), pairs.map((p) => p.pcode), pairs.map((p) => p.g)],
    );
    const of = (rows: Record<string, unknown>[], i: number, key: string) => rows.filter((r) => Number(r.i) === i + 1).map((r) => r[key] as string).sort();
    for (const [i, bbox] of boxes.entries()) {
      expect(await itemIds('admin', `bbox=${bbox}&datetime=2016-02-15T00:00:00Z`, 'territories'), bbox).toEqual(of(territories, i, 'id'));
      expect(await itemIds('public', `bbox=${bbox}`, 'admin-areas'), bbox).toEqual(of(hits, i, 'pcode'));
    }
    expect(of(hits, 5, 'pcode').length).toBeGreaterThan(0);
    expect(of(territories, 0, 'id')).toEqual([territoryIds[0]]);
  });
});

describe('refusals name the parameter and change nothing', () => {
  let before = '';
  beforeAll(async () => {
    before = await snapshot(t.db);
  });
  it.each([
    ['an unknown parameter on items', '/ogc/collections/incidents/items?foo=1', 400, 'foo'],
    ['an unknown parameter on the landing page', '/ogc?service=WFS', 400, 'service'],
    ['an unknown parameter on a feature', `/ogc/collections/admin-areas/items/SY01?bbox=1,2,3,4`, 400, 'bbox'],
    ['an encoding that is not served', '/ogc/collections?f=html', 400, 'f'],
    ['limit 0', '/ogc/collections/incidents/items?limit=0', 400, 'limit'],
    ['limit over 10,000', '/ogc/collections/incidents/items?limit=10001', 400, 'limit'],
    ['limit not a number', '/ogc/collections/incidents/items?limit=ten', 400, 'limit'],
    ['bbox of 3 numbers', '/ogc/collections/incidents/items?bbox=10,10,11', 400, 'bbox'],
    ['bbox of 5 numbers', '/ogc/collections/incidents/items?bbox=10,10,11,11,12', 400, 'bbox'],
    ['bbox with a word', '/ogc/collections/incidents/items?bbox=a,10,11,11', 400, 'bbox'],
    ['bbox with an empty value', '/ogc/collections/territories/items?bbox=10,10,11,', 400, 'bbox'],
    ['bbox empty', '/ogc/collections/admin-areas/items?bbox=', 400, 'bbox'],
    ['bbox longitude out of range', '/ogc/collections/incidents/items?bbox=200,10,210,11', 400, 'bbox'],
    ['bbox latitude out of range', '/ogc/collections/incidents/items?bbox=10,-95,11,11', 400, 'bbox'],
    ['bbox south above north', '/ogc/collections/incidents/items?bbox=10,11,11,10', 400, 'bbox'],
    ['bbox across the antimeridian', '/ogc/collections/incidents/items?bbox=170,10,-170,11', 400, 'bbox'],
    ['bbox heights inverted', '/ogc/collections/incidents/items?bbox=10,10,5,11,11,1', 400, 'bbox'],
    ['bbox given twice', '/ogc/collections/incidents/items?bbox=10,10,11,11&bbox=10,10,11,11', 400, 'bbox'],
    ['datetime a word', '/ogc/collections/incidents/items?datetime=yesterday', 400, 'datetime'],
    ['datetime without a zone', '/ogc/collections/incidents/items?datetime=2016-02-01T10:00:00', 400, 'datetime'],
    ['datetime month 13', '/ogc/collections/incidents/items?datetime=2016-13-01', 400, 'datetime'],
    ['datetime ending before it starts', '/ogc/collections/incidents/items?datetime=2016-03-01T00:00:00Z/2016-02-01T00:00:00Z', 400, 'datetime'],
    ['datetime open at both ends', '/ogc/collections/incidents/items?datetime=../..', 400, 'datetime'],
    ['datetime just a slash', '/ogc/collections/incidents/items?datetime=/', 400, 'datetime'],
    ['datetime of three parts', '/ogc/collections/incidents/items?datetime=2016-01-01/2016-02-01/2016-03-01', 400, 'datetime'],
    ['datetime empty', '/ogc/collections/incidents/items?datetime=', 400, 'datetime'],
    ['territories at an interval', '/ogc/collections/territories/items?datetime=2016-01-01T00:00:00Z/..', 400, 'datetime'],
    ['a cursor made up', '/ogc/collections/incidents/items?cursor=abc.def', 400, 'cursor'],
    ['an unknown collection', '/ogc/collections/sites', 404, 'collectionId'],
    ['an unknown collection’s items', '/ogc/collections/sites/items', 404, 'collectionId'],
    ['an unknown incident', '/ogc/collections/incidents/items/00000000-0000-4000-8000-000000000000', 404, 'featureId'],
    ['an incident id that is no UUID', '/ogc/collections/incidents/items/1', 404, 'featureId'],
    ['an unknown territory', '/ogc/collections/territories/items/00000000-0000-4000-8000-000000000000', 404, 'featureId'],
    ['an unknown P-code', '/ogc/collections/admin-areas/items/SY99', 404, 'featureId'],
  ])('%s', async (_n, url, status, field) => {
    const res = await get('admin', url);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().field).toBe(field);
  });

  it('and every one of them stored nothing', async () => {
    expect(await snapshot(t.db)).toBe(before);
  });

  it('a cursor of another collection is refused', async () => {
    const areas = (await get('admin', '/ogc/collections/admin-areas/items?limit=1')).json();
    const cursor = new URL(areas.links.find((l: { rel: string }) => l.rel === 'next').href).searchParams.get('cursor')!;
    const res = await get('admin', `/ogc/collections/incidents/items?cursor=${encodeURIComponent(cursor)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_CURSOR', field: 'cursor' });
  });

  it('an unknown path under /ogc is a 404 problem, not the web app', async () => {
    const res = await get('admin', `/ogc/collections/incidents/items/${ids.A}/more`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('incidents: what each role sees through the API, no more', () => {
  it.each(ROLES.map((r) => [r]))('%s: the same features, properties and count as GET /api/v1/incidents', async (role) => {
    const api = await apiFeatures(role);
    const { seen, matched } = await pageThrough(role, '/ogc/collections/incidents/items?limit=10000');
    expect(matched).toBe(api.length);
    expect(seen.sort()).toEqual(api.map((f) => f.id).sort());
    const page = (await get(role, '/ogc/collections/incidents/items?limit=10000')).json();
    const mine = new Map(page.features.map((f: { id: string }) => [f.id, f]));
    for (const f of api) expect(mine.get(f.id), f.id).toMatchObject({ type: 'Feature', id: f.id, geometry: f.geometry, properties: f.properties });
  });

  it('a feature the caller may not see is the same 404 as one that does not exist', async () => {
    for (const [role, key, status] of [
      ['admin', 'C', 200],
      ['public', 'C', 404],
      ['agency', 'C', 404],
      ['liaison', 'E', 200],
      ['public', 'E', 404],
      ['analyst', 'E', 404],
      ['public', 'A', 200],
    ] as [Role, string, number][]) {
      const res = await get(role, `/ogc/collections/incidents/items/${ids[key]}`);
      expect(res.statusCode, `${role} ${key}`).toBe(status);
      if (status === 404) {
        const unknown = await get(role, '/ogc/collections/incidents/items/00000000-0000-4000-8000-000000000000');
        expect(res.json().detail.replace(ids[key], 'X')).toBe(unknown.json().detail.replace('00000000-0000-4000-8000-000000000000', 'X'));
      }
    }
    const one = (await get('public', `/ogc/collections/incidents/items/${ids.A}`)).json();
    const listed = (await apiFeatures('public')).find((f) => f.id === ids.A)!;
    expect(one).toMatchObject({ type: 'Feature', id: ids.A, geometry: listed.geometry, properties: listed.properties });
  });

  it('the public sees only published incidents, in lists and counts', async () => {
    expect(await itemIds('public', 'bbox=10,10,11,11')).toEqual(named('A', 'B'));
    expect(await itemIds('liaison', 'bbox=20,20,21,21')).toEqual(named('E'));
    expect(await itemIds('public', 'bbox=20,20,21,21')).toEqual([]);
  });

  it('an incident without a location has a null geometry, and no bbox matches it', async () => {
    const one = (await get('public', `/ogc/collections/incidents/items/${ids.D}`)).json();
    expect(one.geometry).toBeNull();
    expect(await itemIds('public', 'bbox=-180,-90,180,90')).not.toContain(ids.D);
  });

  it('incidents are never cached; the media types are GeoJSON for features and JSON for metadata', async () => {
    const items = await get('public', '/ogc/collections/incidents/items?limit=1');
    expect(items.headers['cache-control']).toBe('no-store');
    expect(items.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(items.json()).toMatchObject({ type: 'FeatureCollection', numberReturned: 1, timeStamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const one = await get('public', `/ogc/collections/incidents/items/${ids.A}?f=json`);
    expect(one.headers['cache-control']).toBe('no-store');
    expect(one.headers['content-type']).toMatch(/^application\/geo\+json/);
  });

  it('needs a token, as the API does', async () => {
    for (const url of ['/ogc', '/ogc/collections/incidents/items']) {
      const res = await get(null, url);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('numberMatched follows the desk’s writes at once', () => {
  it('a new incident, a publication and a merge each change the count the next request gives', async () => {
    const count = async (role: Role) => (await get(role, '/ogc/collections/incidents/items?limit=1&bbox=50,50,51,51')).json().numberMatched;
    expect([await count('admin'), await count('public')]).toEqual([0, 0]);
    const a = await decidedIncident(t.db, { lonLat: [50.5, 50.5] });
    expect([await count('admin'), await count('public')]).toEqual([1, 0]);
    await write(t.db, SYSTEM, (w) => publish(w, a.incidentId));
    expect([await count('admin'), await count('public')]).toEqual([1, 1]);
    const b = await fileReport(t.db, { lonLat: [50.6, 50.6] });
    expect(await count('admin')).toBe(2);
    await write(t.db, SYSTEM, (w) => merge(w, a.incidentId, { incidentIds: [b.incidentId] }));
    expect(await count('admin')).toBe(1);
    expect(await itemIds('admin', 'bbox=50,50,51,51')).toEqual([a.incidentId]);
  });
  it('is counted once for a client paging through, and again for another caller, other filters or after a write', async () => {
    const index = clusterIndexOf(t.db);
    const scans = () => index.stats().scans;
    const page = async (role: Role, url: string) => {
      const res = await get(role, url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { numberMatched: number; links: { rel: string; href: string }[] };
    };
    const first = '/ogc/collections/incidents/items?limit=2&bbox=29,29,31,31';
    const before = scans();
    let doc = await page('admin', first);
    const matched = doc.numberMatched;
    expect(matched).toBeGreaterThan(4);
    expect(scans()).toBe(before + 1);
    let pages = 1;
    for (let next = doc.links.find((l) => l.rel === 'next'); next; next = doc.links.find((l) => l.rel === 'next')) {
      doc = await page('admin', new URL(next.href).pathname + new URL(next.href).search);
      expect(doc.numberMatched).toBe(matched);
      pages++;
    }
    expect(pages).toBeGreaterThan(2);
    expect(scans()).toBe(before + 1); // every later page: the count remembered
    // the public's count of the same ask is its own, never the desk's
    const pub = (await page('public', first)).numberMatched;
    expect(pub).toBeLessThan(matched);
    expect(scans()).toBe(before + 2);
    await page('admin', `${first}&datetime=2016-04-01T00:00:00Z/..`);
    expect(scans()).toBe(before + 3);
    // a write: the next page counts again, and sees it
    await fileReport(t.db, { lonLat: [30.5, 30.5] });
    expect((await page('admin', first)).numberMatched).toBe(matched + 1);
    expect(scans()).toBe(before + 4);
  });
});
