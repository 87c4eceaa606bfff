// The demo's illustrative first week: filed, grouped, reviewed, claimed, asked, determined and
// published through the real rules; marked illustrative; loaded once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { seedDemoMap } from './syria2016-map.ts';
import { DEMO_INCIDENTS, DEMO_REPORT_SOURCE, seedDemoReports } from './syria2016-reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await seedDemoMap(t.db, t.config);
  expect(await seedDemoReports(t.db, t.config)).toEqual({ created: true });
}, 180_000);
afterAll(() => t?.close());

const incidents = async (role: Parameters<TestApp['call']>[0], qs = '') =>
  (await t.call(role, { method: 'GET', url: `/api/v1/incidents?limit=500&sort=occurredFrom${qs}` })).json().items as any[];
const detail = async (role: Parameters<TestApp['call']>[0], id: string) => (await t.call(role, { method: 'GET', url: `/api/v1/incidents/${id}` })).json();

describe('the illustrative first week', () => {
  it('groups the reports into one incident per event, within 27 February – 5 March 2016', async () => {
    const all = await incidents('secretariat');
    expect(all).toHaveLength(DEMO_INCIDENTS.length);
    const first = (d: (typeof DEMO_INCIDENTS)[number]) => d.reports.map((r) => r.body.occurredAt).sort()[0];
    expect(all.map((i) => i.reportCount)).toEqual([...DEMO_INCIDENTS].sort((a, b) => first(a).localeCompare(first(b))).map((d) => d.reports.length));
    for (const i of all) {
      expect(i.occurredFrom >= '2016-02-27').toBe(true);
      expect(i.occurredTo < '2016-03-06').toBe(true);
    }
  });

  it('marks every report illustrative, in its text and its source', async () => {
    for (const i of await incidents('admin')) {
      for (const r of (await detail('admin', i.id)).reports) {
        expect(r.text).toMatch(/^\[Illustrative\] /);
        expect(r.sources).toEqual([{ description: DEMO_REPORT_SOURCE }]);
      }
    }
  });

  it('has the accusations and denials side by side, a shelling across the Turkish border and a strike near a notified site', async () => {
    const all = await incidents('secretariat');
    const douma = await detail('secretariat', all[0].id);
    expect(douma).toMatchObject({ status: 'disputed', grade: 'contested', eventType: 'shelling' });
    expect(douma.claims.map((c: any) => c.partyId)).toEqual([demoId('jai'), demoId('saaf')]);
    expect(douma.requests[0]).toMatchObject({ addressedToPartyId: demoId('saaf'), overdue: false, answers: [expect.objectContaining({ answeredAt: '2016-03-01T16:00:00.000Z' })] });

    const border = all.find((i) => i.eventType === 'cross_border_fire');
    expect(border).toMatchObject({ perpetratorPartyIds: [demoId('tsk')], targetPartyIds: [demoId('sdf')], reportCount: 2 });
    const b = await detail('secretariat', border.id);
    expect(b.determination).toMatchObject({ finding: 'violation', standing: false, concurredBy: [demoId('rus')] });

    const strike = all.find((i) => i.eventType === 'airstrike' && i.perpetratorPartyIds.includes(demoId('vks')));
    const s = await detail('secretariat', strike.id);
    expect(s.reports[0].enrichment.nearestSite).toMatchObject({ name: 'Douma field hospital (demo)' });
    expect(s.reports[0].enrichment.nearestSite.distanceM).toBeLessThan(500);
    // monitors see the strike, not the site near it
    expect((await detail('monitor', strike.id)).reports[0].enrichment).not.toHaveProperty('nearestSite');
  });

  it('publishes some: the public sees those, without reporters or text, and the standing determination', async () => {
    const pub = await incidents('public');
    expect(pub.map((i) => i.status).sort()).toEqual(['disputed', 'disputed', 'unverified', 'verified']);
    const raqqa = pub.find((i) => i.eventType === 'airstrike');
    expect(raqqa.determination).toMatchObject({ finding: 'no_violation', standing: true });
    for (const i of pub) {
      const d = await detail('public', i.id);
      expect(JSON.stringify(d)).not.toContain('[Illustrative]" '); // no report text
      for (const r of d.reports) expect(r).not.toHaveProperty('text');
    }
  });

  it('has a request past due and unanswered', async () => {
    const late = (await t.call('secretariat', { method: 'GET', url: '/api/v1/requests?overdue=true' })).json().items;
    expect(late.map((r: any) => r.addressedToPartyId)).toEqual([demoId('vks')]);
  });

  it('loads once: a second run changes nothing', async () => {
    const before = await snapshot(t.db);
    expect(await seedDemoReports(t.db, t.config)).toEqual({ created: false });
    expect(await snapshot(t.db)).toBe(before);
  });
});
