// Vetting over HTTP on a real database: decisions, their record and replay, who sees what,
// rate limits, and bad input that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { geodesicDistanceM } from '../geo/geodesy.ts';
import { Grid } from './grid.ts';
import { gridSecret } from './store.ts';

let t: TestApp;
const sq = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const AT = '2016-03-02T12:00:00Z';
const vet = (role: 'secretariat' | 'liaison' | 'cochair' | 'admin' | 'monitor', payload: Record<string, unknown>) =>
  t.call(role, { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('vks'), at: AT, ...payload } });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

let hospitalId: string;
beforeAll(async () => {
  t = await testApp();
  const put = async (url: string, payload: object) => {
    const res = await t.call('secretariat', { method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  // government forces (committed 23 Feb) west of Idlib's line; Jabhat al-Nusra (designated) east of it;
  // Ahrar al-Sham (never committed) to the south
  await put('/api/v1/territories', { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.2, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('nusra'), geometry: sq(36.2, 35.0, 36.4, 35.2), validFrom: '2016-02-01T00:00:00Z' });
  await put('/api/v1/territories', { partyId: demoId('ahrar'), geometry: sq(36.0, 34.8, 36.4, 35.0), validFrom: '2016-02-01T00:00:00Z' });
  hospitalId = (await put('/api/v1/sites', { kind: 'hospital', name: 'Field hospital', geometry: point(36.3, 35.1), bufferM: 500, validFrom: '2016-01-01T00:00:00Z' })).id;
});
afterAll(() => t?.close());

describe('POST /api/v1/vetting', () => {
  it('decides by the table and records the decision with its data version', async () => {
    const res = await vet('secretariat', { target: point(36.1, 35.1) });
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v.decision).toBe('prohibited');
    expect(v.reasons.map((r: { code: string }) => r.code)).toEqual(['COMMITTED_PARTY_TERRITORY']);
    expect(v.reasons[0].partyIds).toEqual([demoId('saaf')]);
    expect(v.dataVersion).toBeGreaterThan(0);
    expect(res.headers.location).toBe(`/api/v1/vetting/${v.id}`);
    const again = await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${v.id}` });
    expect(again.json()).toEqual(v);
    // a ledger leaf per decision
    const proof = await t.call('secretariat', { method: 'GET', url: `/api/v1/entities/vetting/${v.id}/proof` });
    expect(proof.statusCode, proof.body).toBe(200);
  });

  it('a designated group’s ground is permitted; a protected site in it is not', async () => {
    const free = (await vet('secretariat', { target: point(36.35, 35.18) })).json();
    expect(free.decision).toBe('permitted');
    expect(free.reasons.map((r: { code: string }) => r.code)).toEqual(['DESIGNATED_GROUP_EXCEPTION']);
    const near = (await vet('secretariat', { target: point(36.301, 35.1) })).json();
    expect(near.decision).toBe('prohibited');
    const site = near.reasons.find((r: { code: string }) => r.code === 'PROTECTED_SITE');
    expect(site.siteId).toBe(hospitalId);
    expect(site.distanceM).toBeGreaterThan(85);
    expect(site.distanceM).toBeLessThan(97);
  });

  it('a site notified now protects from the very next request', async () => {
    const before = (await vet('secretariat', { target: point(36.1, 34.9) })).json();
    expect(before.reasons.map((r: { code: string }) => r.code)).toEqual(['UNCOMMITTED_PARTY_TERRITORY']);
    const site = await t.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'School', geometry: point(36.1, 34.901), validFrom: '2016-01-01T00:00:00Z' } });
    expect(site.statusCode, site.body).toBe(201);
    const after = (await vet('secretariat', { target: point(36.1, 34.9) })).json();
    expect(after.decision).toBe('prohibited');
    expect(after.reasons.map((r: { code: string }) => r.code)).toEqual(['PROTECTED_SITE', 'UNCOMMITTED_PARTY_TERRITORY']);
    expect(after.dataVersion).toBeGreaterThan(before.dataVersion);
  });

  it('a liaison vets only for its own party and is told only of a referral, never the site nor the exact decision', async () => {
    const other = await vet('liaison', { target: point(36.1, 35.1) });
    expect(other.statusCode).toBe(403);
    expect(other.json().field).toBe('requestingPartyId');
    const own = await vet('liaison', { requestingPartyId: demoId('saaf'), target: point(36.301, 35.1) });
    expect(own.statusCode, own.body).toBe(201);
    const body = own.json();
    // exactly: prohibited (the hospital's buffer) on designated ground; told: review, a referral
    expect(body.decision).toBe('review');
    expect(body.reasons).toEqual([
      { code: 'REFERRED_TO_TASK_FORCE', detail: 'Referred to the task force.' },
      expect.objectContaining({ code: 'DESIGNATED_GROUP_EXCEPTION' }),
    ]);
    expect(body.told).toBeUndefined();
    for (const leak of [hospitalId, 'Field hospital', 'PROTECTED_SITE', 'distanceM', 'prohibited']) expect(own.body).not.toContain(leak);
    // the record keeps the whole answer for the task force, and what the liaison was told
    const full = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${body.id}` })).json();
    expect(full.decision).toBe('prohibited');
    expect(full.reasons.find((r: { code: string }) => r.code === 'PROTECTED_SITE').siteId).toBe(hospitalId);
    expect(full.told).toEqual({ decision: 'review', reasons: body.reasons, basis: 'grid' });
    // the liaison's own view of it is what it was told, replay included
    expect((await t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${body.id}` })).json()).toEqual(body);
    const mine = await t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${body.id}/replay` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ same: true, decision: 'review', reasons: body.reasons, recorded: { decision: 'review', reasons: body.reasons } });
    expect(mine.body).not.toContain(hospitalId);
    expect(mine.body).not.toContain('prohibited');
    const theirs = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${body.id}/replay` })).json();
    expect(theirs).toMatchObject({ same: true, decision: 'prohibited', told: { decision: 'review', reasons: body.reasons }, recorded: { decision: 'prohibited', told: { decision: 'review' } } });
  });

  it('a liaison is referred anywhere in the site’s cell, not only in its buffer', async () => {
    // the corner of the hospital's cell farthest from it: outside its 500 m buffer, so the task force sees no site reason
    const grid = new Grid(await gridSecret(t.db), t.config.vettingGridM);
    const { bbox: c } = grid.cellOf(36.3, 35.1);
    const corners: [number, number][] = [[c.minX, c.minY], [c.maxX, c.minY], [c.minX, c.maxY], [c.maxX, c.maxY]].map(([x, y]) => [x + (x === c.minX ? 1e-6 : -1e-6), y + (y === c.minY ? 1e-6 : -1e-6)]);
    const [corner] = corners.sort((a, b) => geodesicDistanceM(36.3, 35.1, ...b) - geodesicDistanceM(36.3, 35.1, ...a));
    expect(geodesicDistanceM(36.3, 35.1, ...corner)).toBeGreaterThan(600);
    const far = await vet('liaison', { requestingPartyId: demoId('saaf'), target: point(...corner) });
    expect(far.json().reasons.map((r: { code: string }) => r.code)).toEqual(['REFERRED_TO_TASK_FORCE', 'DESIGNATED_GROUP_EXCEPTION']);
    expect(far.statusCode, far.body).toBe(201);
    const exact = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${far.json().id}` })).json();
    expect(exact.reasons.map((r: { code: string }) => r.code)).toEqual(['DESIGNATED_GROUP_EXCEPTION']);
    // 20 km away: nothing near on the grid either
    const away = (await vet('liaison', { requestingPartyId: demoId('saaf'), target: point(36.1, 35.15) })).json();
    expect(away.reasons.map((r: { code: string }) => r.code)).toEqual(['COMMITTED_PARTY_TERRITORY']);
    expect(away.decision).toBe('prohibited');
  });

  it('the task force sees the exact decision, and was told the same', async () => {
    const res = (await vet('cochair', { requestingPartyId: demoId('usa'), target: point(36.301, 35.1) })).json();
    expect(res.decision).toBe('prohibited');
    expect(res.told).toEqual({ decision: 'prohibited', reasons: res.reasons, basis: 'exact' });
  });

  it.each([
    ['a disc wider than 1 km', { target: point(36.1, 35.1), radiusM: 1001 }, 'radiusM', 1000],
    ['a polygon over 3 km²', { target: sq(36.0, 35.0, 36.02, 35.02) }, 'target', 3],
  ])('a liaison may not ask about %s: 422 naming the bound, and nothing recorded', async (_n, payload, field, bound) => {
    const before = await snapshot(t.db);
    const res = await vet('liaison', { requestingPartyId: demoId('saaf'), ...payload });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ code: 'TARGET_TOO_LARGE', field, bound });
    expect(res.json().detail).toContain(String(bound));
    expect(await snapshot(t.db)).toBe(before);
    // the task force keeps the larger bounds
    expect((await vet('secretariat', payload)).statusCode).toBe(201);
  });

  it('roles that do not vet get 403', async () => {
    expect((await vet('monitor', { target: point(36.1, 35.1) })).statusCode).toBe(403);
  });

  it('replays with the data as it was, after the data changed', async () => {
    const first = (await vet('secretariat', { target: point(36.15, 35.15) })).json();
    expect(first.decision).toBe('prohibited');
    // the government's area shrinks from 1 March: the same target is now undelineated
    const moved = await t.call('secretariat', {
      method: 'POST',
      url: '/api/v1/territories',
      payload: { partyId: demoId('saaf'), geometry: sq(36.0, 35.0, 36.1, 35.2), validFrom: '2016-03-01T00:00:00Z' },
    });
    expect(moved.statusCode, moved.body).toBe(201);
    const now = (await vet('secretariat', { target: point(36.15, 35.15) })).json();
    expect(now.reasons.map((r: { code: string }) => r.code)).toEqual(['UNDELINEATED']);
    const replay = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${first.id}/replay` })).json();
    expect(replay.same).toBe(true);
    expect(replay.decision).toBe(first.decision);
    expect(replay.reasons).toEqual(first.reasons);
    const replayNow = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${now.id}/replay` })).json();
    expect(replayNow.same).toBe(true);
    expect(replayNow.decision).toBe('review');
  });

  it('decisions made together are committed together, each with its own leaf', async () => {
    const head0 = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => vet('secretariat', { target: point(36.01 + i * 0.001, 35.05) })));
    expect(all.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    expect(new Set(all.map((r) => r.json().id)).size).toBe(40);
    const head1 = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json().size;
    expect(head1 - head0).toBe(40);
  });
});

