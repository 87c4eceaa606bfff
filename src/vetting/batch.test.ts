// POST /api/v1/vetting/batch (issue 12): up to 1,000 targets in one request, each decided and
// recorded as a single request would be, all in one commit; a bad target refuses the whole batch,
// naming it, and stores nothing; every target spends the account's rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, TEST_LEDGER_KEY, type TestApp } from '../../test/support/app.ts';
import { loadLedgerKey } from '../ledger/keys.ts';
import { verifyDatabase } from '../ledger/verify.ts';

let t: TestApp;
const AT = '2016-03-02T12:00:00Z';
const sq = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
type Role = 'secretariat' | 'liaison' | 'cochair' | 'admin' | 'monitor';
const batch = (role: Role, payload: Record<string, unknown>, app = t) => app.call(role, { method: 'POST', url: '/api/v1/vetting/batch', payload: { requestingPartyId: demoId(role === 'liaison' ? 'saaf' : 'vks'), at: AT, ...payload } });
const single = (role: Role, payload: Record<string, unknown>, app = t) => app.call(role, { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId(role === 'liaison' ? 'saaf' : 'vks'), at: AT, ...payload } });
const view = (v: { decision: string; reasons: unknown[]; told?: unknown }) => ({ decision: v.decision, reasons: v.reasons, told: v.told });

async function seed(app: TestApp) {
  const put = async (url: string, payload: object) => {
    const res = await app.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
  };
  await put('/api/v1/territories', { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('nusra'), geometry: sq(36.2, 35.0, 36.4, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('ahrar'), geometry: sq(36.0, 34.8, 36.4, 35.0), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/sites', { kind: 'hospital', name: 'Field hospital', geometry: point(36.3, 35.1), bufferM: 500, validFrom: '2016-01-01T00:00:00Z' });
}

const TARGETS = [
  { target: point(36.1, 35.1) },
  { target: point(36.301, 35.1), radiusM: 50 },
  { target: point(36.35, 35.18) },
  { target: sq(36.05, 34.85, 36.07, 34.87), note: 'own note' },
  { target: point(35.5, 33.9), at: '2016-02-20T00:00:00Z' },
];

beforeAll(async () => {
  t = await testApp();
  await seed(t);
});
afterAll(() => t?.close());

describe('POST /api/v1/vetting/batch', () => {
  it('decides each target as a single request would, in order, and records each with its ledger leaf', async () => {
    const before = (await t.call('secretariat', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    const res = await batch('secretariat', { targets: TARGETS, note: 'batch note' });
    expect(res.statusCode, res.body).toBe(201);
    const out = res.json();
    expect(out.count).toBe(5);
    expect(out.items.map((x: { index: number }) => x.index)).toEqual([0, 1, 2, 3, 4]);
    for (const [i, tg] of TARGETS.entries()) {
      const one = (await single('secretariat', tg)).json();
      expect(view(out.items[i]), `target ${i}`).toEqual(view(one));
      expect(out.items[i].target).toEqual(tg.target);
      // as recorded: GET gives the same, and the replay matches
      const got = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${out.items[i].id}` })).json();
      expect(got).toEqual(Object.fromEntries(Object.entries(out.items[i]).filter(([k]) => k !== 'index')));
      expect((await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${out.items[i].id}/replay` })).json().same).toBe(true);
    }
    expect(out.items.map((x: { decision: string }) => x.decision)).toEqual(['prohibited', 'prohibited', 'permitted', 'review', 'review']);
    expect(out.decisions).toEqual({ prohibited: 2, review: 2, permitted: 1 });
    // the batch's at and note for targets without their own
    expect(out.items.map((x: { at: string }) => x.at)).toEqual([AT, AT, AT, AT, '2016-02-20T00:00:00.000Z'].map((s) => new Date(s).toISOString()));
    expect(out.items.map((x: { note: string }) => x.note)).toEqual(['batch note', 'batch note', 'batch note', 'own note', 'batch note']);
    // five leaves for the batch (and one per single request after it)
    const leaves = (await t.call('secretariat', { method: 'GET', url: `/api/v1/ledger/entries?start=${before}&end=${before + 5}` })).json().items;
    expect(leaves.map((l: { action: string; entity: { id: string } }) => [l.action, l.entity.id])).toEqual(out.items.map((x: { id: string }) => ['vetting.decided', x.id]));
  });

  it('tells a liaison what a single request would tell it, never the site', async () => {
    const res = await batch('liaison', { targets: [{ target: point(36.1, 35.1) }, { target: point(36.301, 35.1) }] });
    expect(res.statusCode, res.body).toBe(201);
    const [a, b] = res.json().items;
    expect(a.reasons.map((r: { code: string }) => r.code)).toEqual(['COMMITTED_PARTY_TERRITORY']);
    expect(b.reasons.map((r: { code: string }) => r.code)).toEqual(['REFERRED_TO_TASK_FORCE', 'DESIGNATED_GROUP_EXCEPTION']);
    expect(b.decision).toBe('review');
    expect(JSON.stringify(res.json())).not.toMatch(/PROTECTED_SITE|siteId|distanceM|Field hospital/);
    expect(b.told).toBeUndefined();
    const one = (await single('liaison', { target: point(36.301, 35.1) })).json();
    expect(view(one)).toEqual(view(b));
  });

  it('takes 1,000 targets in one request', async () => {
    const targets = Array.from({ length: 1000 }, (_, i) => ({ target: point(36.0 + (i % 40) * 0.01, 34.8 + Math.floor(i / 40) * 0.01) }));
    const res = await batch('admin', { targets });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().count).toBe(1000);
    expect(new Set(res.json().items.map((x: { id: string }) => x.id)).size).toBe(1000);
  }, 60_000);
});

