// Lists, filters, GeoJSON, counts, the ledger and the stream: each role sees of the incidents
// exactly what GET /incidents/{id} shows it, and learns nothing more from a filter or a count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Principal, type Role } from '../auth/roles.ts';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { fileReport } from '../../test/support/desk.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { incidentEventView } from './lookup.ts';
import { requestInfo } from './service.ts';

let t: TestApp;
const ids: Record<string, string> = {};
const principals = {} as Record<Role, Principal>;

/** Reviews an incident to a decision and publishes it. */
async function publish(id: string) {
  await t.call('secretariat', { method: 'POST', url: `/api/v1/incidents/${id}/review`, payload: { status: 'under_review', reasoning: 'x' } });
  await t.call('secretariat', { method: 'POST', url: `/api/v1/incidents/${id}/review`, payload: { status: 'verified', grade: 'fair', reasoning: 'x' } });
  const res = await t.call('secretariat', { method: 'POST', url: `/api/v1/incidents/${id}/publish`, payload: {} });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  t = await testApp();
  const f = (s: Parameters<typeof fileReport>[1]) => fileReport(t.db, s).then((x) => x.incidentId);
  // Douma, 28 Feb: SAAF shells Jaysh al-Islam (unpublished: SAAF's liaison sees it, the public not)
  ids.douma = await f({ eventType: 'shelling', at: '2016-02-28T10:00:00Z', lonLat: [36.4, 33.57], perpetrators: [demoId('saaf')], targets: [demoId('jai')], pcodes: { adm1: 'SY03', adm2: 'SY0301', adm3: 'SY030100' } });
  // Idleb, 1 Mar: an airstrike by the VKS on Ahrar al-Sham, published
  ids.idleb = await f({ eventType: 'airstrike', at: '2016-03-01T08:00:00Z', lonLat: [36.63, 35.93], perpetrators: [demoId('vks')], targets: [demoId('ahrar')], pcodes: { adm1: 'SY07', adm2: 'SY0700', adm3: 'SY070000' } });
  await publish(ids.idleb);
  // Kilis border, 2 Mar: cross-border fire by ISIL (unpublished, SAAF asked for information)
  ids.kilis = await f({ eventType: 'cross_border_fire', at: '2016-03-02T16:00:00Z', lonLat: [37.11, 36.72], perpetrators: [demoId('isil')], pcodes: { adm1: 'SY02' } });
  await write(t.db, SYSTEM, (w) => requestInfo(w, ids.kilis, { addressedToPartyId: demoId('saaf'), question: 'Seen?', dueAt: '2199-01-01T00:00:00Z' }));
  // Dar'a, 4 Mar: a ground attack naming nobody, unpublished, only a place name
  ids.daraa = await f({ eventType: 'ground_attack', at: '2016-03-04T12:00:00Z', lonLat: null, pcodes: { adm1: 'SY12' } });
  // Deir ez-Zor, 5 Mar: SAAF shelling ISIL, published, SAAF named
  ids.deir = await f({ eventType: 'shelling', at: '2016-03-05T06:00:00Z', lonLat: [40.14, 35.33], perpetrators: [demoId('saaf')], targets: [demoId('isil')], pcodes: { adm1: 'SY09', adm2: 'SY0900' } });
  await publish(ids.deir);
  for (const role of ROLES) {
    const s = (await t.call(role, { method: 'GET', url: '/api/v1/session' })).json();
    principals[role] = { accountId: s.account.id, name: s.account.name, role, partyId: s.account.partyId, via: 'token' };
  }
});
afterAll(() => t?.close());