describe('bad vetting input changes nothing', () => {
  const bad: [string, Record<string, unknown>, number, string][] = [
    ['self-intersecting polygon', { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35.1], [36.1, 35], [36, 35.1], [36, 35]]] } }, 422, 'target'],
    ['latitude out of range', { target: point(36, 95) }, 422, 'target.coordinates.1'],
    ['unclosed ring', { target: { type: 'Polygon', coordinates: [[[36, 35], [36.1, 35], [36.1, 35.1], [36, 35.1]]] } }, 422, 'target.coordinates.0'],
    ['a line is no target', { target: { type: 'LineString', coordinates: [[36, 35], [36.1, 35]] } }, 400, 'target.type'],
    ['radius with a polygon', { target: sq(36, 35, 36.01, 35.01), radiusM: 100 }, 422, 'radiusM'],
    ['radius too large', { target: point(36, 35), radiusM: 1e7 }, 400, 'radiusM'],
    ['negative radius', { target: point(36, 35), radiusM: -5 }, 400, 'radiusM'],
    ['unknown party', { target: point(36, 35), requestingPartyId: '00000000-0000-4000-8000-000000000000' }, 422, 'requestingPartyId'],
    ['bad time', { target: point(36, 35), at: 'yesterday' }, 400, 'at'],
    ['unknown field', { target: point(36, 35), targets: [] }, 400, 'targets'],
    ['coordinates of the wrong type', { target: { type: 'Point', coordinates: ['36', 35] } }, 422, 'target.coordinates'],
  ];
  it.each(bad)('%s → %i naming %s', async (_name, payload, status, field) => {
    const before = await snapshot(t.db);
    const res = await vet('secretariat', payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().field).toBe(field);
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('audit', () => {
  it('lists who asked what, and counts protected-site hits per account', async () => {
    const list = await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting?limit=5' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(5);
    expect(list.json().nextCursor).toBeTruthy();
    const next = (await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?limit=5&cursor=${list.json().nextCursor}` })).json();
    const ids = new Set(list.json().items.map((v: { id: string }) => v.id));
    expect(next.items.some((v: { id: string }) => ids.has(v.id))).toBe(false);
    const audit = (await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
    const liaison = audit.accounts.find((a: { role: string }) => a.role === 'liaison');
    expect(liaison).toMatchObject({ siteHits: 1, requests: 3, referrals: 2, rateLimited: 0, flaggedAt: null });
    expect((await t.call('liaison', { method: 'GET', url: '/api/v1/vetting' })).statusCode).toBe(403);
  });

  it('pages through decisions of one commit, at a time between two milliseconds, each exactly once', async () => {
    // one grouped commit gives its decisions one requested_at; .999 µs past a millisecond is where a
    // cursor rounded to the millisecond overshot and brought the page's own rows back (the last test of t)
    await t.db.query(`UPDATE vettings SET requested_at = (SELECT date_trunc('milliseconds', max(requested_at)) FROM vettings) + interval '999 microseconds'`);
    const [{ n }] = await t.db.query('SELECT count(*)::int AS n FROM vettings');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await t.call('secretariat', { method: 'GET', url: `/api/v1/vetting?limit=3${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      seen.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length <= n);
    expect(seen.length).toBe(n);
    expect(new Set(seen).size).toBe(n);
  });
});

describe('rate limit', () => {
  it('refuses an account past its budget with 429 and records nothing more', async () => {
    const small = await testApp({ config: { vettingRatePerMinute: 3, vettingTaskForceRatePerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await small.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } })).statusCode).toBe(201);
      const before = await snapshot(small.db);
      const res = await small.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } });
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('RATE_LIMITED');
      expect(await snapshot(small.db)).toBe(before);
      // counted for the audit, per account and day (operational state, not a record)
      const audit = (await small.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
      expect(audit.accounts.find((a: { role: string }) => a.role === 'secretariat')).toMatchObject({ requests: 3, rateLimited: 1 });
      // another account has its own budget
      expect((await small.call('admin', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: point(36, 35) } })).statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('the daily budget of referrals', () => {
  it('flags an account past it, refers everything it asks, and lists it first until the secretariat lifts the flag', async () => {
    const b = await testApp({ config: { vettingReferralsPerDay: 2 } });
    try {
      const liaisonVet = (target: object) => b.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: AT, target } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'School', geometry: point(36.5, 34.5), validFrom: '2016-01-01T00:00:00Z' } });
      const codes = async (target: object) => {
        const r = (await liaisonVet(target)).json();
        return [r.decision, ...r.reasons.map((x: { code: string; detail: string }) => (x.code === 'REFERRED_TO_TASK_FORCE' && x.detail.includes('budget') ? 'FLAGGED' : x.code))];
      };
      const far = point(36.1, 33.0);
      expect(await codes(far)).toEqual(['review', 'UNDELINEATED']);
      expect(await codes(point(36.5, 34.5))).toEqual(['review', 'REFERRED_TO_TASK_FORCE', 'UNDELINEATED']);
      expect(await codes(point(36.501, 34.5))).toEqual(['review', 'REFERRED_TO_TASK_FORCE', 'UNDELINEATED']);
      expect(await codes(far)).toEqual(['review', 'UNDELINEATED']); // no referral: the budget is untouched
      expect(await b.db.query('SELECT * FROM vetting_flags')).toEqual([]);
      // the third referral is past the budget of 2: flagged, and from now on every answer is the same
      expect(await codes(point(36.502, 34.5))).toEqual(['review', 'FLAGGED']);
      expect(await codes(far)).toEqual(['review', 'FLAGGED']);
      const flags = await b.db.query('SELECT * FROM vetting_flags');
      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({ event: 'flagged', referrals: 3, recorded_by: null });
      const proof = await b.call('secretariat', { method: 'GET', url: `/api/v1/entities/vetting_flag/${flags[0].id}/proof` });
      expect(proof.statusCode, proof.body).toBe(200);

      const me = (await b.call('liaison', { method: 'GET', url: '/api/v1/session' })).json().account.id;
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      await b.call('secretariat', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('rus'), target: far } });
      const audit = (await b.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
      // flagged first, although the secretariat asked more
      expect(audit.accounts[0]).toMatchObject({ accountId: me, role: 'liaison', flaggedAt: new Date(flags[0].at).toISOString(), requests: 6, referrals: 4, siteHits: 3 });
      expect(audit.accounts[1]).toMatchObject({ role: 'secretariat', requests: 7, flaggedAt: null });

      // a liaison may not lift its own flag; the secretariat may, once
      const lift = (role: 'liaison' | 'secretariat', id = me) => b.call(role, { method: 'POST', url: `/api/v1/vetting/flags/${id}/lift`, payload: { reason: 'Spoke with the liaison officer.' } });
      expect((await lift('liaison')).statusCode).toBe(403);
      const lifted = await lift('secretariat');
      expect(lifted.statusCode, lifted.body).toBe(201);
      const secretariat = (await b.call('secretariat', { method: 'GET', url: '/api/v1/session' })).json().account.id;
      expect(lifted.json()).toMatchObject({ accountId: me, event: 'lifted', recordedBy: secretariat, reason: 'Spoke with the liaison officer.' });
      const again = await lift('secretariat');
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'NOT_FLAGGED', field: 'accountId' });
      // the flag row is still there, never edited; the budget starts again from the lift
      expect((await b.db.query('SELECT event FROM vetting_flags ORDER BY seq')).map((r) => r.event)).toEqual(['flagged', 'lifted']);
      expect(await codes(far)).toEqual(['review', 'UNDELINEATED']);
      expect(await codes(point(36.5, 34.5))).toEqual(['review', 'REFERRED_TO_TASK_FORCE', 'UNDELINEATED']);
      const after = (await b.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
      expect(after.accounts.find((a: { accountId: string }) => a.accountId === me).flaggedAt).toBeNull();
      // replays keep both views, flagged ones too
      const rows = await b.db.query(`SELECT id FROM vettings WHERE told_basis = 'flagged'`);
      for (const { id } of rows) expect((await b.call('secretariat', { method: 'GET', url: `/api/v1/vetting/${id}/replay` })).json().same).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('spends the budget one request after another when many arrive at once', async () => {
    const b = await testApp({ config: { vettingReferralsPerDay: 3 } });
    try {
      await b.call('secretariat', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'School', geometry: point(36.5, 34.5), validFrom: '2016-01-01T00:00:00Z' } });
      const all = await Promise.all(
        Array.from({ length: 12 }, (_, i) => b.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), at: AT, target: point(36.5 + i * 1e-4, 34.5) } })),
      );
      const bases = (await b.db.query('SELECT told_basis FROM vettings ORDER BY seq')).map((r) => r.told_basis);
      expect(all.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
      expect(bases).toEqual([...Array(3).fill('grid'), ...Array(9).fill('flagged')]);
      expect(await b.db.query('SELECT * FROM vetting_flags')).toHaveLength(1);
    } finally {
      await b.close();
    }
  });
});
