// The investigation desk through the API: review, merge and split, claims, requests for
// information and answers, determinations with concurrence, publication; each a ledger leaf.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, problemsAfterTampering, snapshot, testApp, TEST_LEDGER_KEY, type TestApp } from '../../test/support/app.ts';
import { fileReport } from '../../test/support/desk.ts';
import { loadLedgerKey } from '../ledger/keys.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { verifySnapshot } from '../ledger/verify.ts';
import { requestInfo } from './service.ts';

let t: TestApp;
let rusCochair: string;
let jaiLiaison: string;
beforeAll(async () => {
  t = await testApp();
  const token = async (role: string, partyId: string) => (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: `${role} ${partyId}`, role, partyId } })).json().token;
  rusCochair = await token('cochair', demoId('rus'));
  jaiLiaison = await token('liaison', demoId('jai'));
});
afterAll(() => t?.close());

const as = (token: string, o: InjectOptions) => t.app.inject({ ...o, headers: { authorization: `Bearer ${token}`, ...o.headers } });
const get = (role: Parameters<TestApp['call']>[0], id: string) => t.call(role, { method: 'GET', url: `/api/v1/incidents/${id}` });
const post = (role: Parameters<TestApp['call']>[0], url: string, payload: object) => t.call(role, { method: 'POST', url: `/api/v1${url}`, payload });
const review = (id: string, payload: object, role: Parameters<TestApp['call']>[0] = 'secretariat') => post(role, `/incidents/${id}/review`, payload);
const leaves = async () => (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size as number;

/** An incident reviewed to "verified", about SAAF shelling Jaysh al-Islam. */
async function verified(over: Parameters<typeof fileReport>[1] = {}) {
  const { incidentId } = await fileReport(t.db, { perpetrators: [demoId('saaf')], targets: [demoId('jai')], ...over });
  expect((await review(incidentId, { status: 'under_review', reasoning: 'Opened' })).statusCode).toBe(200);
  expect((await review(incidentId, { status: 'verified', grade: 'fair', reasoning: 'Two sources' })).statusCode).toBe(200);
  return incidentId;
}

describe('review', () => {
  it('walks reported → under_review → verified and back, each step in the history and the ledger', async () => {
    const { incidentId: id } = await fileReport(t.db);
    expect((await get('monitor', id)).json()).toMatchObject({ status: 'reported', grade: null, reportCount: 1 });
    const before = await leaves();
    const opened = await review(id, { status: 'under_review', reasoning: 'Opening the file' }, 'monitor');
    expect(opened.statusCode, opened.body).toBe(200);
    expect(await leaves()).toBe(before + 2); // the event and the incident
    const done = await review(id, { status: 'verified', grade: 'confirmed', reasoning: 'The party accepted responsibility' });
    expect(done.json()).toMatchObject({ status: 'verified', grade: 'confirmed', reasoning: 'The party accepted responsibility' });
    const again = await review(id, { status: 'under_review', reasoning: 'New footage' }, 'admin');
    expect(again.json()).toMatchObject({ status: 'under_review', grade: null });
    const h = again.json().history;
    expect(h.map((x: any) => [x.type, x.status, x.grade])).toEqual([
      ['review', 'under_review', null],
      ['review', 'verified', 'confirmed'],
      ['review', 'under_review', null],
    ]);
    expect(h[0].by).toMatchObject({ role: 'monitor' });
    const proof = await t.call('monitor', { method: 'GET', url: `/api/v1/entities/incident/${id}/proof` });
    expect(proof.statusCode).toBe(200);
    expect(proof.json().state).toMatchObject({ status: 'under_review' });
  });

  it.each([
    ['skipping review', [], { status: 'verified', grade: 'fair', reasoning: 'x' }, 409, 'INCIDENT_TRANSITION', 'status'],
    ['a grade that does not fit', [{ status: 'under_review', reasoning: 'x' }], { status: 'verified', grade: 'weak', reasoning: 'x' }, 422, 'INCONSISTENT', 'grade'],
    ['a decision without a grade', [{ status: 'under_review', reasoning: 'x' }], { status: 'disputed', reasoning: 'x' }, 422, 'INCONSISTENT', 'grade'],
    ['a grade while under review', [], { status: 'under_review', grade: 'weak', reasoning: 'x' }, 422, 'INCONSISTENT', 'grade'],
    ['an unknown status', [], { status: 'closed', reasoning: 'x' }, 400, 'VALIDATION_FAILED', 'status'],
    ['no reasoning', [], { status: 'under_review', reasoning: '   ' }, 400, 'VALIDATION_FAILED', 'reasoning'],
  ])('refuses %s, changing nothing', async (_n, steps, body, status, code, field) => {
    const { incidentId: id } = await fileReport(t.db);
    for (const s of steps) expect((await review(id, s)).statusCode).toBe(200);
    const before = await snapshot(t.db);
    const res = await review(id, body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('is not for co-chairs, liaisons or the public (403), and an unknown incident is 404', async () => {
    const { incidentId: id } = await fileReport(t.db);
    for (const role of ['cochair', 'liaison', 'agency', 'analyst', 'public'] as const) expect((await review(id, { status: 'under_review', reasoning: 'x' }, role)).statusCode).toBe(403);
    const res = await review('3f1d2c7a-0000-4000-8000-000000000000', { status: 'under_review', reasoning: 'x' });
    expect(res.statusCode).toBe(404);
  });
});

describe('merge and split', () => {
  it('moves the others’ reports in, pinned, recomputes the summary and marks the others merged', async () => {
    const a = await fileReport(t.db, { perpetrators: [demoId('saaf')], casualties: { killed: { best: 2 } }, at: '2016-02-28T10:00:00Z' });
    const b = await fileReport(t.db, { perpetrators: [demoId('vks')], targets: [demoId('fsa')], casualties: { killed: { best: 5, civilians: 3 } }, at: '2016-02-28T12:00:00Z' });
    const c = await fileReport(t.db, { targets: [demoId('jai')], at: '2016-02-28T09:00:00Z' });
    const res = await post('monitor', `/incidents/${a.incidentId}/merge`, { incidentIds: [b.incidentId, c.incidentId] });
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json();
    expect(m.reportCount).toBe(3);
    expect(m.reports.map((r: any) => r.id).sort()).toEqual([a.reportId, b.reportId, c.reportId].sort());
    expect(m.reports.every((r: any) => r.pinned)).toBe(true);
    expect(m.perpetratorPartyIds.sort()).toEqual([demoId('saaf'), demoId('vks')].sort());
    expect(m.targetPartyIds.sort()).toEqual([demoId('fsa'), demoId('jai')].sort());
    expect(m.casualties.killed).toMatchObject({ best: 5, civilians: 3 });
    expect(m.occurredFrom).toBe('2016-02-28T09:00:00.000Z');
    expect(m.occurredTo).toBe('2016-02-28T12:00:00.000Z');
    expect(m.history.at(-1)).toMatchObject({ type: 'merge', detail: { incidentIds: [b.incidentId, c.incidentId] } });
    const gone = (await get('admin', b.incidentId)).json();
    expect(gone).toMatchObject({ status: 'merged', mergedInto: a.incidentId, reportCount: 0, reports: [] });
    // a merged incident is left out of lists unless asked for, and takes no further steps
    const list = (await t.call('admin', { method: 'GET', url: '/api/v1/incidents?limit=500' })).json().items.map((i: any) => i.id);
    expect(list).toContain(a.incidentId);
    expect(list).not.toContain(b.incidentId);
    const merged = (await t.call('admin', { method: 'GET', url: '/api/v1/incidents?status=merged&limit=500' })).json().items.map((i: any) => i.id);
    expect(merged).toContain(b.incidentId);
    const step = await review(b.incidentId, { status: 'under_review', reasoning: 'x' });
    expect(step.statusCode).toBe(409);
    expect(step.json()).toMatchObject({ code: 'INCIDENT_MERGED', mergedInto: a.incidentId });
  });

  it('merging an incident that has others merged into it carries them along', async () => {
    const a = await fileReport(t.db);
    const b = await fileReport(t.db);
    const c = await fileReport(t.db);
    expect((await post('admin', `/incidents/${b.incidentId}/merge`, { incidentIds: [c.incidentId] })).statusCode).toBe(200);
    expect((await post('admin', `/incidents/${a.incidentId}/merge`, { incidentIds: [b.incidentId] })).statusCode).toBe(200);
    expect((await get('admin', c.incidentId)).json().mergedInto).toBe(a.incidentId);
    expect((await get('admin', a.incidentId)).json().reportCount).toBe(3);
  });

  it('splits reports off into a new incident, both pinned', async () => {
    const a = await fileReport(t.db, { eventType: 'airstrike', perpetrators: [demoId('vks')] });
    const b = await fileReport(t.db, { eventType: 'shelling', perpetrators: [demoId('saaf')] }, a.incidentId);
    const res = await post('secretariat', `/incidents/${a.incidentId}/split`, { reportIds: [b.reportId] });
    expect(res.statusCode, res.body).toBe(201);
    const n = res.json();
    expect(res.headers.location).toBe(`/api/v1/incidents/${n.id}`);
    expect(n).toMatchObject({ status: 'reported', reportCount: 1, eventType: 'shelling', perpetratorPartyIds: [demoId('saaf')] });
    expect(n.reports.map((r: any) => [r.id, r.pinned])).toEqual([[b.reportId, true]]);
    const old = (await get('admin', a.incidentId)).json();
    expect(old).toMatchObject({ reportCount: 1, eventType: 'airstrike', perpetratorPartyIds: [demoId('vks')] });
    expect(old.reports.map((r: any) => [r.id, r.pinned])).toEqual([[a.reportId, true]]);
    expect(old.history.at(-1)).toMatchObject({ type: 'split', detail: { reportIds: [b.reportId], newIncidentId: n.id } });
    // published, the old half tells the public nothing of the other (unpublished) half
    await review(a.incidentId, { status: 'under_review', reasoning: 'x' });
    await review(a.incidentId, { status: 'verified', grade: 'fair', reasoning: 'x' });
    expect((await post('secretariat', `/incidents/${a.incidentId}/publish`, {})).statusCode).toBe(200);
    const seen = await get('public', a.incidentId);
    expect(seen.json().history.find((h: any) => h.type === 'split')).toEqual({ type: 'split', status: 'reported', grade: null, reasoning: null, detail: {}, at: expect.any(String) });
    expect(seen.body).not.toContain(n.id);
    expect(seen.body).not.toContain(b.reportId);
  });

  it.each([
    ['merge into itself', 'merge', (a: string) => ({ incidentIds: [a] }), 422, 'INCONSISTENT', 'incidentIds.0'],
    ['merge an unknown incident', 'merge', () => ({ incidentIds: ['3f1d2c7a-0000-4000-8000-000000000000'] }), 422, 'UNKNOWN_REFERENCE', 'incidentIds.0'],
    ['merge nothing', 'merge', () => ({ incidentIds: [] }), 400, 'VALIDATION_FAILED', 'incidentIds'],
    ['split off every report', 'split', (_a: string, r: string) => ({ reportIds: [r] }), 422, 'INCONSISTENT', 'reportIds'],
    ['split off another incident’s report', 'split', (_a: string, _r: string, other: string) => ({ reportIds: [other] }), 422, 'INCONSISTENT', 'reportIds.0'],
  ])('refuses to %s, changing nothing', async (_n, op, body, status, code, field) => {
    const a = await fileReport(t.db);
    const other = await fileReport(t.db);
    const before = await snapshot(t.db);
    const res = await post('admin', `/incidents/${a.incidentId}/${op}`, body(a.incidentId, a.reportId, other.reportId));
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('does not merge a published incident into an unpublished one', async () => {
    const pub = await verified();
    expect((await post('secretariat', `/incidents/${pub}/publish`, {})).statusCode).toBe(200);
    const { incidentId } = await fileReport(t.db);
    const res = await post('admin', `/incidents/${incidentId}/merge`, { incidentIds: [pub] });
    expect(res.statusCode).toBe(422);
    expect(res.json().field).toBe('incidentIds.0');
  });
});

describe('claims', () => {
  it('keeps each side’s account side by side with the reports', async () => {
    const id = await verified();
    const accuse = await post('secretariat', `/incidents/${id}/claims`, {
      partyId: demoId('jai'),
      claimedAt: '2016-02-28T14:00:00+02:00',
      text: 'Government artillery shelled Douma.',
      perpetratorPartyIds: [demoId('saaf')],
      casualties: { killed: { best: 4, civilians: 4 } },
      source: 'Statement',
    });
    expect(accuse.statusCode, accuse.body).toBe(201);
    const deny = await post('liaison', `/incidents/${id}/claims`, { partyId: demoId('saaf'), claimedAt: '2016-02-28T18:00:00Z', text: 'No operations were conducted there.' });
    expect(deny.statusCode, deny.body).toBe(201);
    const d = (await get('admin', id)).json();
    expect(d.claims.map((c: any) => [c.partyId, c.text])).toEqual([
      [demoId('jai'), 'Government artillery shelled Douma.'],
      [demoId('saaf'), 'No operations were conducted there.'],
    ]);
    expect(d.claims[0]).toMatchObject({ perpetratorPartyIds: [demoId('saaf')], casualties: { killed: { best: 4, civilians: 4 } }, claimedAt: '2016-02-28T12:00:00.000Z' });
    expect(d.reports).toHaveLength(1);
    // the liaison, named but unpublished, sees its own party's claim only
    expect((await get('liaison', id)).json().claims.map((c: any) => c.partyId)).toEqual([demoId('saaf')]);
  });

  it.each([
    ['a liaison claims for another party', 'liaison', () => ({ partyId: demoId('jai'), claimedAt: '2016-02-28T00:00:00Z', text: 'x' }), 403, 'FORBIDDEN', 'partyId'],
    ['an unknown party', 'secretariat', () => ({ partyId: '3f1d2c7a-0000-4000-8000-000000000000', claimedAt: '2016-02-28T00:00:00Z', text: 'x' }), 422, 'UNKNOWN_REFERENCE', 'partyId'],
    ['an unknown perpetrator', 'secretariat', () => ({ partyId: demoId('jai'), perpetratorPartyIds: [demoId('saaf'), '3f1d2c7a-0000-4000-8000-000000000000'], claimedAt: '2016-02-28T00:00:00Z', text: 'x' }), 422, 'UNKNOWN_REFERENCE', 'perpetratorPartyIds.1'],
    ['a claim in the future', 'secretariat', () => ({ partyId: demoId('jai'), claimedAt: '2199-01-01T00:00:00Z', text: 'x' }), 422, 'INCONSISTENT', 'claimedAt'],
    ['negative casualties', 'secretariat', () => ({ partyId: demoId('jai'), claimedAt: '2016-02-28T00:00:00Z', text: 'x', casualties: { killed: { best: -1 } } }), 400, 'VALIDATION_FAILED', 'casualties.killed.best'],
    ['an unknown field', 'secretariat', () => ({ partyId: demoId('jai'), claimedAt: '2016-02-28T00:00:00Z', text: 'x', truth: true }), 400, 'VALIDATION_FAILED', 'truth'],
    ['a monitor records a claim', 'monitor', () => ({ partyId: demoId('jai'), claimedAt: '2016-02-28T00:00:00Z', text: 'x' }), 403, 'FORBIDDEN', 'Authorization'],
  ] as const)('refuses %s, changing nothing', async (_n, role, body, status, code, field) => {
    const id = await verified();
    const before = await snapshot(t.db);
    const res = await post(role, `/incidents/${id}/claims`, body());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('answers 404 to a liaison claiming on an incident that does not name its party', async () => {
    const { incidentId } = await fileReport(t.db, { perpetrators: [demoId('isil')] });
    const res = await post('liaison', `/incidents/${incidentId}/claims`, { partyId: demoId('saaf'), claimedAt: '2016-02-28T00:00:00Z', text: 'x' });
    expect(res.statusCode).toBe(404);
  });
});

describe('requests for information', () => {
  it('asks a party, which then sees the incident, answers, and drops off the overdue list', async () => {
    const { incidentId } = await fileReport(t.db, { perpetrators: [demoId('isil')] });
    expect((await get('liaison', incidentId)).statusCode).toBe(404); // SAAF is not named
    const due = new Date(Date.now() + 86400_000).toISOString();
    const asked = await post('secretariat', `/incidents/${incidentId}/requests`, { addressedToPartyId: demoId('saaf'), question: 'Were your units in the area?', dueAt: due });
    expect(asked.statusCode, asked.body).toBe(201);
    const reqId = asked.json().id;
    expect(asked.json()).toMatchObject({ addressedToPartyId: demoId('saaf'), overdue: false, answers: [] });
    const seen = await get('liaison', incidentId);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().requests.map((r: any) => r.id)).toEqual([reqId]);
    expect(seen.json().reports).toEqual([]); // not its party's report, not published

    // another party's liaison: no such request
    const other = await as(jaiLiaison, { method: 'POST', url: `/api/v1/requests/${reqId}/answer`, payload: { text: 'x' } });
    expect(other.statusCode).toBe(404);
    const ans = await post('liaison', `/requests/${reqId}/answer`, { text: 'No units of ours were within 10 km.' });
    expect(ans.statusCode, ans.body).toBe(201);
    expect(ans.json().answers.map((a: any) => a.text)).toEqual(['No units of ours were within 10 km.']);
    expect((await get('admin', incidentId)).json().requests[0].answers).toHaveLength(1);
  });

  it('lists the overdue ones, as each role may see them', async () => {
    const { incidentId } = await fileReport(t.db, { perpetrators: [demoId('isil')] });
    const late = await write(t.db, SYSTEM, (w) =>
      requestInfo(w, incidentId, { addressedToPartyId: demoId('saaf'), question: 'Late?', dueAt: '2016-03-03T00:00:00Z' }, new Date('2016-02-29T00:00:00Z')),
    );
    const toJai = await write(t.db, SYSTEM, (w) =>
      requestInfo(w, incidentId, { addressedToPartyId: demoId('jai'), question: 'Late too?', dueAt: '2016-03-03T00:00:00Z' }, new Date('2016-02-29T00:00:00Z')),
    );
    const ids = async (role: Parameters<TestApp['call']>[0], qs: string) => (await t.call(role, { method: 'GET', url: `/api/v1/requests?${qs}&limit=500` })).json().items.map((r: any) => r.id);
    const overdue = await ids('secretariat', 'overdue=true');
    expect(overdue).toContain(late.id);
    expect(overdue).toContain(toJai.id);
    expect(await ids('secretariat', `overdue=true&partyId=${demoId('jai')}`)).not.toContain(late.id);
    expect(await ids('liaison', 'overdue=true')).toContain(late.id);
    expect(await ids('liaison', 'overdue=true')).not.toContain(toJai.id);
    expect(await ids('public', 'overdue=true')).toEqual([]);
    expect((await t.call('secretariat', { method: 'GET', url: '/api/v1/requests?overdue=true&limit=500' })).json().items.find((r: any) => r.id === late.id).overdue).toBe(true);
    expect(await ids('secretariat', 'overdue=false')).not.toContain(late.id);
    // paging
    const first = (await t.call('admin', { method: 'GET', url: '/api/v1/requests?limit=1' })).json();
    expect(first.items).toHaveLength(1);
    const second = (await t.call('admin', { method: 'GET', url: `/api/v1/requests?limit=1&cursor=${first.next}` })).json();
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });

  it.each([
    ['a due time in the past', () => ({ addressedToPartyId: demoId('saaf'), question: 'x', dueAt: '2016-03-01T00:00:00Z' }), 422, 'INCONSISTENT', 'dueAt'],
    ['an unknown party', () => ({ addressedToPartyId: '3f1d2c7a-0000-4000-8000-000000000000', question: 'x', dueAt: '2199-03-01T00:00:00Z' }), 422, 'UNKNOWN_REFERENCE', 'addressedToPartyId'],
    ['no question', () => ({ addressedToPartyId: demoId('saaf'), question: '', dueAt: '2199-03-01T00:00:00Z' }), 400, 'VALIDATION_FAILED', 'question'],
  ])('refuses %s, changing nothing', async (_n, body, status, code, field) => {
    const { incidentId } = await fileReport(t.db);
    const before = await snapshot(t.db);
    const res = await post('secretariat', `/incidents/${incidentId}/requests`, body());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('determinations', () => {
  it('stands once every co-chair party of the terms has concurred', async () => {
    const id = await verified();
    const p = await post('cochair', `/incidents/${id}/determinations`, { finding: 'violation', violatorPartyIds: [demoId('saaf')], reasoning: 'Shelling of a committed party' });
    expect(p.statusCode, p.body).toBe(201);
    expect(p.json()).toMatchObject({ standing: false, concurredBy: [demoId('usa')], cochairPartyIds: [demoId('usa'), demoId('rus')] });
    // the desk sees the open proposal; the liaison of the named party only what stands
    expect((await get('secretariat', id)).json().determination).toMatchObject({ id: p.json().id, standing: false });
    expect((await get('liaison', id)).json()).toMatchObject({ determination: null, determinations: [] });
    const again = await post('cochair', `/determinations/${p.json().id}/concur`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_CONCURRED');
    const c = await as(rusCochair, { method: 'POST', url: `/api/v1/determinations/${p.json().id}/concur`, payload: {} });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().determination).toMatchObject({ standing: true, concurredBy: [demoId('usa'), demoId('rus')] });
    const l = (await get('liaison', id)).json();
    expect(l.determination).toMatchObject({ finding: 'violation', violatorPartyIds: [demoId('saaf')], standing: true });
    expect(l.determinations).toHaveLength(1);
  });

  it('a new proposal supersedes the open one, which can no longer be concurred with', async () => {
    const id = await verified();
    const first = (await post('cochair', `/incidents/${id}/determinations`, { finding: 'violation', violatorPartyIds: [demoId('saaf')], reasoning: 'x' })).json();
    const counter = await as(rusCochair, { method: 'POST', url: `/api/v1/incidents/${id}/determinations`, payload: { finding: 'inconclusive', reasoning: 'Not enough evidence' } });
    expect(counter.statusCode).toBe(201);
    const before = await snapshot(t.db);
    const late = await as(rusCochair, { method: 'POST', url: `/api/v1/determinations/${first.id}/concur`, payload: {} });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('DETERMINATION_SUPERSEDED');
    expect(await snapshot(t.db)).toBe(before);
    const d = (await get('admin', id)).json();
    expect(d.determinations.map((x: any) => [x.finding, x.superseded, x.standing])).toEqual([
      ['violation', true, false],
      ['inconclusive', false, false],
    ]);
    expect(d.determination).toMatchObject({ id: counter.json().id });
    expect((await post('cochair', `/determinations/${counter.json().id}/concur`, {})).json().determination.standing).toBe(true);
  });

  it.each([
    ['a violation without violators', { finding: 'violation', reasoning: 'x' }, 422, 'INCONSISTENT', 'violatorPartyIds'],
    ['no violation naming violators', { finding: 'no_violation', violatorPartyIds: [demoId('saaf')], reasoning: 'x' }, 422, 'INCONSISTENT', 'violatorPartyIds'],
    ['an unknown violator', { finding: 'violation', violatorPartyIds: ['3f1d2c7a-0000-4000-8000-000000000000'], reasoning: 'x' }, 422, 'UNKNOWN_REFERENCE', 'violatorPartyIds.0'],
    ['an unknown finding', { finding: 'guilty', reasoning: 'x' }, 400, 'VALIDATION_FAILED', 'finding'],
  ])('refuses %s, changing nothing', async (_n, body, status, code, field) => {
    const id = await verified();
    const before = await snapshot(t.db);
    const res = await post('cochair', `/incidents/${id}/determinations`, body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('is not made on an incident under review (409), nor by the secretariat (403)', async () => {
    const { incidentId } = await fileReport(t.db);
    expect((await post('cochair', `/incidents/${incidentId}/determinations`, { finding: 'inconclusive', reasoning: 'x' })).json().code).toBe('INCIDENT_TRANSITION');
    expect((await post('secretariat', `/incidents/${incidentId}/determinations`, { finding: 'inconclusive', reasoning: 'x' })).statusCode).toBe(403);
  });
});

describe('publication', () => {
  it('only then do analysts and the public see it, without reporters or report text', async () => {
    const { incidentId: id, reportId } = await fileReport(t.db, { perpetrators: [demoId('saaf')], text: 'Raw testimony of a witness', reporter: { role: 'monitor' } });
    expect((await post('secretariat', `/incidents/${id}/publish`, {})).json().code).toBe('INCIDENT_TRANSITION');
    await review(id, { status: 'under_review', reasoning: 'x' });
    await review(id, { status: 'unverified', grade: 'weak', reasoning: 'One source' });
    for (const role of ['analyst', 'public', 'agency'] as const) expect((await get(role, id)).statusCode).toBe(404);
    const pub = await post('secretariat', `/incidents/${id}/publish`, {});
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().publishedAt).toBeTruthy();
    for (const role of ['analyst', 'public', 'agency'] as const) {
      const res = await get(role, id);
      expect(res.statusCode).toBe(200);
      const [r] = res.json().reports;
      expect(r.id).toBe(reportId);
      expect(r).not.toHaveProperty('text');
      expect(r).not.toHaveProperty('reporter');
      expect(r).not.toHaveProperty('sources');
      expect(JSON.stringify(res.json())).not.toContain('Raw testimony');
      expect(res.json().history.every((h: any) => !('by' in h))).toBe(true);
    }
    expect((await get('admin', id)).json().reports[0].text).toBe('Raw testimony of a witness');
    const twice = await post('secretariat', `/incidents/${id}/publish`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('ALREADY_PUBLISHED');
    expect((await post('monitor', `/incidents/${id}/publish`, {})).statusCode).toBe(403);
  });
});

describe('bad requests to every desk write: 4xx naming the field, nothing stored', () => {
  const UNKNOWN = '3f1d2c7a-0000-4000-8000-000000000000';
  it.each([
    ['review', 'admin', '/incidents/:id/review', { status: 'under_review', reasoning: 'x' }],
    ['merge', 'admin', '/incidents/:id/merge', { incidentIds: [UNKNOWN] }],
    ['split', 'admin', '/incidents/:id/split', { reportIds: [UNKNOWN] }],
    ['claims', 'secretariat', '/incidents/:id/claims', { partyId: UNKNOWN, claimedAt: '2016-02-28T00:00:00Z', text: 'x' }],
    ['requests', 'secretariat', '/incidents/:id/requests', { addressedToPartyId: UNKNOWN, question: 'x', dueAt: '2199-01-01T00:00:00Z' }],
    ['answer', 'liaison', '/requests/:id/answer', { text: 'x' }],
    ['determinations', 'cochair', '/incidents/:id/determinations', { finding: 'inconclusive', reasoning: 'x' }],
    ['concur', 'cochair', '/determinations/:id/concur', {}],
    ['publish', 'secretariat', '/incidents/:id/publish', {}],
  ] as const)('%s', async (_n, role, url, body) => {
    const before = await snapshot(t.db);
    const cases: [string, InjectOptions, number, string, string][] = [
      ['a malformed id', { url: url.replace(':id', 'not-a-uuid'), payload: body }, 400, 'VALIDATION_FAILED', 'id'],
      ['an unknown id', { url: url.replace(':id', UNKNOWN), payload: body }, 404, 'NOT_FOUND', 'id'],
      ['malformed JSON', { url: url.replace(':id', UNKNOWN), payload: '{"x":', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON', '(body)'],
      ['a text body', { url: url.replace(':id', UNKNOWN), payload: 'x', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type'],
      ['an unknown field', { url: url.replace(':id', UNKNOWN), payload: { ...body, extra: 1 } }, 400, 'VALIDATION_FAILED', 'extra'],
    ];
    for (const [what, o, status, code, field] of cases) {
      const res = await t.call(role, { method: 'POST', ...o, url: `/api/v1${o.url}` });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json(), what).toMatchObject({ code, field });
    }
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('with reports filed through intake', () => {
  it('groups them, and each role sees of the incident what it may', async () => {
    const body = (o: object) => ({ channel: 'hotline', occurredAt: '2016-03-03T10:00:00Z', location: { type: 'Point', coordinates: [36.41, 33.57] }, eventType: 'shelling', ...o });
    const mine = await post('liaison', '/reports', body({ targetPartyIds: [demoId('saaf')], perpetratorPartyIds: [demoId('jai')], text: 'Mortars on our checkpoint' }));
    expect(mine.statusCode, mine.body).toBe(201);
    const theirs = await post('monitor', '/reports', body({ occurredAt: '2016-03-03T11:00:00Z', location: { type: 'Point', coordinates: [36.412, 33.571] }, text: 'Two impacts seen' }));
    expect(theirs.json().incidentId).toBe(mine.json().incidentId);
    const id = mine.json().incidentId;
    const desk = (await get('secretariat', id)).json();
    expect(desk.reports.map((r: any) => r.id)).toEqual([mine.json().id, theirs.json().id]);
    expect(desk.reports.every((r: any) => r.reporter && r.text)).toBe(true);
    const l = (await get('liaison', id)).json(); // SAAF is named (target)
    expect(l.reports.map((r: any) => [r.id, r.text, r.reporter?.role])).toEqual([[mine.json().id, 'Mortars on our checkpoint', 'liaison']]);
    expect((await get('analyst', id)).statusCode).toBe(404);
    await review(id, { status: 'under_review', reasoning: 'x' });
    await review(id, { status: 'verified', grade: 'fair', reasoning: 'Two reports' });
    await post('secretariat', `/incidents/${id}/publish`, {});
    const a = (await get('analyst', id)).json();
    expect(a.reports.map((r: any) => r.id)).toEqual([mine.json().id, theirs.json().id]);
    for (const r of a.reports) for (const k of ['text', 'reporter', 'sources', 'sourceRef']) expect(r).not.toHaveProperty(k);
    // a reviewer merges a later report in: every report of the result is pinned where the reviewer put it
    const other = (await post('monitor', '/reports', body({ occurredAt: '2016-03-03T20:00:00Z', location: { type: 'Point', coordinates: [36.5, 33.6] } }))).json();
    expect(other.incidentId).not.toBe(id);
    const merged = await post('monitor', `/incidents/${id}/merge`, { incidentIds: [other.incidentId] });
    expect(merged.json().reports.map((r: any) => [r.id, r.pinned])).toEqual([
      [mine.json().id, true],
      [theirs.json().id, true],
      [other.id, true],
    ]);
    const report = await t.call('monitor', { method: 'GET', url: `/api/v1/reports/${other.id}` });
    expect(report.json().incidentId).toBe(id);
  });
});

describe('the record', () => {
  const key = loadLedgerKey({ ledgerKey: TEST_LEDGER_KEY, dataDir: '' });
  it('holds every desk step of this file: truce verify finds every row as its latest leaf says', async () => {
    expect((await verifySnapshot(t.db, key.publicPem)).findings).toEqual([]);
  });

  it('names a review, a claim or a determination changed behind the server’s back', async () => {
    const id = await verified();
    const claim = (await post('secretariat', `/incidents/${id}/claims`, { partyId: demoId('jai'), claimedAt: '2016-02-28T00:00:00Z', text: 'As said' })).json();
    const det = (await post('cochair', `/incidents/${id}/determinations`, { finding: 'inconclusive', reasoning: 'x' })).json();
    for (const sql of [
      `UPDATE incidents SET grade = 'confirmed' WHERE id = '${id}'`,
      `UPDATE claims SET text = 'Never said' WHERE id = '${claim.id}'`,
      `UPDATE determinations SET finding = 'violation' WHERE id = '${det.id}'`,
      `DELETE FROM concurrences WHERE determination_id = '${det.id}'`,
    ]) {
      const problems = await problemsAfterTampering(t.db, key.publicPem, (q) => q.query(sql));
      expect(problems.length, sql).toBeGreaterThan(0);
    }
  });
});