describe('a refused batch stores nothing and names the target', () => {
  const cases: [string, Role, Record<string, unknown>, number, string, string][] = [
    ['more than 1,000 targets', 'secretariat', { targets: Array.from({ length: 1001 }, () => ({ target: point(36, 35) })) }, 400, 'VALIDATION_FAILED', 'targets'],
    ['no targets', 'secretariat', { targets: [] }, 400, 'VALIDATION_FAILED', 'targets'],
    ['a target that is no geometry', 'secretariat', { targets: [...TARGETS, { target: { type: 'Line', coordinates: [] } }] }, 400, 'VALIDATION_FAILED', 'targets.5.target.type'],
    ['a latitude out of range at index 17', 'secretariat', { targets: [...Array(17).fill({ target: point(36, 35) }), { target: point(36, 95) }] }, 422, 'INVALID_GEOMETRY', 'targets.17.target.coordinates.1'],
    ['an open ring at index 2', 'secretariat', { targets: [TARGETS[0], TARGETS[1], { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35], [36.1, 35.1], [36, 35.2]]] } }] }, 422, 'INVALID_GEOMETRY', 'targets.2.target.coordinates.0'],
    ['a self-intersecting polygon at index 1', 'secretariat', { targets: [TARGETS[0], { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35.1], [36.1, 35], [36, 35.1], [36, 35]]] } }] }, 422, 'INVALID_GEOMETRY', 'targets.1.target'],
    ['a radius on a polygon', 'secretariat', { targets: [{ target: sq(36, 35, 36.01, 35.01), radiusM: 10 }] }, 422, 'INCONSISTENT', 'targets.0.radiusM'],
    ['an unknown field in a target', 'secretariat', { targets: [{ target: point(36, 35), colour: 'red' }] }, 400, 'VALIDATION_FAILED', 'targets.0.colour'],
    ['an unknown party', 'secretariat', { requestingPartyId: '00000000-0000-4000-8000-000000000000', targets: TARGETS }, 422, 'UNKNOWN_REFERENCE', 'requestingPartyId'],
    ['a liaison for another party', 'liaison', { requestingPartyId: demoId('vks'), targets: TARGETS }, 403, 'FORBIDDEN', 'requestingPartyId'],
    ['a liaison’s disc too large at index 3', 'liaison', { targets: [...Array(3).fill({ target: point(36, 35) }), { target: point(36, 35), radiusM: 5000 }] }, 422, 'TARGET_TOO_LARGE', 'targets.3.radiusM'],
    ['a liaison’s polygon too large at index 1', 'liaison', { targets: [{ target: point(36, 35) }, { target: sq(36, 35, 36.2, 35.2) }] }, 422, 'TARGET_TOO_LARGE', 'targets.1.target'],
  ];
  it.each(cases)('%s', async (_n, role, payload, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await batch(role, payload);
    expect(res.statusCode, res.body.slice(0, 400)).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('is refused to a monitor (403)', async () => {
    expect((await batch('monitor', { targets: TARGETS })).statusCode).toBe(403);
  });
});

