// Filing reports through the API: what a report becomes (ACLED types, window, enrichment, its
// incident, its leaf), what is refused (naming the field, nothing stored), batches row by row,
// and who reads what of a report.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { seedDemoMap } from '../demo/syria2016-map.ts';
import { loadLedgerKey } from '../ledger/keys.ts';
import { leafHash, verifyInclusion } from '../ledger/merkle.ts';
import { verifySnapshot } from '../ledger/verify.ts';
import { addAgencies, callAs, demoId, snapshot, testApp, type Agencies, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
const agencies: Agencies = {};
beforeAll(async () => {
  t = await testApp();
  await seedDemoMap(t.db, t.config);
  await addAgencies(t, agencies, [['msf', 'MSF'], ['msf2', 'MSF'], ['wfp', 'WFP']]);
});
afterAll(() => t?.close());

type Caller = Role | keyof typeof agencies;
const call = (who: Caller, o: InjectOptions) => callAs(() => t, agencies)(who, o);

const DOUMA: [number, number] = [36.405, 33.571]; // Jaysh al-Islam's area on the demo map (Duma sub-district)
const report = (o: Record<string, unknown> = {}) => ({ channel: 'hotline', occurredAt: '2016-03-01T10:00:00Z', location: { type: 'Point', coordinates: DOUMA }, eventType: 'shelling', ...o });
const file = (who: Caller, payload: object, headers: Record<string, string> = {}) => call(who, { method: 'POST', url: '/api/v1/reports', payload, headers });
const batch = (who: Caller, reports: unknown[]) => call(who, { method: 'POST', url: '/api/v1/reports/batch', payload: { reports } });
const get = (who: Caller, id: string) => call(who, { method: 'GET', url: `/api/v1/reports/${id}` });
let spot = 0;
/** A fresh place far from the others (northern Syria, no demo site near), so grouping keeps tests apart. */
const place = (): [number, number] => [37.0 + 0.2 * (spot % 10), 36.0 + 0.2 * Math.floor(spot++ / 10)];

describe('filing a report', () => {
  it('answers the report with its ACLED types, window, enrichment, reporter and incident, and records a leaf', async () => {
    const res = await file('monitor', report({ occurredPrecision: 'day', perpetratorPartyIds: [demoId('saaf')], targetPartyIds: [demoId('jai')], casualties: { killed: { best: 3, low: 2, high: 5, civilians: 2 } }, sources: [{ url: 'https://example.org/a', sha256: 'ab'.repeat(32) }], text: 'Shells fell on the market.' }));
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(res.headers.location).toBe(`/api/v1/reports/${r.id}`);
    expect(r).toMatchObject({
      channel: 'hotline',
      occurredAt: '2016-03-01T10:00:00.000Z',
      occurredPrecision: 'day',
      occurredWindow: { from: '2016-03-01T00:00:00.000Z', to: '2016-03-02T00:00:00.000Z' },
      location: { type: 'Point', coordinates: DOUMA },
      locationPrecision: 'exact',
      acled: { eventType: 'Explosions/Remote violence', subEventType: 'Shelling/artillery/missile attack' },
      perpetratorPartyIds: [demoId('saaf')],
      casualties: { killed: { best: 3, low: 2, high: 5, civilians: 2 } },
      text: 'Shells fell on the market.',
      reporter: { role: 'monitor', partyId: null },
      incidentId: expect.any(String),
      enrichment: {
        pcodes: { adm1: { code: 'SY03', name: expect.any(String) }, adm2: { code: 'SY0302', name: expect.any(String) }, adm3: { code: 'SY030200', name: expect.any(String) } },
        territory: { partyId: demoId('jai'), status: 'committed' },
      },
    });
    // a monitor sees no site positions: not even how far the nearest is
    expect(r.enrichment).not.toHaveProperty('nearestSite');
    expect(r.enrichment).not.toHaveProperty('notifiedSiteHit');
    const leaf = await t.db.query("SELECT count(*)::int AS n FROM ledger_leaves WHERE entity_type = 'report' AND entity_id = $1 AND action = 'report.filed'", [r.id]);
    expect(leaf[0].n).toBe(1);
    const inc = await t.db.query("SELECT count(*)::int AS n FROM ledger_leaves WHERE entity_type = 'incident' AND entity_id = $1 AND action = 'incident.created'", [r.incidentId]);
    expect(inc[0].n).toBe(1);
    // the task force sees the nearest site (the Douma field hospital of the demo, under 100 m away)
    const full = (await get('secretariat', r.id)).json();
    expect(full.enrichment.nearestSite).toMatchObject({ name: 'Douma field hospital (demo)', distanceM: expect.any(Number) });
    expect(full.enrichment.nearestSite.distanceM).toBeLessThan(100);
    // notified in this test run (2026), long after the reported time: no hit
    expect(full.enrichment.notifiedSiteHit).toBeNull();
  });

  it('locates a report given only an unambiguous place name, and keeps the candidates of an ambiguous one', async () => {
    const res = await file('admin', { channel: 'web', occurredAt: '2016-03-02', occurredPrecision: 'day', placeName: 'Madaya', eventType: 'siege_or_aid_denial' });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.location).toMatchObject({ type: 'Point' });
    expect(r.locationPrecision).toMatch(/^(near|adm3)$/);
    expect(r.enrichment.located).toMatchObject({ placeName: 'Madaya' });
    expect(r.enrichment.pcodes.adm3?.code).toBe('SY030703');

    const unknown = (await file('admin', { channel: 'web', occurredAt: '2016-03-02', placeName: 'Nowhere-at-all-xq', eventType: 'other' })).json();
    expect(unknown.location).toBeNull();
    expect(unknown.enrichment).toMatchObject({ pcodes: { adm1: null, adm2: null, adm3: null }, territory: null, placeCandidates: [] });
    expect(unknown.incidentId).toEqual(expect.any(String)); // an incident of its own, for the reviewer
  });

  it.each([
    ['a wrong type', report({ eventType: 'bombing' }), 400, 'VALIDATION_FAILED', 'eventType'],
    ['an unknown field', report({ severity: 3 }), 400, 'VALIDATION_FAILED', 'severity'],
    ['neither location nor place name', report({ location: undefined }), 400, 'VALIDATION_FAILED', 'location'],
    ['a longitude out of range', report({ location: { type: 'Point', coordinates: [200, 33] } }), 422, 'INVALID_GEOMETRY', 'location.coordinates.0'],
    ['a latitude out of range', report({ location: { type: 'Point', coordinates: [36, -91] } }), 422, 'INVALID_GEOMETRY', 'location.coordinates.1'],
    ['not a position', report({ location: { type: 'Point', coordinates: ['x', 1] } }), 422, 'INVALID_GEOMETRY', 'location.coordinates'],
    ['an unknown perpetrator', report({ perpetratorPartyIds: [demoId('saaf'), '00000000-0000-4000-8000-000000000000'] }), 422, 'UNKNOWN_REFERENCE', 'perpetratorPartyIds.1'],
    ['an unknown target', report({ targetPartyIds: ['00000000-0000-4000-8000-000000000000'] }), 422, 'UNKNOWN_REFERENCE', 'targetPartyIds.0'],
    ['a time in the future', report({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() }), 422, 'INCONSISTENT', 'occurredAt'],
    ['a time before the terms existed', report({ occurredAt: '2016-01-15T00:00:00Z' }), 422, 'INCONSISTENT', 'occurredAt'],
    ['a month before the terms', report({ occurredAt: '2016-01-15T00:00:00Z', occurredPrecision: 'month' }), 422, 'INCONSISTENT', 'occurredAt'],
    ['a year out of range', report({ occurredAt: '1800-01-01T00:00:00Z' }), 400, 'VALIDATION_FAILED', 'occurredAt'],
    ['a low above the best', report({ casualties: { killed: { best: 2, low: 3 } } }), 422, 'INCONSISTENT', 'casualties.killed.low'],
    ['more civilians than killed', report({ casualties: { injured: { best: 2, civilians: 3 } } }), 422, 'INCONSISTENT', 'casualties.injured.civilians'],
    ['a negative count', report({ casualties: { killed: { best: -1 } } }), 400, 'VALIDATION_FAILED', 'casualties.killed.best'],
    ['a javascript: source', report({ sources: [{ url: 'javascript:alert(1)' }] }), 400, 'VALIDATION_FAILED', 'sources.0.url'],
    ['a sourceRef outside an import', report({ sourceRef: 'ACLED-1' }), 422, 'INCONSISTENT', 'sourceRef'],
    ['a precision without a location', report({ location: undefined, placeName: 'Madaya', locationPrecision: 'adm3' }), 400, 'VALIDATION_FAILED', 'locationPrecision'],
  ])('refuses %s, naming the field, storing nothing', async (_n, payload, status, code, field) => {
    const before = await snapshot(t.db);
    const res = await file('secretariat', payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code, field });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('is refused to analysts and the public', async () => {
    for (const role of ['analyst', 'public'] as const) expect((await file(role, report())).statusCode).toBe(403);
  });

  it('imports a sourceRef once: a rerun is refused as a duplicate naming the report', async () => {
    const first = await file('admin', report({ channel: 'import', sourceRef: 'SYR-2016-0001', location: { type: 'Point', coordinates: place() } }));
    expect(first.statusCode, first.body).toBe(201);
    const before = await snapshot(t.db);
    const again = await file('admin', report({ channel: 'import', sourceRef: 'SYR-2016-0001', location: { type: 'Point', coordinates: place() } }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'DUPLICATE', field: 'sourceRef' });
    expect(again.json().detail).toContain(first.json().id);
    expect(await snapshot(t.db)).toBe(before);
  });
});

describe('a batch', () => {
  it('accepts and refuses row by row, with the index and the reason; stores only the accepted', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM reports'))[0].n;
    const res = await batch('secretariat', [
      report({ location: { type: 'Point', coordinates: place() } }),
      report({ eventType: 'bombing' }),
      'not an object',
      report({ perpetratorPartyIds: ['00000000-0000-4000-8000-000000000000'] }),
      report({ occurredAt: '2016-03-01T11:00:00+02:00', location: { type: 'Point', coordinates: place() } }),
      report({ channel: 'import', sourceRef: 'B-1', location: { type: 'Point', coordinates: place() } }),
      report({ channel: 'import', sourceRef: 'B-1', location: { type: 'Point', coordinates: place() } }),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ accepted: 3, rejected: 4 });
    expect(b.results.map((r: { index: number; status: string }) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'rejected'],
      [2, 'rejected'],
      [3, 'rejected'],
      [4, 'accepted'],
      [5, 'accepted'],
      [6, 'rejected'],
    ]);
    expect(b.results[1]).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'eventType' }] });
    expect(b.results[2]).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: '(report)' }] });
    expect(b.results[3]).toMatchObject({ code: 'UNKNOWN_REFERENCE', errors: [{ field: 'perpetratorPartyIds.0' }] });
    expect(b.results[6]).toMatchObject({ code: 'DUPLICATE', errors: [{ field: 'sourceRef' }] });
    expect((await call('admin', { method: 'GET', url: `/api/v1/reports/${b.results[4].id}` })).json().occurredAt).toBe('2016-03-01T09:00:00.000Z'); // each row's time canonicalised as a single report's is
    expect((await t.db.query('SELECT count(*)::int AS n FROM reports'))[0].n).toBe(before + 3);
  });

  it('refuses a body that is not {reports: [...]} (400) or has more than the bound (413), storing nothing', async () => {
    const before = await snapshot(t.db);
    for (const payload of [{}, { reports: {} }, { reports: [], extra: 1 }, [report()]]) {
      const res = await call('admin', { method: 'POST', url: '/api/v1/reports/batch', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const res = await batch('admin', Array.from({ length: 1001 }, () => report()));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE', field: 'reports', limit: 1000 });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('takes a thousand reports in one write: one transaction, a leaf per report and per incident', async () => {
    const size = async () => Number((await t.db.query('SELECT size FROM ledger_state'))[0].size);
    const heads = async () => (await t.db.query('SELECT count(*)::int AS n FROM ledger_heads'))[0].n;
    const [s0, h0] = [await size(), await heads()];
    const base = place();
    const rows = Array.from({ length: 1000 }, (_, i) => report({ location: { type: 'Point', coordinates: [base[0] + (i % 40) * 0.1, base[1] - 0.5 - Math.floor(i / 40) * 0.1] }, occurredAt: '2016-03-03T10:00:00Z' }));
    const res = await batch('admin', rows);
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(1000);
    const incidents = new Set(res.json().results.map((r: { incidentId: string }) => r.incidentId));
    expect(incidents.size).toBe(1000); // 0.1° apart: each its own
    expect(await size()).toBe(s0 + 2000);
    expect(await heads()).toBe(h0 + 1); // one append, one signed head
  }, 60_000);
});

describe('who reads a report', () => {
  let liaisonOwn: string;
  let saafOther: string;
  let msfOwn: string;
  let onMsfSite: string;
  let siteId: string;
  beforeAll(async () => {
    // a site MSF notifies now, and reports right on it just after
    const at = place();
    const site = await call('msf', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'hospital', name: 'MSF field hospital', geometry: { type: 'Point', coordinates: at } } });
    expect(site.statusCode, site.body).toBe(201);
    siteId = site.json().id;
    const soon = new Date(Date.now() + 2000).toISOString();
    liaisonOwn = (await file('liaison', report({ location: { type: 'Point', coordinates: place() } }))).json().id;
    onMsfSite = (await file('monitor', report({ occurredAt: soon, location: { type: 'Point', coordinates: at } }))).json().id;
    msfOwn = (await file('msf', report({ location: { type: 'Point', coordinates: place() } }))).json().id;
    // another liaison of the same party
    const tok = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'saaf 2', role: 'liaison', partyId: demoId('saaf') } });
    agencies.saaf2 = { token: tok.json().token, accountId: tok.json().accountId };
    saafOther = liaisonOwn;
    const tok2 = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'jai', role: 'liaison', partyId: demoId('jai') } });
    agencies.jai = { token: tok2.json().token, accountId: tok2.json().accountId };
  });

  it('the desk reads every report, with the reporter; a liaison its own party’s, an agency its organisation’s; others get 404', async () => {
    for (const role of ['admin', 'secretariat', 'cochair', 'monitor'] as const) {
      for (const id of [liaisonOwn, msfOwn, onMsfSite]) {
        const res = await get(role, id);
        expect(res.statusCode, `${role} ${id}`).toBe(200);
        expect(res.json().reporter).toBeDefined();
      }
    }
    expect((await get('liaison', liaisonOwn)).json().reporter).toMatchObject({ role: 'liaison', partyId: demoId('saaf') });
    const colleague = await get('saaf2', saafOther);
    expect(colleague.statusCode).toBe(200);
    expect(colleague.json()).not.toHaveProperty('reporter'); // not the reporter: no identity
    for (const [who, id] of [['jai', liaisonOwn], ['liaison', msfOwn], ['wfp', msfOwn], ['agency', liaisonOwn], ['liaison', onMsfSite]] as const) {
      const res = await get(who, id);
      expect(res.statusCode, `${who} ${id}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    const mate = await get('msf2', msfOwn);
    expect(mate.statusCode).toBe(200);
    expect(mate.json()).not.toHaveProperty('reporter');
    for (const role of ['analyst', 'public'] as const) expect((await get(role, liaisonOwn)).statusCode).toBe(403);
    expect((await get('admin', '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('a report on a notified site carries the hit with its leaf and a proof that verifies; the notifying organisation sees it, others do not', async () => {
    const full = (await get('secretariat', onMsfSite)).json();
    const hit = full.enrichment.notifiedSiteHit;
    expect(hit).toMatchObject({ siteId, leafIndex: expect.any(Number), notifiedAt: expect.any(String) });
    expect(full.enrichment.nearestSite).toMatchObject({ siteId, distanceM: 0 });
    const [leaf] = await t.db.query("SELECT seq, leaf FROM ledger_leaves WHERE entity_type = 'site' AND entity_id = $1 AND action = 'site.notified'", [siteId]);
    expect(Number(leaf.seq)).toBe(hit.leafIndex);
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(leafHash(Buffer.from(leaf.leaf)).toString('hex')).toBe(hit.proof.leafHash);
    expect(verifyInclusion(hit.leafIndex, hit.proof.treeSize, hex(hit.proof.leafHash), hit.proof.path.map(hex), hex(hit.proof.rootHash))).toBe(true);
    const head = await t.db.query('SELECT root_hash FROM ledger_heads WHERE size = $1', [hit.proof.treeSize]);
    expect(head[0]?.root_hash).toBe(hit.proof.rootHash); // a signed head of that size vouches for the root
    // MSF (any of its agencies) sees the hit on its site and the distance; the monitor who filed it sees neither
    for (const who of ['msf', 'msf2'] as const) {
      const seen = await get(who, onMsfSite);
      expect(seen.statusCode).toBe(200);
      expect(seen.json().enrichment.notifiedSiteHit).toEqual(hit);
      expect(seen.json()).not.toHaveProperty('reporter');
    }
    const own = (await get('monitor', onMsfSite)).json();
    expect(own.enrichment).not.toHaveProperty('notifiedSiteHit');
    expect(own.enrichment).not.toHaveProperty('nearestSite');
    expect((await get('wfp', onMsfSite)).statusCode).toBe(404);
  });

  it('opens a report’s ledger leaf to whoever may read the report, and to nobody else', async () => {
    const proof = (who: Caller, id: string) => call(who, { method: 'GET', url: `/api/v1/entities/report/${id}/proof` });
    expect((await proof('liaison', liaisonOwn)).json()).toMatchObject({ state: { id: liaisonOwn }, salt: expect.any(String) });
    expect((await proof('msf', onMsfSite)).statusCode).toBe(200);
    expect((await proof('jai', liaisonOwn)).statusCode).toBe(404);
    expect((await proof('public', liaisonOwn)).statusCode).toBe(404);
  });
});

describe('the record', () => {
  it('holds every report and incident as stored: truce verify finds nothing wrong, and sees a changed report', async () => {
    // filed with upper-case party ids and odd casualty objects, the stored row must still hash as the leaf says
    const res = await file('admin', report({ perpetratorPartyIds: [demoId('saaf').toUpperCase()], casualties: { injured: { high: 9, best: 4 } }, location: { type: 'Point', coordinates: place() } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().perpetratorPartyIds).toEqual([demoId('saaf')]);
    const key = loadLedgerKey(t.config);
    expect((await verifySnapshot(t.db, key.publicPem)).findings).toEqual([]);
    await t.db.tx(async (q) => {
      await q.query("UPDATE reports SET text = 'rewritten' WHERE id = $1", [res.json().id]);
      expect((await verifySnapshot(q, key.publicPem)).findings.length).toBeGreaterThan(0);
      await q.query('SELECT 1/0'); // roll back
    }).catch((e) => expect(String(e)).toMatch(/division by zero/));
  });
});
