// The demo's humanitarian access: the UN's besieged areas of January 2016 from OCHA sub-districts,
// two illustrative convoys through the real rules, the figures as computed by hand; loaded once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { DEMO_AID_SOURCE, seedDemoAid } from './syria2016-aid.ts';
import { seedDemoMap } from './syria2016-map.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedDemoMap(t.db, t.config);
  expect(await seedDemoAid(t.db, t.config)).toEqual({ created: true });
}, 180_000);
afterAll(() => t?.close());

describe('the demo’s humanitarian access', () => {
  it('lists the UN figures of January 2016, with their source', async () => {
    const items = (await t.call('public', { method: 'GET', url: '/api/v1/besieged-areas' })).json().items;
    expect(items.map((a: any) => [a.name, a.population.count, a.besiegingPartyIds.length, a.status, a.population.source])).toEqual([
      ['Deir ez-Zor city', 200_000, 1, 'besieged', DEMO_AID_SOURCE],
      ['Eastern Ghouta', 176_500, 1, 'besieged', DEMO_AID_SOURCE],
      ['Darayya', 4_000, 1, 'besieged', DEMO_AID_SOURCE],
      ['Zabadani (with Madaya beside it)', 500, 2, 'besieged', DEMO_AID_SOURCE],
      ['Foah and Kefraya', 12_500, 2, 'besieged', DEMO_AID_SOURCE],
    ]);
    expect(items[1].pcodes).toEqual(['SY030105', 'SY030106', 'SY030200', 'SY030201']);
    expect(items[1].geometry.type).toMatch(/Polygon$/);
  });

  it('marks its convoys illustrative: one delivered to Madaya, one waiting for Eastern Ghouta', async () => {
    const items = (await t.call('admin', { method: 'GET', url: '/api/v1/convoys' })).json().items;
    expect(items.map((c: any) => [c.state, c.illustrative])).toEqual([['delivered', true], ['requested', true]]);
    // the Madaya window precedes the demo map (27 February): only its besiegers were asked
    expect(items[0].approvals.map((a: any) => [a.partyId, a.reason]).sort()).toEqual([[demoId('saaf'), 'besieger'], [demoId('hzb'), 'besieger']].sort());
    expect(items[1].approvals.map((a: any) => [a.partyId, a.reason, a.status]).sort()).toEqual([[demoId('saaf'), 'besieger', 'granted'], [demoId('jai'), 'territory', 'pending']].sort());
  });

  it('computes the figures of February 2016 as by hand', async () => {
    const f = (await t.call('public', { method: 'GET', url: '/api/v1/aid/figures?from=2016-02-01&to=2016-03-01' })).json();
    expect(f.areas.map((a: any) => [a.name, a.population, a.peopleReached, a.daysSinceLastDelivery])).toEqual([
      ['Deir ez-Zor city', 200_000, 0, null],
      ['Eastern Ghouta', 176_500, 0, null],
      ['Darayya', 4_000, 0, null],
      ['Zabadani (with Madaya beside it)', 500, 500, 12], // delivered 17 February 15:00 UTC: 12 days and 9 hours before 1 March
      ['Foah and Kefraya', 12_500, 0, null],
    ]);
    expect(f.besiegedPopulation).toBe(393_500);
    expect(f.reachedShare).toBe(0.0013); // 500 / 393,500
    const waited = Math.floor((Date.now() - Date.parse('2016-02-28T09:00:00Z')) / 86_400_000);
    expect(f.pendingApprovals).toEqual([{ partyId: demoId('jai'), partyName: 'Jaysh al-Islam', pending: 1, longestWaitDays: waited }]);
  });

  it('makes the delivered convoy’s route a corridor for its window in vetting', async () => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: { type: 'Point', coordinates: [36.15, 33.64] }, at: '2016-02-17T12:00:00Z' } });
    const convoy = (await t.call('admin', { method: 'GET', url: '/api/v1/convoys?state=delivered' })).json().items[0];
    expect(res.json().reasons.filter((r: any) => r.code === 'AID_CORRIDOR').map((r: any) => r.corridorId)).toContain(convoy.id);
  });

  it('loads once', async () => {
    const before = await snapshot(t.db);
    expect(await seedDemoAid(t.db, t.config)).toEqual({ created: false });
    expect(await snapshot(t.db)).toBe(before);
  });
});