const list = async (role: Role, qs = '') => {
  const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents?limit=500${qs ? `&${qs}` : ''}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((i: any) => i.id).sort() as string[];
};
const count = async (role: Role, qs: string) => {
  const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents/aggregates?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const of = (...keys: string[]) => keys.map((k) => ids[k]).sort();

const SEES: Record<Role, string[]> = {
  admin: ['douma', 'idleb', 'kilis', 'daraa', 'deir'],
  cochair: ['douma', 'idleb', 'kilis', 'daraa', 'deir'],
  secretariat: ['douma', 'idleb', 'kilis', 'daraa', 'deir'],
  monitor: ['douma', 'idleb', 'kilis', 'daraa', 'deir'],
  liaison: ['douma', 'idleb', 'kilis', 'deir'], // SAAF: named in Douma and Deir ez-Zor, asked about Kilis, and Idleb is published
  agency: ['idleb', 'deir'],
  analyst: ['idleb', 'deir'],
  public: ['idleb', 'deir'],
};

describe('who sees which incident', () => {
  it.each(ROLES)('as %s, the list, GET, GeoJSON and the counts agree', async (role) => {
    const want = of(...SEES[role]);
    expect(await list(role)).toEqual(want);
    for (const [k, id] of Object.entries(ids)) {
      const res = await t.call(role, { method: 'GET', url: `/api/v1/incidents/${id}` });
      expect(res.statusCode, `${role} ${k}`).toBe(SEES[role].includes(k) ? 200 : 404);
      if (res.statusCode === 404) expect(res.json()).toMatchObject({ code: 'NOT_FOUND', field: 'id' }); // the same as an id that never existed
    }
    const geo = await t.call(role, { method: 'GET', url: '/api/v1/incidents?limit=500', headers: { accept: 'application/geo+json' } });
    expect(geo.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(geo.json().features.map((f: any) => f.id).sort()).toEqual(want);
    expect((await count(role, 'by=type')).total).toBe(want.length);
  });

  it('an analyst filtering by the party of an unpublished incident learns nothing from the count', async () => {
    // Jaysh al-Islam is named only in the unpublished Douma incident
    expect(await list('analyst', `partyId=${demoId('jai')}`)).toEqual([]);
    expect(await count('analyst', `by=party&partyId=${demoId('jai')}`)).toEqual({ by: 'party', buckets: [], total: 0 });
    expect((await count('analyst', 'by=party')).buckets.map((b: any) => b.key)).not.toContain(demoId('jai'));
    expect(await count('analyst', 'by=adm1&pcode=SY03')).toEqual({ by: 'adm1', buckets: [], total: 0 });
    expect(await list('admin', `partyId=${demoId('jai')}`)).toEqual(of('douma'));
  });

  it('a liaison sees its party’s reports in full, nobody else’s before publication', async () => {
    const { reportId } = await fileReport(t.db, { perpetrators: [demoId('saaf')], reporter: { role: 'liaison', partyId: demoId('saaf') }, text: 'Our own account' }, ids.douma);
    const d = (await t.call('liaison', { method: 'GET', url: `/api/v1/incidents/${ids.douma}` })).json();
    expect(d.reports.map((r: any) => [r.id, r.text])).toEqual([[reportId, 'Our own account']]);
    expect(d.reportCount).toBe(2);
    expect((await t.call('analyst', { method: 'GET', url: `/api/v1/incidents/${ids.douma}` })).statusCode).toBe(404);
  });
});

describe('filters', () => {
  it.each([
    ['bbox=36,33,37,34', ['douma']],
    ['bbox=35,32,42,37', ['douma', 'idleb', 'kilis', 'deir']],
    ['from=2016-03-01T00:00:00Z&to=2016-03-02T23:59:59Z', ['idleb', 'kilis']],
    ['from=2016-03-04', ['daraa', 'deir']],
    ['to=2016-02-28T10:00:00Z', ['douma']], // the window meets the bound
    ['type=shelling', ['douma', 'deir']],
    [`partyId=${'saaf'}`, ['douma', 'deir']],
    [`partyId=${'isil'}`, ['kilis', 'deir']], // perpetrator in one, target in the other
    ['status=verified', ['idleb', 'deir']],
    ['status=reported', ['douma', 'kilis', 'daraa']],
    ['grade=fair', ['idleb', 'deir']],
    ['pcode=SY03', ['douma']],
    ['pcode=SY0301', ['douma']],
    ['pcode=SY030100', ['douma']],
    ['pcode=SY09', ['deir']],
    ['type=shelling&bbox=36,33,37,34', ['douma']],
  ])('%s', async (qs, want) => {
    const real = qs.replace(/partyId=(\w+)/, (_m, k) => `partyId=${demoId(k)}`);
    expect(await list('admin', real)).toEqual(of(...want));
  });

  it.each([
    ['bbox=1,2,3', 'bbox'],
    ['bbox=10,50,0,60', 'bbox'],
    ['bbox=200,0,201,1', 'bbox'],
    ['from=yesterday', 'from'],
    ['from=2016-03-05&to=2016-03-01', 'to'],
    ['type=bombing', 'type'],
    ['status=closed', 'status'],
    ['partyId=42', 'partyId'],
    ['pcode=%27%3B--', 'pcode'],
    ['limit=0', 'limit'],
    ['cursor=forged', 'cursor'],
    ['colour=red', 'colour'],
  ])('refuses %s naming %s', async (qs, field) => {
    const res = await t.call('admin', { method: 'GET', url: `/api/v1/incidents?${qs}` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().field).toBe(field);
  });

  it('pages by cursor without gaps or repeats, in every order', async () => {
    for (const sort of ['-occurredFrom', 'occurredFrom', '-updatedAt', 'updatedAt']) {
      const all = (await t.call('admin', { method: 'GET', url: `/api/v1/incidents?limit=500&sort=${sort}` })).json().items.map((i: any) => i.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.call('admin', { method: 'GET', url: `/api/v1/incidents?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}` });
        expect(res.statusCode, res.body).toBe(200);
        paged.push(...res.json().items.map((i: any) => i.id));
        cursor = res.json().next;
      } while (cursor);
      expect(paged).toEqual(all);
      expect(all.length).toBeGreaterThanOrEqual(5);
    }
    const newest = (await t.call('admin', { method: 'GET', url: '/api/v1/incidents?limit=500' })).json().items.map((i: any) => i.occurredFrom);
    expect(newest).toEqual([...newest].sort().reverse());
    // a cursor of one order is refused in another
    const c = (await t.call('admin', { method: 'GET', url: '/api/v1/incidents?limit=1' })).json().next;
    expect((await t.call('admin', { method: 'GET', url: `/api/v1/incidents?limit=1&sort=updatedAt&cursor=${c}` })).json().code).toBe('BAD_CURSOR');
  });

  it('answers GeoJSON (RFC 7946) with a next link that pages on', async () => {
    const res = await t.call('public', { method: 'GET', url: '/api/v1/incidents?limit=1', headers: { accept: 'application/geo+json' } });
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(1);
    const [f] = fc.features;
    expect(f).toMatchObject({ type: 'Feature', id: ids.deir, geometry: { type: 'Point', coordinates: [40.14, 35.33] } });
    expect(f.properties).toMatchObject({ id: ids.deir, status: 'verified', eventType: 'shelling' });
    expect(f.properties).not.toHaveProperty('location');
    expect(fc.links).toEqual([{ rel: 'next', href: expect.stringContaining('/api/v1/incidents?limit=1&cursor='), type: 'application/geo+json' }]);
    const more = await t.call('public', { method: 'GET', url: fc.links[0].href, headers: { accept: 'application/geo+json' } });
    expect(more.json().features.map((x: any) => x.id)).toEqual([ids.idleb]);
    expect(more.json().links).toEqual([]);
  });
});

describe('aggregates', () => {
  it('counts by day, unit, party and type with the list’s filters', async () => {
    expect(await count('admin', 'by=day')).toEqual({
      by: 'day',
      total: 5,
      buckets: [
        { key: '2016-02-28', count: 1 },
        { key: '2016-03-01', count: 1 },
        { key: '2016-03-02', count: 1 },
        { key: '2016-03-04', count: 1 },
        { key: '2016-03-05', count: 1 },
      ],
    });
    expect((await count('admin', 'by=type')).buckets).toEqual([
      { key: 'shelling', count: 2 },
      { key: 'airstrike', count: 1 },
      { key: 'cross_border_fire', count: 1 },
      { key: 'ground_attack', count: 1 },
    ]);
    const party = await count('admin', 'by=party&type=shelling');
    expect(party.total).toBe(2);
    expect(party.buckets).toEqual(
      expect.arrayContaining([
        { key: demoId('saaf'), count: 2 },
        { key: demoId('jai'), count: 1 },
        { key: demoId('isil'), count: 1 },
      ]),
    );
    expect(party.buckets[0]).toEqual({ key: demoId('saaf'), count: 2 });
    expect((await count('admin', 'by=adm2')).buckets).toEqual(
      expect.arrayContaining([
        { key: 'SY0301', count: 1 },
        { key: null, count: 2 },
      ]),
    );
    expect((await count('public', 'by=adm1')).buckets.map((b: any) => b.key).sort()).toEqual(['SY07', 'SY09']);
  });

  it('refuses an unknown bucket', async () => {
    const res = await t.call('admin', { method: 'GET', url: '/api/v1/incidents/aggregates?by=colour' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('by');
  });
});

describe('the ledger and the stream', () => {
  it('gives an incident’s salt and state to whoever may see it, 404 to the others', async () => {
    for (const role of ROLES) {
      for (const k of ['douma', 'idleb']) {
        const res = await t.call(role, { method: 'GET', url: `/api/v1/entities/incident/${ids[k]}/proof` });
        expect(res.statusCode, `${role} ${k}`).toBe(SEES[role].includes(k) ? 200 : 404);
        if (res.statusCode === 200) expect(res.json().salt).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('tells each principal of desk events only what it may see', async () => {
    const claim = await t.call('secretariat', {
      method: 'POST',
      url: `/api/v1/incidents/${ids.douma}/claims`,
      payload: { partyId: demoId('jai'), claimedAt: '2016-02-28T12:00:00Z', text: 'Shelled by the government' },
    });
    const ev = { type: 'claim', action: 'claim.recorded', id: claim.json().id, at: new Date().toISOString() };
    const incEv = { type: 'incident', action: 'incident.reviewed', id: ids.douma, at: new Date().toISOString() };
    const pubEv = { type: 'incident', action: 'incident.published', id: ids.idleb, at: new Date().toISOString() };
    for (const role of ROLES) {
      const p = principals[role];
      const desk = ['admin', 'cochair', 'secretariat', 'monitor'].includes(role);
      const c = await incidentEventView(t.db, p, ev);
      expect(c === null, `${role} claim`).toBe(!desk); // Jaysh al-Islam's claim: not SAAF's liaison's, unpublished
      if (c) expect(c.incident).toMatchObject({ id: ids.douma });
      const i = await incidentEventView(t.db, p, incEv);
      expect(i === null, `${role} incident`).toBe(!SEES[role].includes('douma'));
      const pub = await incidentEventView(t.db, p, pubEv);
      expect(pub).toMatchObject({ type: 'incident', action: 'incident.published', id: ids.idleb, incident: { id: ids.idleb, status: 'verified' } });
    }
    expect(await incidentEventView(t.db, principals.admin, { ...incEv, id: '3f1d2c7a-0000-4000-8000-000000000000' })).toBeNull();
  });
});
