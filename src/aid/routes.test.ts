// Humanitarian access end to end on the real app and database (PGlite, or PostgreSQL with
// TRUCE_TEST_DATABASE_URL): approvals computed from OCHA geometry, the corridor in strike vetting
// and its replay, a block filed on the desk, territory changes during the wait, refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgencies, callAs, demoId, snapshot, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
const agencies: Agencies = {};
const as = callAs(() => t, agencies);
const H = 3_600_000;
const now = Date.now();
// Damascus (in SY010000) to Madaya (SY030703), through Rural Damascus
const ROUTE = { type: 'LineString', coordinates: [[36.2913, 33.5102], [36.22, 33.56], [36.15, 33.64], [36.0963, 33.6901]] };
const MID = [36.22, 33.56];
const WINDOW = { from: new Date(now - 2 * H).toISOString(), to: new Date(now + 48 * H).toISOString() };
let madaya: string;

const vet = async (at: string) => {
  const res = await t.call('admin', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: { type: 'Point', coordinates: MID }, at } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; reasons: { code: string }[]; dataVersion: number };
};
const codes = (v: { reasons: { code: string }[] }) => v.reasons.map((r) => r.code);
const request = async (who: string, body: Record<string, unknown> = {}) =>
  as(who, { method: 'POST', url: '/api/v1/convoys', payload: { originName: 'Damascus', destinationAreaId: madaya, route: ROUTE, window: WINDOW, cargo: [{ category: 'food', item: 'wheat flour', quantity: 20, unit: 't' }, { category: 'medical', quantity: 40, unit: 'kits' }], peopleToReach: 40000, ...body } });
const answer = (who: string, id: string, party: string, body: Record<string, unknown>) => as(who, { method: 'POST', url: `/api/v1/convoys/${id}/approvals/${party}`, payload: body });
const territory = (party: string, pcodes: string[], validFrom = '2016-02-27T00:00:00Z') =>
  t.call('admin', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: demoId(party), pcodes, validFrom, source: 'aid test' } });
