// The history of vetting decisions (issue 12): GET /api/v1/vetting filtered by requesting party,
// decision, reason and time, each item linked to its ledger entry, its proof and its replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
const AT = '2016-03-02T12:00:00Z';
const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
type Item = { id: string; decision: string; reasons: { code: string }[]; told?: { reasons: { code: string }[] }; requestingPartyId: string; requestedAt: string; ledgerSeq?: number | null; links?: Record<string, string | null> };
const list = async (qs: string): Promise<Item[]> => {
  const res = await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?limit=500${qs ? `&${qs}` : ''}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
};
const codes = (v: Item) => v.reasons.map((r) => r.code);

const ids: Record<string, string> = {};
let between: string;
beforeAll(async () => {
  t = await testApp();
  const put = async (url: string, payload: object) => {
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  await put('/api/v1/territories', { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('nusra'), geometry: sq(36.2, 35.0, 36.4, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/sites', { kind: 'hospital', name: 'Field hospital', geometry: point(36.3, 35.1), bufferM: 500, validFrom: '2016-01-01T00:00:00Z' });
  const vet = async (key: string, role: 'secretariat' | 'liaison' | 'cochair', party: string, target: object) => {
    const res = await t.call(role, { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId(party), at: AT, target } });
    expect(res.statusCode, res.body).toBe(201);
    ids[key] = res.json().id;
  };
  await vet('committed', 'secretariat', 'vks', point(36.1, 35.1));
  await vet('site', 'cochair', 'rus', point(36.301, 35.1));
  between = new Date().toISOString();
  await vet('designated', 'secretariat', 'vks', point(36.35, 35.18));
  await vet('referred', 'liaison', 'saaf', point(36.301, 35.1)); // a site on the grid: the liaison is told a referral
});
afterAll(() => t?.close());

describe('GET /api/v1/vetting: the history', () => {
  it('filters by reason code, in the exact reasons or in what the caller was told', async () => {
    expect((await list('reason=PROTECTED_SITE')).map((v) => v.id).sort()).toEqual([ids.site, ids.referred].sort());
    expect((await list('reason=REFERRED_TO_TASK_FORCE')).map((v) => v.id)).toEqual([ids.referred]);
    expect((await list('reason=COMMITTED_PARTY_TERRITORY')).map((v) => v.id)).toEqual([ids.committed]);
    expect(await list('reason=AID_CORRIDOR')).toEqual([]);
    for (const v of await list('reason=DESIGNATED_GROUP_EXCEPTION')) expect(codes(v)).toContain('DESIGNATED_GROUP_EXCEPTION');
  });

  it('combines the reason with party, decision and time', async () => {
    expect((await list(`reason=PROTECTED_SITE&requestingPartyId=${demoId('rus')}`)).map((v) => v.id)).toEqual([ids.site]);
    expect((await list('reason=PROTECTED_SITE&decision=prohibited')).map((v) => v.id).sort()).toEqual([ids.site, ids.referred].sort());
    expect((await list(`decision=permitted&from=${between}`)).map((v) => v.id)).toEqual([ids.designated]);
    expect((await list(`reason=PROTECTED_SITE&to=${between}`)).map((v) => v.id)).toEqual([ids.site]);
    const all = await list('');
    expect(all.map((v) => v.id)).toEqual([ids.referred, ids.designated, ids.site, ids.committed]);
  });

  it('links each decision to its ledger entry, its proof and its replay, all of which answer', async () => {
    for (const v of await list('')) {
      expect(v.ledgerSeq).toEqual(expect.any(Number));
      expect(v.links).toEqual({
        ledgerEntry: `/api/v1/ledger/entries?start=${v.ledgerSeq}&end=${v.ledgerSeq! + 1}`,
        proof: `/api/v1/entities/vetting/${v.id}/proof`,
        replay: `/api/v1/vetting/${v.id}/replay`,
      });
      const entry = (await t.call('secretariat', { method: 'GET', url: v.links!.ledgerEntry! })).json();
      expect(entry.items).toHaveLength(1);
      expect(entry.items[0]).toMatchObject({ seq: v.ledgerSeq, action: 'vetting.decided', entity: { type: 'vetting', id: v.id } });
      const proof = (await t.call('secretariat', { method: 'GET', url: v.links!.proof! })).json();
      expect(proof.leaf.seq).toBe(v.ledgerSeq);
      const replay = (await t.call('secretariat', { method: 'GET', url: v.links!.replay! })).json();
      expect(replay).toMatchObject({ id: v.id, same: true });
    }
  });

  it('refuses an unknown reason and a window that ends before it starts, naming the field', async () => {
    const bad = await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting?reason=NEAR_A_SCHOOL' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'reason' });
    const inverted = await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting?from=2016-03-02&to=2016-03-01' });
    expect(inverted.statusCode).toBe(422);
    expect(inverted.json()).toMatchObject({ code: 'INCONSISTENT', field: 'to' });
  });

  it('gives no ledger links in what a liaison reads of its own decision', async () => {
    const own = (await t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${ids.referred}` })).json();
    expect(own.ledgerSeq).toBeUndefined();
    expect(own.links).toBeUndefined();
    expect(own.told).toBeUndefined();
  });
});
