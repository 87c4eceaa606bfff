// Issue 12: batch vetting must not become a way around the site-oracle defences (site-oracle.test.ts).
// A liaison sweeps the demo's areas with bounded squares, a thousand in one batch; a second liaison
// of the same party sends the same squares one by one. Both are told exactly the same, target for
// target: at most the day's budget of referrals that say anything, then the flag and nothing but
// referrals. The rate counts targets, so a batch fits in a minute only what single requests would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoMap } from '../../src/demo/syria2016-map.ts';
import { demoId, testApp, type TestApp } from '../support/app.ts';

const AT = '2016-03-02T12:00:00Z';
const M_PER_DEG = 111_320;
const DAMASCUS = { w: 35.9, s: 33.35, e: 36.6, n: 33.85 };
type Told = { decision: string; reasons: { code: string; detail: string }[] };

let t: TestApp;
let second: string; // another liaison of the same party: its own budget
beforeAll(async () => {
  t = await testApp({ config: { vettingRatePerMinute: 1_000_000 } });
  await seedDemoMap(t.db, t.config);
  second = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'second liaison', role: 'liaison', partyId: demoId('saaf') } })).json().token;
}, 180_000);
afterAll(() => t?.close());

/** Squares of about 1.6 km a side (2.6 km², under the 3 km² bound) over the box, west to east, south to north. */
function sweep(b: typeof DAMASCUS, n: number): object[] {
  const side = 1600;
  const dLat = side / M_PER_DEG;
  const out: object[] = [];
  for (let y = b.s; y + dLat <= b.n && out.length < n; y += dLat) {
    const dLon = side / (M_PER_DEG * Math.cos((y * Math.PI) / 180));
    for (let x = b.w; x + dLon <= b.e && out.length < n; x += dLon) {
      out.push({ type: 'Polygon', coordinates: [[[x, y], [x + dLon, y], [x + dLon, y + dLat], [x, y + dLat], [x, y]]] });
    }
  }
  return out;
}

const told = (v: Told) => ({ decision: v.decision, reasons: v.reasons.map((r) => [r.code, r.detail]) });

describe('batch vetting and the site oracle (issue 12)', () => {
  it('a batch of 1,000 squares tells a liaison exactly what 1,000 single requests tell another', async () => {
    const squares = sweep(DAMASCUS, 1000);
    expect(squares).toHaveLength(1000);
    const res = await t.call('liaison', { method: 'POST', url: '/api/v1/vetting/batch', payload: { requestingPartyId: demoId('saaf'), at: AT, targets: squares.map((target) => ({ target })) } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const batch: Told[] = res.json().items;
    const singles: Told[] = [];
    for (const target of squares) {
      const one = await t.app.inject({ method: 'POST', url: '/api/v1/vetting', headers: { authorization: `Bearer ${second}` }, payload: { requestingPartyId: demoId('saaf'), at: AT, target } });
      expect(one.statusCode, one.body).toBe(201);
      singles.push(one.json());
    }
    expect(batch.map(told)).toEqual(singles.map(told));

    // what it says: no site, no distance; referrals that say something only up to the day's budget,
    // then every answer the flagged referral, whatever the square
    expect(JSON.stringify(batch)).not.toMatch(/PROTECTED_SITE|siteId|distanceM/);
    const referred = batch.map((v, i) => ({ i, codes: v.reasons.map((r) => r.code), flagged: v.reasons.length === 1 && /budget allows/.test(v.reasons[0].detail) }));
    const firstFlagged = referred.findIndex((r) => r.flagged);
    expect(firstFlagged).toBeGreaterThan(0);
    expect(referred.slice(0, firstFlagged).filter((r) => r.codes.includes('REFERRED_TO_TASK_FORCE'))).toHaveLength(t.config.vettingReferralsPerDay);
    expect(referred.slice(firstFlagged).every((r) => r.flagged)).toBe(true);
    for (const v of batch.slice(firstFlagged)) expect(v).toMatchObject({ decision: 'review', reasons: [{ code: 'REFERRED_TO_TASK_FORCE' }] });

    // both accounts are flagged at the top of the audit, with the same number of requests and referrals
    const audit = (await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
    const [a, b] = audit.accounts.slice(0, 2);
    expect(a.flaggedAt && b.flaggedAt).toBeTruthy();
    expect([a.requests, a.referrals]).toEqual([b.requests, b.referrals]);
    expect(a.requests).toBe(1000);
  }, 300_000);

  it('with the default rate, a liaison’s batch gets no more targets a minute than single requests do', async () => {
    const d = await testApp();
    try {
      const max = d.config.vettingRatePerMinute;
      const targets = (n: number) => sweep(DAMASCUS, n).map((target) => ({ target }));
      const over = await d.call('liaison', { method: 'POST', url: '/api/v1/vetting/batch', payload: { requestingPartyId: demoId('saaf'), at: AT, targets: targets(max + 1) } });
      expect(over.statusCode).toBe(429);
      expect(over.json()).toMatchObject({ code: 'RATE_LIMITED', limit: max });
      const one = await d.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: AT, target: { type: 'Point', coordinates: [36.3, 33.5] } } });
      expect(one.statusCode).toBe(201);
      expect((await d.call('liaison', { method: 'POST', url: '/api/v1/vetting/batch', payload: { requestingPartyId: demoId('saaf'), at: AT, targets: targets(max) } })).statusCode).toBe(429);
      expect((await d.call('liaison', { method: 'POST', url: '/api/v1/vetting/batch', payload: { requestingPartyId: demoId('saaf'), at: AT, targets: targets(max - 1) } })).statusCode).toBe(201);
      expect((await d.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: AT, target: { type: 'Point', coordinates: [36.3, 33.5] } } })).statusCode).toBe(429);
    } finally {
      await d.close();
    }
  }, 120_000);
});