describe('the rate: every target counts', () => {
  it('spends one per target from the same budget as single requests, and refuses a batch that does not fit whole', async () => {
    const small = await testApp({ config: { vettingRatePerMinute: 10, vettingTaskForceRatePerMinute: 10 } });
    try {
      expect((await batch('secretariat', { targets: Array(11).fill({ target: point(36, 35) }) }, small)).statusCode).toBe(429);
      const ok = await batch('secretariat', { targets: Array(6).fill({ target: point(36, 35) }) }, small);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.headers['x-ratelimit-remaining']).toBe('4');
      for (let i = 0; i < 3; i++) expect((await single('secretariat', { target: point(36, 35) }, small)).statusCode).toBe(201);
      const before = await snapshot(small.db);
      const refused = await batch('secretariat', { targets: Array(2).fill({ target: point(36, 35) }) }, small);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', field: 'Authorization', limit: 10 });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await snapshot(small.db)).toBe(before);
      expect((await single('secretariat', { target: point(36, 35) }, small)).statusCode).toBe(201); // the last one of the ten
      expect((await single('secretariat', { target: point(36, 35) }, small)).statusCode).toBe(429);
      // the audit counts the refused targets
      const audit = (await small.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
      expect(audit.accounts.find((a: { role: string }) => a.role === 'secretariat')).toMatchObject({ requests: 10, rateLimited: 11 + 2 + 1 });
    } finally {
      await small.close();
    }
  });

  it('gives the task force its own rate, above a full batch, and a liaison the smaller one', async () => {
    const small = await testApp({ config: { vettingRatePerMinute: 3, vettingTaskForceRatePerMinute: 5 } });
    try {
      expect((await batch('liaison', { targets: Array(4).fill({ target: point(36, 35) }) }, small)).statusCode).toBe(429);
      expect((await batch('liaison', { targets: Array(3).fill({ target: point(36, 35) }) }, small)).statusCode).toBe(201);
      expect((await batch('cochair', { targets: Array(5).fill({ target: point(36, 35) }) }, small)).statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('the record of grouped commits', () => {
  it('hashes every decision as stored: singles at once from several roles (grouped), a batch and coarse answers all verify', async () => {
    const roles: Role[] = ['secretariat', 'liaison', 'cochair', 'admin', 'secretariat', 'liaison'];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const role = roles[i % roles.length];
        const from = role === 'liaison' ? TARGETS.filter((x) => x.target.type === 'Point') : TARGETS; // a liaison's area bound
        return single(role, { ...from[i % from.length], note: i % 3 ? undefined : `note ${i}` });
      }),
    );
    for (const a of answers) expect(a.statusCode, a.body).toBe(201);
    const b = await batch('cochair', { targets: TARGETS });
    expect(b.statusCode, b.body).toBe(201);
    // site readers' answers are exact: their reasons stored once (told_reasons NULL), and every
    // caller still reads them back as told
    const [stored] = await t.db.query(`SELECT count(*) FILTER (WHERE told_basis = 'exact')::int AS exact, count(*) FILTER (WHERE told_basis = 'exact' AND told_reasons IS NOT NULL)::int AS twice FROM vettings`);
    expect(stored.exact).toBeGreaterThan(20);
    expect(stored.twice).toBe(0);
    const back = await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${answers[0].json().id}` });
    expect(back.json().told).toEqual({ decision: answers[0].json().decision, reasons: answers[0].json().reasons, basis: 'exact' });
    // a coarse answer's told reasons can never be dropped (they would read as nothing, not as the exact ones)
    const coarseId = answers[1].json().id; // a liaison's
    await expect(t.db.query('UPDATE vettings SET told_reasons = NULL WHERE id = $1', [coarseId])).rejects.toThrow(/vettings_told_reasons/);
    // the states recomputed from the rows as stored equal the states the leaves committed to
    const publicPem = loadLedgerKey({ ledgerKey: TEST_LEDGER_KEY, dataDir: '' }).publicPem;
    const { findings } = await verifyDatabase(t.db, publicPem);
    expect(findings).toEqual([]);
    // and it would see one changed behind the server's back (restored after)
    const id = answers[0].json().id;
    const [{ reasons }] = await t.db.query('SELECT reasons FROM vettings WHERE id = $1', [id]);
    await t.db.query(`UPDATE vettings SET reasons = '[]'::jsonb WHERE id = $1`, [id]);
    const changed = await verifyDatabase(t.db, publicPem);
    await t.db.query('UPDATE vettings SET reasons = $2::jsonb WHERE id = $1', [id, JSON.stringify(reasons)]);
    expect(JSON.stringify(changed.findings)).toContain(id);
  });
});
