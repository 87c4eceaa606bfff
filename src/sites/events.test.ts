// Site events, never edits: a site's notifying organisation or the secretariat withdraws it from a
// time on, the secretariat rejects a notification; vetting and replay respect both at the time and
// the data version asked; refusals name the field and change nothing.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { addAgencies, callAs, demoId, snapshot, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
const agencies: Agencies = {};
beforeAll(async () => {
  t = await testApp({ config: { vettingRefreshMs: 0, siteNotificationsPerDay: 3 } });
  await addAgencies(t, agencies, [['ocha1', 'OCHA'], ['ocha2', 'OCHA'], ['wfp', 'WFP'], ['msf', 'MSF'], ['icrc', 'ICRC']]);
});
afterAll(() => t?.close());

type Caller = Role | keyof typeof agencies;
const call = (who: Caller, o: InjectOptions) => callAs(() => t, agencies)(who, o);

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
let spot = 0;
/** A fresh place for each site, far from the demo's and from each other. */
const place = () => [38.2 + 0.05 * (spot % 10), 35.6 + 0.05 * Math.floor(spot++ / 10)];

async function notify(who: Caller, over: Record<string, unknown> = {}) {
  const res = await call(who, { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: 'Field hospital', geometry: { type: 'Point', coordinates: place() }, ...over } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const withdraw = (who: Caller, id: string, payload: Record<string, unknown>) => call(who, { method: 'POST', url: `/api/v1/sites/${id}/withdraw`, payload });
const reject = (who: Caller, id: string, payload: Record<string, unknown>) => call(who, { method: 'POST', url: `/api/v1/sites/${id}/reject`, payload });

async function vet(coordinates: number[], at: number) {
  const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates }, at: iso(at) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const protects = (d: { reasons: { code: string; siteId?: string }[] }, siteId: string) => d.reasons.some((r) => r.code === 'PROTECTED_SITE' && r.siteId === siteId);
const replay = async (id: string) => (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${id}/replay` })).json();

describe('withdrawal', () => {
  it('by another account of the notifying organisation ends protection from its time, not before; replays stay the same', async () => {
    const s = await notify('ocha1');
    const now = Date.now();
    const T = now + 2 * HOUR;
    const early = await vet(s.geometry.coordinates, T - HOUR);
    const late = await vet(s.geometry.coordinates, T + HOUR);
    expect(protects(early, s.id) && protects(late, s.id)).toBe(true);

    const res = await withdraw('ocha2', s.id, { at: iso(T), reason: 'The hospital moves to a new building.' });
    expect(res.statusCode, res.body).toBe(201);
    const w = res.json();
    expect(w).toMatchObject({ id: s.id, status: 'active', events: [{ type: 'withdrawn', at: iso(T), reason: 'The hospital moves to a new building.', recordedBy: agencies.ocha2.accountId, recordedRole: 'agency' }] });
    const proof = await t.call('secretariat', { method: 'GET', url: w.events[0].ledger.proof });
    expect(proof.json().leaf).toMatchObject({ action: 'site.withdrawn', entity: { type: 'site_event', id: w.events[0].id } });
    // the withdrawing organisation can prove it (its salt and state); another organisation and the public learn nothing
    const own = await call('ocha1', { method: 'GET', url: w.events[0].ledger.proof });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ salt: expect.stringMatching(/^[0-9a-f]{64}$/), state: { site_id: s.id, type: 'withdrawn' } });
    for (const who of ['wfp', 'public', 'liaison'] as Caller[]) {
      const other = await call(who, { method: 'GET', url: w.events[0].ledger.proof });
      expect(other.statusCode, `${who}: ${other.body}`).toBe(404);
    }

    expect(protects(await vet(s.geometry.coordinates, T - HOUR), s.id)).toBe(true);
    expect(protects(await vet(s.geometry.coordinates, T), s.id)).toBe(false); // from T on
    expect(protects(await vet(s.geometry.coordinates, T + HOUR), s.id)).toBe(false);
    for (const d of [early, late]) expect(await replay(d.id)).toMatchObject({ same: true });

    // status and lists at a time
    const at = async (ms: number) => (await call('ocha1', { method: 'GET', url: `/api/v1/sites/${s.id}?at=${encodeURIComponent(iso(ms))}` })).json().status;
    expect([await at(T - 1), await at(T), await at(T + HOUR)]).toEqual(['active', 'withdrawn', 'withdrawn']);
    const ids = async (qs: string) => (await call('secretariat', { method: 'GET', url: `/api/v1/sites?limit=1000&${qs}` })).json().features.map((f: any) => f.id);
    expect(await ids(`at=${encodeURIComponent(iso(T - 1))}`)).toContain(s.id);
    expect(await ids(`at=${encodeURIComponent(iso(T))}`)).not.toContain(s.id);
    expect(await ids(`at=${encodeURIComponent(iso(T))}&status=withdrawn`)).toContain(s.id);
    expect(await ids(`at=${encodeURIComponent(iso(T))}&status=all`)).toContain(s.id);
    expect(await ids(`at=${encodeURIComponent(iso(T - 1))}&status=withdrawn`)).not.toContain(s.id);
  });

  it('by the secretariat, from now by default', async () => {
    const s = await notify('wfp');
    const before = Date.now();
    const res = await withdraw('secretariat', s.id, { reason: 'Closed.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('withdrawn');
    expect(Date.parse(res.json().events[0].at)).toBeGreaterThanOrEqual(before - 1000);
    expect(protects(await vet(s.geometry.coordinates, Date.now() + 1000), s.id)).toBe(false);
  });
});

describe('rejection', () => {
  it('removes the site from vetting from its data version on; earlier decisions replay the same', async () => {
    const s = await notify('icrc', { validFrom: '2016-01-01T00:00:00Z' });
    const at = Date.parse('2016-03-01T00:00:00Z');
    const before = await vet(s.geometry.coordinates, at);
    expect(protects(before, s.id)).toBe(true);

    const res = await reject('secretariat', s.id, { reason: 'No such hospital: the coordinates are a barracks.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'rejected', events: [{ type: 'rejected', recordedRole: 'secretariat' }] });
    const proof = await t.call('secretariat', { method: 'GET', url: res.json().events[0].ledger.proof });
    expect(proof.json().leaf).toMatchObject({ action: 'site.rejected', entity: { type: 'site_event' } });

    const after = await vet(s.geometry.coordinates, at);
    expect(after.dataVersion).toBeGreaterThan(before.dataVersion);
    expect(protects(after, s.id)).toBe(false); // at the same time asked: the notification is void
    const r = await replay(before.id);
    expect(r).toMatchObject({ same: true });
    expect(protects(r, s.id)).toBe(true);
    expect(await replay(after.id)).toMatchObject({ same: true });

    // the notifying agency sees the rejection; lists leave it out unless asked for
    expect((await call('icrc', { method: 'GET', url: `/api/v1/sites/${s.id}?at=2016-02-01T00:00:00Z` })).json().status).toBe('rejected');
    const ids = async (qs: string) => (await call('icrc', { method: 'GET', url: `/api/v1/sites?limit=1000&at=2016-03-01T00:00:00Z${qs}` })).json().features.map((f: any) => f.id);
    expect(await ids('')).not.toContain(s.id);
    expect(await ids('&status=rejected')).toEqual([s.id]);
  });

  it('may follow a withdrawal still to come', async () => {
    const s = await notify('secretariat');
    expect((await withdraw('secretariat', s.id, { at: iso(Date.now() + 24 * HOUR), reason: 'Closes tomorrow.' })).statusCode).toBe(201);
    const res = await reject('admin', s.id, { reason: 'Notified in error.' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().events.map((e: any) => e.type)).toEqual(['withdrawn', 'rejected']);
    expect(res.json().status).toBe('rejected');
  });
});

describe('refusals change nothing', () => {
  let s: any;
  let ended: any;
  beforeAll(async () => {
    s = await notify('ocha1', { validFrom: iso(Date.now() + 10 * HOUR), validTo: iso(Date.now() + 100 * HOUR) });
    ended = await notify('msf');
    expect((await reject('secretariat', ended.id, { reason: 'Duplicate.' })).statusCode).toBe(201);
  });
  const UNKNOWN = '3f1d2c7a-0000-4000-8000-000000000000';

  it.each<[string, Caller, 'withdraw' | 'reject', () => string, () => Record<string, unknown>, number, string, string | null]>([
    ['a co-chair withdrawing', 'cochair', 'withdraw', () => s.id, () => ({ reason: 'x' }), 403, 'FORBIDDEN', null],
    ['a liaison withdrawing', 'liaison', 'withdraw', () => s.id, () => ({ reason: 'x' }), 403, 'FORBIDDEN', null],
    ['an agency rejecting', 'ocha1', 'reject', () => s.id, () => ({ reason: 'x' }), 403, 'FORBIDDEN', null],
    ['a co-chair rejecting', 'cochair', 'reject', () => s.id, () => ({ reason: 'x' }), 403, 'FORBIDDEN', null],
    ['another organisation withdrawing', 'wfp', 'withdraw', () => s.id, () => ({ reason: 'x' }), 404, 'NOT_FOUND', 'id'],
    ['an unknown site', 'secretariat', 'withdraw', () => UNKNOWN, () => ({ reason: 'x' }), 404, 'NOT_FOUND', 'id'],
    ['an unknown site, rejected', 'secretariat', 'reject', () => UNKNOWN, () => ({ reason: 'x' }), 404, 'NOT_FOUND', 'id'],
    ['a withdrawal before validFrom', 'ocha2', 'withdraw', () => s.id, () => ({ at: iso(Date.now() + 9 * HOUR), reason: 'x' }), 422, 'INCONSISTENT', 'at'],
    ['a withdrawal at validTo', 'ocha2', 'withdraw', () => s.id, () => ({ at: iso(Date.now() + 100 * HOUR + 1000), reason: 'x' }), 422, 'INCONSISTENT', 'at'],
    ['a back-dated withdrawal', 'secretariat', 'withdraw', () => ended.id, () => ({ at: '2016-03-01T00:00:00Z', reason: 'x' }), 409, 'SITE_ENDED', 'id'],
    ['withdrawing a rejected site', 'msf', 'withdraw', () => ended.id, () => ({ reason: 'x' }), 409, 'SITE_ENDED', 'id'],
    ['rejecting it again', 'secretariat', 'reject', () => ended.id, () => ({ reason: 'x' }), 409, 'SITE_ENDED', 'id'],
    ['no reason', 'secretariat', 'withdraw', () => s.id, () => ({}), 400, 'VALIDATION_FAILED', 'reason'],
    ['a blank reason', 'secretariat', 'reject', () => s.id, () => ({ reason: '   ' }), 400, 'VALIDATION_FAILED', 'reason'],
    ['an unknown field', 'secretariat', 'reject', () => s.id, () => ({ reason: 'x', at: '2016-03-01T00:00:00Z' }), 400, 'VALIDATION_FAILED', 'at'],
    ['a time that is not one', 'secretariat', 'withdraw', () => s.id, () => ({ reason: 'x', at: 'soon' }), 400, 'VALIDATION_FAILED', 'at'],
  ])('%s', async (_n, who, action, id, payload, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await (action === 'withdraw' ? withdraw : reject)(who, id(), payload());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject(field ? { code, field } : { code });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('refuses a withdrawal in the past', async () => {
    const live = await notify('secretariat', { validFrom: '2016-01-01T00:00:00Z' });
    const before = await snapshot(t.db);
    const res = await withdraw('secretariat', live.id, { at: '2016-03-01T00:00:00Z', reason: 'x' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'INCONSISTENT', field: 'at' });
    expect(res.json().detail).toMatch(/in the past/);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('answers an agency asking about a site it may not see exactly as for an unknown id', async () => {
    const strip = (b: any, id: string) => JSON.parse(JSON.stringify({ ...b, instance: undefined, requestId: undefined }).replaceAll(id, '<id>'));
    const hidden = await withdraw('wfp', s.id, { reason: 'x' });
    const unknown = await withdraw('wfp', UNKNOWN, { reason: 'x' });
    expect(hidden.statusCode).toBe(unknown.statusCode);
    expect(strip(hidden.json(), s.id)).toEqual(strip(unknown.json(), UNKNOWN));
  });
});

describe('notifications per organisation and day', () => {
  it('refuses the fourth of an organisation in 24 hours with 429, counting across its accounts; the secretariat is not bound', async () => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'agency unhcr2', role: 'agency', organisation: 'UNHCR' } });
    const other = res.json().token;
    const unhcr = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'agency unhcr1', role: 'agency', organisation: 'UNHCR' } })).json().token;
    const post = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/sites', headers: { authorization: `Bearer ${token}` }, payload: { kind: 'shelter', name: 'Camp', geometry: { type: 'Point', coordinates: place() } } });
    for (const token of [unhcr, other, unhcr]) expect((await post(token)).statusCode).toBe(201);
    const before = await snapshot(t.db);
    const refused = await post(other);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', field: 'organisation', limit: 3 });
    expect(await snapshot(t.db)).toBe(before);
    for (let i = 0; i < 4; i++) await notify('secretariat');
  });
});
