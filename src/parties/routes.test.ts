import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { DEMO_TERMS_ID } from '../demo/syria2016.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const newParty = (over: Record<string, unknown> = {}, tag = Math.random().toString(36).slice(2)) => ({
  name: `Party ${tag}`,
  aliases: [`فصيل ${tag}`, `Faction ${tag}`], // the same alias on two parties is a look-alike (409)
  kind: 'non_state_armed_group',
  homeState: 'SYR',
  operatesIn: ['SYR'],
  ...over,
});

async function create(over: Record<string, unknown> = {}) {
  const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: newParty(over) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const commit = (id: string, body: Record<string, unknown>, role: 'secretariat' | 'cochair' = 'secretariat') =>
  t.call(role, { method: 'POST', url: `/api/v1/parties/${id}/commitments`, payload: { viaPartyId: demoId('usa'), ...body } });

describe('POST /api/v1/parties', () => {
  it('creates a party with aliases in any script and answers 201 with its id', async () => {
    const p = await create({ name: 'Liwa Test', aliases: ['لواء الاختبار', 'Test Brigade'] });
    expect(p).toMatchObject({ name: 'Liwa Test', aliases: ['لواء الاختبار', 'Test Brigade'], kind: 'non_state_armed_group', homeState: 'SYR', status: 'not_committed', history: [] });
    expect(p.id).toMatch(/^[0-9a-f-]{36}$/);
    const got = await t.call('analyst', { method: 'GET', url: `/api/v1/parties/${p.id}` });
    expect(got.json().name).toBe('Liwa Test');
  });

  it('defaults aliases, operatesIn, homeState and designation', async () => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/parties', payload: { name: 'Minimal', kind: 'other' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ aliases: [], operatesIn: [], homeState: null, designation: { designated: false, basis: null, since: null } });
  });

  it.each([
    ['missing name', { name: undefined }, 'name', 'is required'],
    ['empty name', { name: '' }, 'name', 'must NOT have fewer than 1 characters'],
    ['name of the wrong type', { name: 42 }, 'name', 'must be string'],
    ['unknown kind', { kind: 'militia' }, 'kind', 'must be one of'],
    ['home state not alpha-3', { homeState: 'SY' }, 'homeState', 'must match pattern'],
    ['home state not a country', { homeState: 'XXX' }, 'homeState', 'not an ISO 3166-1 alpha-3'],
    ['operatesIn with a non-country', { operatesIn: ['SYR', 'QQQ'] }, 'operatesIn.1', 'not an ISO 3166-1 alpha-3'],
    ['aliases not an array', { aliases: 'x' }, 'aliases', 'must be array'],
    ['designated as a string', { designation: { designated: 'true' } }, 'designation.designated', 'must be boolean'],
    ['designation since not ISO', { designation: { designated: true, since: '26/02/2016' } }, 'designation.since', 'ISO 8601'],
    ['unknown field', { colour: 'red' }, 'colour', 'not a known field'],
    ['a name of spaces', { name: '   ' }, 'name', 'must contain at least one letter or digit'],
    ['a lone surrogate in a name', { name: 'Liwa \ud800' }, 'name', 'lone UTF-16 surrogate'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_n, over, field, reason) => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: newParty(over) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: any) => e.field)).toContain(field);
    expect(JSON.stringify(body.errors)).toContain(reason);
    expect(await snapshot(t.db)).toBe(before);
  });

  it.each([
    ['spaces around', 'Hezbollah  '],
    ['another Unicode form', 'Cafe\u0301 Brigade'],
  ])('treats a name with %s as the same name', async (_n, name) => {
    if (name.startsWith('Cafe')) await create({ name: 'Café Brigade' });
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: newParty({ name }) });
    expect(res.statusCode).toBe(409);
  });

  it('refuses a second party of the same name (any case) with 409', async () => {
    const before = await snapshot(t.db);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: newParty({ name: 'isil' }) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'DUPLICATE', field: 'name', existingId: demoId('isil') });
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('GET /api/v1/parties', () => {
  it('gives every demo party its status at a time', async () => {
    const status = async (at: string) => {
      const res = await t.call('public', { method: 'GET', url: `/api/v1/parties?at=${at}&limit=500` });
      expect(res.statusCode).toBe(200);
      return Object.fromEntries(res.json().items.map((p: any) => [p.name, p.status]));
    };
    const before = await status('2016-02-20T00:00:00Z');
    expect(before).toMatchObject({ 'Syrian Arab Armed Forces': 'not_committed', ISIL: 'designated', 'Jabhat al-Nusra': 'designated' });
    const after = await status('2016-03-01T00:00:00Z');
    expect(after).toMatchObject({
      'Syrian Arab Armed Forces': 'committed',
      'Russian Aerospace Forces': 'committed',
      'US-led Coalition (CJTF-OIR)': 'committed',
      'Turkish Armed Forces': 'committed',
      'Free Syrian Army (Southern Front)': 'committed',
      'Syrian Democratic Forces': 'committed',
      'Ahrar al-Sham': 'not_committed',
      ISIL: 'designated',
      'Jabhat al-Nusra': 'designated',
    });
    expect(await status('2013-01-01T00:00:00Z')).toMatchObject({ ISIL: 'not_committed' }); // before its designation
  });

  it('pages by cursor without gaps or repeats, in every sort order', async () => {
    for (const sort of ['name', '-name', 'createdAt', '-createdAt', 'status', 'kind']) {
      const all = (await t.call('admin', { method: 'GET', url: `/api/v1/parties?limit=500&sort=${sort}` })).json().items.map((p: any) => p.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.call('admin', { method: 'GET', url: `/api/v1/parties?limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}` });
        expect(res.statusCode).toBe(200);
        paged.push(...res.json().items.map((p: any) => p.id));
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    const names = (await t.call('admin', { method: 'GET', url: '/api/v1/parties?limit=500&sort=-name' })).json().items.map((p: any) => p.name.toLowerCase());
    expect(names).toEqual([...names].sort().reverse());
  });

  it('filters by status, kind and name or alias', async () => {
    const get = async (qs: string) => (await t.call('monitor', { method: 'GET', url: `/api/v1/parties?limit=500&${qs}` })).json().items.map((p: any) => p.name);
    expect((await get('status=designated&at=2016-03-01T00:00:00Z')).sort()).toEqual(['ISIL', 'Jabhat al-Nusra']);
    expect(await get('kind=coalition')).toEqual(['US-led Coalition (CJTF-OIR)']);
    expect(await get('q=%D8%AF%D8%A7%D8%B9%D8%B4')).toEqual(['ISIL']); // داعش
    expect(await get('q=islamic%20state')).toEqual(['ISIL']);
    expect((await get('q=daesh')).sort()).toEqual(['ISIL', 'US-led Coalition (CJTF-OIR)']);
  });

  it.each([
    ['at=yesterday', 'at'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['sort=colour', 'sort'],
    ['status=asleep', 'status'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('refuses the query %s naming %s', async (qs, field) => {
    const res = await t.call('admin', { method: 'GET', url: `/api/v1/parties?${qs}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await t.call('admin', { method: 'GET', url: '/api/v1/parties/3f1d2c7a-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const bad = await t.call('admin', { method: 'GET', url: '/api/v1/parties/42' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('id');
  });
});

describe('PATCH /api/v1/parties/{id}', () => {
  it('designates a party from a time, which changes its status from then on', async () => {
    const p = await create();
    expect((await commit(p.id, { type: 'committed', at: '2016-02-25T00:00:00Z' })).statusCode).toBe(201);
    const res = await t.call('secretariat', {
      method: 'PATCH',
      url: `/api/v1/parties/${p.id}`,
      payload: { designation: { designated: true, basis: 'UNSC listing', since: '2016-06-01T00:00:00Z' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().designation).toEqual({ designated: true, basis: 'UNSC listing', since: '2016-06-01T00:00:00.000Z' });
    const at = (iso: string) => t.call('analyst', { method: 'GET', url: `/api/v1/parties/${p.id}?at=${iso}` }).then((r) => r.json().status);
    expect(await at('2016-03-01T00:00:00Z')).toBe('committed');
    expect(await at('2016-07-01T00:00:00Z')).toBe('designated');
  });

  it('keeps the past: a designation change takes effect from now unless given a time', async () => {
    const at = (iso: string) => t.call('analyst', { method: 'GET', url: `/api/v1/parties/${demoId('isil')}?at=${iso}` }).then((r) => r.json());
    const res = await t.call('secretariat', { method: 'PATCH', url: `/api/v1/parties/${demoId('isil')}`, payload: { designation: { designated: false } } });
    expect(res.statusCode).toBe(200);
    expect((await at('2016-03-01T00:00:00Z')).status).toBe('designated');
    const now = await at(new Date(Date.now() + 1000).toISOString());
    expect(now.status).toBe('not_committed');
    expect(now.designations.map((d: any) => d.designated)).toEqual([true, false]);
    await t.call('secretariat', { method: 'PATCH', url: `/api/v1/parties/${demoId('isil')}`, payload: { designation: { designated: true, basis: 'relisted' } } });
  });

  it('refuses to designate a co-chair, and lets no co-chair edit parties', async () => {
    const res = await t.call('secretariat', { method: 'PATCH', url: `/api/v1/parties/${demoId('usa')}`, payload: { designation: { designated: true } } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INCONSISTENT', field: 'designation.designated' });
    expect((await t.call('cochair', { method: 'PATCH', url: `/api/v1/parties/${demoId('tsk')}`, payload: { aliases: [] } })).statusCode).toBe(403);
  });

  it('refuses an empty patch and an unknown party', async () => {
    const p = await create();
    expect((await t.call('admin', { method: 'PATCH', url: `/api/v1/parties/${p.id}`, payload: {} })).statusCode).toBe(400);
    const res = await t.call('admin', { method: 'PATCH', url: '/api/v1/parties/3f1d2c7a-0000-4000-8000-000000000000', payload: { aliases: [] } });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /api/v1/parties/{id}/commitments', () => {
  it('records events in order and derives the status and history from them', async () => {
    const p = await create();
    const steps = [
      ['committed', '2016-02-25T10:00:00Z'],
      ['suspended', '2016-03-05T10:00:00Z'],
      ['reinstated', '2016-03-09T10:00:00Z'],
      ['withdrawn', '2016-04-20T10:00:00Z'],
    ];
    for (const [type, at] of steps) {
      const res = await commit(p.id, { type, at, note: `${type} by letter` });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ type, partyId: p.id, termsId: DEMO_TERMS_ID, viaPartyId: demoId('usa'), late: false });
    }
    const d = (await t.call('liaison', { method: 'GET', url: `/api/v1/parties/${p.id}?at=2016-03-06T00:00:00Z` })).json();
    expect(d.status).toBe('suspended');
    expect(d.history.map((h: any) => h.type)).toEqual(['committed', 'suspended', 'reinstated', 'withdrawn']);
    const now = (await t.call('liaison', { method: 'GET', url: `/api/v1/parties/${p.id}` })).json();
    expect(now.status).toBe('withdrawn');
    const first = (await t.call('public', { method: 'GET', url: `/api/v1/parties/${p.id}/commitments?limit=3&sort=-at` })).json();
    expect(first.items.map((h: any) => h.type)).toEqual(['withdrawn', 'reinstated', 'suspended']);
    const rest = (await t.call('public', { method: 'GET', url: `/api/v1/parties/${p.id}/commitments?limit=3&sort=-at&cursor=${first.nextCursor}` })).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ type: 'committed' })], nextCursor: null });
  });

  it('accepts a commitment after the deadline and marks it late', async () => {
    const p = await create();
    const res = await commit(p.id, { type: 'committed', at: '2016-02-26T12:00:01+02:00' });
    expect(res.statusCode).toBe(201);
    expect(res.json().late).toBe(true);
    const onTime = await create();
    expect((await commit(onTime.id, { type: 'committed', at: '2016-02-26T12:00:00+02:00' })).json().late).toBe(false);
  });

  it.each([
    ['a designated party commits', () => demoId('isil'), { type: 'committed', at: '2016-02-25T00:00:00Z' }, 409, 'PARTY_DESIGNATED', 'type'],
    ['a committed party commits again', () => demoId('saaf'), { type: 'committed', at: '2016-03-01T00:00:00Z' }, 409, 'INVALID_TRANSITION', 'type'],
    ['an uncommitted party withdraws', () => demoId('ahrar'), { type: 'withdrawn', at: '2016-03-01T00:00:00Z' }, 409, 'INVALID_TRANSITION', 'type'],
    ['a back-dated event breaks a later one', () => demoId('saaf'), { type: 'withdrawn', at: '2016-02-23T00:00:00Z' }, 409, 'INVALID_TRANSITION', 'type'],
    ['dated before the terms were announced', () => demoId('ahrar'), { type: 'committed', at: '2016-02-21T00:00:00Z' }, 422, 'INCONSISTENT', 'at'],
    ['dated in the future', () => demoId('ahrar'), { type: 'committed', at: '2199-01-01T00:00:00Z' }, 422, 'INCONSISTENT', 'at'],
    ['dated at a leap second', () => demoId('ahrar'), { type: 'committed', at: '2016-12-31T23:59:60Z' }, 400, 'VALIDATION_FAILED', 'at'],
    ['a designated party commits back-dated to before its listing', () => demoId('isil'), { type: 'committed', at: '2014-01-01T00:00:00Z' }, 422, 'INCONSISTENT', 'at'],
    ['through a party that is no co-chair', () => demoId('ahrar'), { type: 'committed', at: '2016-03-01T00:00:00Z', viaPartyId: demoId('tsk') }, 422, 'NOT_A_COCHAIR', 'viaPartyId'],
    ['through an unknown party', () => demoId('ahrar'), { type: 'committed', at: '2016-03-01T00:00:00Z', viaPartyId: '3f1d2c7a-0000-4000-8000-000000000000' }, 422, 'UNKNOWN_REFERENCE', 'viaPartyId'],
    ['to unknown terms', () => demoId('ahrar'), { type: 'committed', at: '2016-03-01T00:00:00Z', termsId: '3f1d2c7a-0000-4000-8000-000000000000' }, 422, 'UNKNOWN_REFERENCE', 'termsId'],
    ['of an unknown type', () => demoId('ahrar'), { type: 'accepted', at: '2016-03-01T00:00:00Z' }, 400, 'VALIDATION_FAILED', 'type'],
    ['without a time', () => demoId('ahrar'), { type: 'committed', at: undefined }, 400, 'VALIDATION_FAILED', 'at'],
    ['for an unknown party', () => '3f1d2c7a-0000-4000-8000-000000000000', { type: 'committed', at: '2016-03-01T00:00:00Z' }, 404, 'NOT_FOUND', 'id'],
  ])('refuses it when %s, changing nothing', async (_n, id, body, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await commit(id(), body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(res.json().detail.length).toBeGreaterThan(10);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('lets a co-chair record only through its own channel', async () => {
    const p = await create();
    const other = await commit(p.id, { type: 'committed', at: '2016-02-25T00:00:00Z', viaPartyId: demoId('rus') }, 'cochair');
    expect(other.statusCode).toBe(403);
    const own = await commit(p.id, { type: 'committed', at: '2016-02-25T00:00:00Z' }, 'cochair');
    expect(own.statusCode).toBe(201);
  });

  it('serialises concurrent events of one party: exactly one of two commitments wins', async () => {
    const p = await create();
    const res = await Promise.all([3, 4, 5, 6].map((i) => commit(p.id, { type: 'committed', at: `2016-02-2${i}T00:00:00Z` })));
    expect(res.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
  });
});