const ledgerSize = async () => (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size as number;

/** Waits for the background recompute after a territory change. */
async function until<T>(fn: () => Promise<T>, ok: (x: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const x = await fn();
    if (ok(x)) return x;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

beforeAll(async () => {
  t = await testApp();
  await addAgencies(t, agencies, [['wfp', 'WFP'], ['unicef', 'UNICEF']]);
  // the government holds Damascus, the NDF Rural Damascus; ISIL the east, which the route never meets
  for (const [p, codes] of [['saaf', ['SY01']], ['ndf', ['SY03']], ['isil', ['SY09']]] as const) expect((await territory(p, [...codes])).statusCode).toBe(201);
  const res = await t.call('secretariat', {
    method: 'POST',
    url: '/api/v1/besieged-areas',
    payload: { name: 'Madaya', pcodes: ['SY030703'], population: { count: 40000, asOf: '2016-01-15', source: 'test figure' }, besiegingPartyIds: [demoId('hzb')], status: 'besieged', since: '2015-07-01' },
  });
  expect(res.statusCode, res.body).toBe(201);
  madaya = res.json().id;
  expect(res.json()).toMatchObject({ status: 'besieged', pcodes: ['SY030703'], geometry: { type: 'Polygon' }, besiegingPartyIds: [demoId('hzb')], lastDeliveryAt: null });
}, 120_000);
afterAll(() => t?.close());

describe('a convoy from Damascus to Madaya', () => {
  let id: string;
  it('needs exactly the two parties whose ground it crosses and the besieger', async () => {
    const res = await request('wfp');
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    id = c.id;
    expect(c).toMatchObject({ state: 'requested', agency: 'WFP', view: 'full' });
    expect(c.approvals.map((a: { partyId: string; reason: string; status: string }) => [a.partyId, a.reason, a.status]).sort()).toEqual(
      [[demoId('saaf'), 'territory', 'pending'], [demoId('ndf'), 'territory', 'pending'], [demoId('hzb'), 'besieger', 'pending']].sort(),
    );
    expect(c.history.map((h: { type: string }) => h.type)).toEqual(['requested', 'approval_added', 'approval_added', 'approval_added']);
  });

  it('is seen by its agency, the task force and the liaisons asked; not by another agency yet', async () => {
    expect((await as('unicef', { method: 'GET', url: `/api/v1/convoys/${id}` })).statusCode).toBe(404);
    expect((await as('unicef', { method: 'GET', url: '/api/v1/convoys' })).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await as('liaison', { method: 'GET', url: `/api/v1/convoys/${id}` })).json().view).toBe('full'); // saaf's liaison: asked
    expect((await as('monitor', { method: 'GET', url: `/api/v1/convoys/${id}` })).json().cargo).toHaveLength(2);
    expect((await as('public', { method: 'GET', url: `/api/v1/convoys/${id}` })).statusCode).toBe(403);
  });

  it('takes answers only from the party’s liaison or a co-chair; the same answer twice adds no leaf', async () => {
    const before = await snapshot(t.db);
    const other = await answer('liaison', id, demoId('ndf'), { status: 'granted' });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'FORBIDDEN', field: 'partyId' });
    expect(await snapshot(t.db)).toBe(before);
    const ok = await answer('liaison', id, demoId('saaf'), { status: 'granted', conditions: 'Inspection at the last checkpoint' });
    expect(ok.statusCode, ok.body).toBe(200);
    const size = await ledgerSize();
    const again = await answer('liaison', id, demoId('saaf'), { status: 'granted', conditions: 'Inspection at the last checkpoint' });
    expect(again.statusCode).toBe(200);
    expect(await ledgerSize()).toBe(size);
    expect(again.json().approvals.find((a: { partyId: string }) => a.partyId === demoId('saaf'))).toMatchObject({ status: 'granted', conditions: 'Inspection at the last checkpoint' });
  });

  let before: { id: string; dataVersion: number; reasons: { code: string }[] };
  it('is no corridor while it waits, and one once every party granted', async () => {
    before = await vet(new Date(now).toISOString());
    expect(codes(before)).not.toContain('AID_CORRIDOR');
    expect((await answer('cochair', id, demoId('hzb'), { status: 'denied', reason: 'Not now' })).json().approvals.find((a: { partyId: string }) => a.partyId === demoId('hzb'))).toMatchObject({ status: 'denied', denialReason: 'Not now' });
    await answer('cochair', id, demoId('hzb'), { status: 'granted' });
    const last = await answer('cochair', id, demoId('ndf'), { status: 'granted' });
    expect(last.json().state).toBe('approved');
    expect(last.json().history.at(-1).type).toBe('approved');
    const v = await vet(new Date(now).toISOString());
    expect(codes(v)).toContain('AID_CORRIDOR');
    expect(v.reasons.find((r) => r.code === 'AID_CORRIDOR')).toMatchObject({ code: 'AID_CORRIDOR', corridorId: id });
    // outside the window it protects nothing
    expect(codes(await vet(new Date(now + 72 * H).toISOString()))).not.toContain('AID_CORRIDOR');
    // and another agency now sees its route (not its cargo)
    const seen = (await as('unicef', { method: 'GET', url: `/api/v1/convoys/${id}` })).json();
    expect(seen).toMatchObject({ view: 'route', cargo: [], approvals: [], route: ROUTE });
  });

  it('stops being one when cancelled; a replay at the older version still shows it', async () => {
    const approvedVetting = await vet(new Date(now).toISOString());
    expect(codes(approvedVetting)).toContain('AID_CORRIDOR');
    const res = await as('wfp', { method: 'POST', url: `/api/v1/convoys/${id}/cancel`, payload: { reason: 'Road closed' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('cancelled');
    expect(codes(await vet(new Date(Date.now() + H).toISOString()))).not.toContain('AID_CORRIDOR');
    const replay = (await t.call('admin', { method: 'GET', url: `/api/v1/vetting/${approvedVetting.id}/replay` })).json();
    expect(replay.same).toBe(true);
    expect(replay.reasons.map((r: { code: string }) => r.code)).toContain('AID_CORRIDOR');
    const old = (await t.call('admin', { method: 'GET', url: `/api/v1/vetting/${before.id}/replay` })).json();
    expect(old.reasons.map((r: { code: string }) => r.code)).not.toContain('AID_CORRIDOR');
  });
});

describe('the life of a convoy', () => {
  const approve = async (cid: string) => {
    await answer('liaison', cid, demoId('saaf'), { status: 'granted' });
    await answer('cochair', cid, demoId('ndf'), { status: 'granted' });
    return (await answer('cochair', cid, demoId('hzb'), { status: 'granted' })).json();
  };

  it('blocked at a checkpoint: a siege_or_aid_denial report on the desk, linked both ways', async () => {
    const c = (await request('wfp')).json();
    expect((await approve(c.id)).state).toBe('approved');
    expect((await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/dispatch`, payload: {} })).json().state).toBe('dispatched');
    const res = await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/block`, payload: { where: { type: 'Point', coordinates: [36.1, 33.68] }, byPartyId: demoId('hzb'), reason: 'Turned back at the checkpoint' } });
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b.state).toBe('blocked');
    expect(b.reportIds).toHaveLength(1);
    expect(b.history.at(-1)).toMatchObject({ type: 'blocked', reportId: b.reportIds[0] });
    const rep = (await t.call('admin', { method: 'GET', url: `/api/v1/reports/${b.reportIds[0]}` })).json();
    expect(rep).toMatchObject({ eventType: 'siege_or_aid_denial', perpetratorPartyIds: [demoId('hzb')] });
    expect(rep.text).toContain(c.id);
    expect(rep.sources).toEqual([{ description: `Aid convoy /api/v1/convoys/${c.id}` }]); // the report's way back to its convoy
  });

  it('delivered with cargo removed: partially delivered, a report, the area’s last delivery', async () => {
    const c = (await request('wfp')).json();
    await approve(c.id);
    await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/dispatch`, payload: {} });
    const before = await snapshot(t.db);
    const tooMuch = await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/deliver`, payload: { removed: [{ category: 'medical', quantity: 41, unit: 'kits', byPartyId: demoId('saaf') }] } });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({ code: 'CARGO_EXCEEDED', field: 'removed.0.quantity' });
    expect(await snapshot(t.db)).toBe(before);
    const res = await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/deliver`, payload: { removed: [{ category: 'medical', quantity: 10, unit: 'kits', byPartyId: demoId('saaf') }] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'partially_delivered', reportIds: [expect.any(String)] });
    const area = (await t.call('public', { method: 'GET', url: `/api/v1/besieged-areas/${madaya}` })).json();
    expect(area.lastDeliveryAt).not.toBeNull();
    expect(area.daysSinceLastDelivery).toBe(0);
  });

  it('refuses a step that does not follow (409), another agency’s hand (403), and stores nothing', async () => {
    const c = (await request('wfp')).json();
    const before = await snapshot(t.db);
    const deliver = await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/deliver`, payload: {} });
    expect(deliver.statusCode).toBe(409);
    expect(deliver.json()).toMatchObject({ code: 'CONVOY_TRANSITION', field: 'state' });
    expect((await as('wfp', { method: 'POST', url: `/api/v1/convoys/${c.id}/dispatch`, payload: {} })).statusCode).toBe(409);
    expect((await as('unicef', { method: 'POST', url: `/api/v1/convoys/${c.id}/cancel`, payload: { reason: 'x' } })).statusCode).toBe(404); // unseen while waiting
    await approve(c.id);
    const mid = await snapshot(t.db);
    expect((await as('unicef', { method: 'POST', url: `/api/v1/convoys/${c.id}/cancel`, payload: { reason: 'x' } })).statusCode).toBe(403); // seen, not its own
    expect(await snapshot(t.db)).toBe(mid);
    expect(before).not.toBe(mid);
  });

  it.each([
    ['a route that is not a LineString', { route: { type: 'Point', coordinates: [36.3, 33.5] } }, 400, 'route.type'],
    ['a route that crosses itself', { route: { type: 'LineString', coordinates: [[36.0, 33.5], [36.2, 33.7], [36.2, 33.5], [36.0, 33.7]] } }, 422, 'route.coordinates.2'],
    ['a window that ends before it starts', { window: { from: WINDOW.to, to: WINDOW.from } }, 422, 'window.to'],
    ['an unknown destination', { destinationAreaId: '00000000-0000-4000-8000-000000000000' }, 422, 'destinationAreaId'],
    ['an agency naming another organisation', { agency: 'UNICEF' }, 403, 'agency'],
  ])('refuses %s, naming the field, storing nothing', async (_n, body, status, field) => {
    const before = await snapshot(t.db);
    const res = await request('wfp', body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().field).toBe(field);
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('a territory change during the wait', () => {
  it('adds and drops approvals and says so in the convoy’s history', async () => {
    const c = (await request('wfp')).json();
    expect(c.approvals).toHaveLength(3);
    // the Free Syrian Army takes Rural Damascus from the NDF (the NDF's next version lies in the east)
    expect((await territory('fsa', ['SY03'], '2016-03-01T00:00:00Z')).statusCode).toBe(201);
    const added = await until(
      async () => (await as('wfp', { method: 'GET', url: `/api/v1/convoys/${c.id}` })).json(),
      (x) => x.approvals.some((a: { partyId: string }) => a.partyId === demoId('fsa')),
    );
    expect(added.history.at(-1)).toMatchObject({ type: 'approval_added' });
    expect(added.history.at(-1).detail).toMatch(/^Territory changed/);
    expect((await territory('ndf', ['SY09'], '2016-03-01T00:00:00Z')).statusCode).toBe(201);
    const dropped = await until(
      async () => (await as('wfp', { method: 'GET', url: `/api/v1/convoys/${c.id}` })).json(),
      (x) => !x.approvals.some((a: { partyId: string }) => a.partyId === demoId('ndf')),
    );
    expect(dropped.history.some((h: { type: string; detail: string }) => h.type === 'approval_dropped' && /National Defence Forces/.test(h.detail))).toBe(true);
    expect(dropped.approvals.map((a: { partyId: string }) => a.partyId).sort()).toEqual([demoId('saaf'), demoId('fsa'), demoId('hzb')].sort());
  });
});

describe('besieged areas and figures', () => {
  it('are published to every role', async () => {
    for (const role of ['public', 'analyst', 'liaison'] as const) {
      expect((await t.call(role, { method: 'GET', url: '/api/v1/besieged-areas' })).json().items.map((a: { id: string }) => a.id)).toContain(madaya);
      expect((await t.call(role, { method: 'GET', url: '/api/v1/aid/figures' })).statusCode).toBe(200);
    }
  });

  it('a status is an event: lifted from a time on, the same status again refused', async () => {
    const res = await t.call('secretariat', { method: 'POST', url: `/api/v1/besieged-areas/${madaya}/status`, payload: { status: 'besieged', at: '2016-02-01', reason: 'still' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().field).toBe('status');
  });

  it('refuses an area with both a geometry and P-codes, or an unknown P-code', async () => {
    const before = await snapshot(t.db);
    const base = { name: 'X', population: { count: 1, asOf: '2016-01-01', source: 's' }, besiegingPartyIds: [], status: 'besieged', since: '2016-01-01' };
    const a = await t.call('secretariat', { method: 'POST', url: '/api/v1/besieged-areas', payload: { ...base, pcodes: ['SY999999'] } });
    expect(a.json()).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'pcodes.0' });
    const b = await t.call('secretariat', { method: 'POST', url: '/api/v1/besieged-areas', payload: { ...base } });
    expect(b.statusCode).toBe(400);
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('the live stream', () => {
  it('names the convoy of a convoy event to who may read it, and to nobody else', async () => {
    const { viewEvent } = await import('../events/views.ts');
    const c = (await request('wfp')).json();
    const size = await ledgerSize();
    const items = (await t.call('admin', { method: 'GET', url: `/api/v1/ledger/entries?start=${size - 3}&end=${size}` })).json().items as { seq: number; action: string; entity: { type: string; id: string } }[];
    const leaf = items.filter((x) => x.entity.type === 'convoy_event').at(-1)!;
    const e = { index: leaf.seq, type: 'convoy_event' as const, action: leaf.action, id: leaf.entity.id, at: new Date().toISOString() };
    const p = (role: string, accountId: string, partyId: string | null = null) => ({ accountId, name: role, role: role as never, partyId, via: 'token' as const });
    expect(await viewEvent(t.db, p('agency', agencies.wfp.accountId), e)).toMatchObject({ convoyId: c.id });
    expect(await viewEvent(t.db, p('agency', agencies.unicef.accountId), e)).toBe(null);
    expect(await viewEvent(t.db, p('public', agencies.unicef.accountId), e)).toBe(null);
  });
});
