// Finding 3 of issue 8, as an attacker does it: a liaison reads the public record and
// brute-forces state hashes over guessed values to learn what the API hides from it.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, TEST_LEDGER_KEY, problemsAfterTampering, type TestApp } from '../../test/support/app.ts';
import type { Queryable } from '../db/db.ts';
import { loadRows, loadStates, stateHash } from './entities.ts';
import { loadLedgerKey } from './keys.ts';
import { leafText, signHead } from './ledger.ts';
import * as M from './merkle.ts';
import * as store from './store.ts';
import { exportBundle, verifyBundle, verifySnapshot, type Bundle } from './verify.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const SITE = { kind: 'hospital', name: 'Douma field hospital (demo)', bufferM: 500, lon: 36.4046, lat: 33.5706 };
const plainHash = (v: unknown) => createHash('sha256').update(canonicalize(v)!).digest('hex');
const round1 = (x: number) => Math.round(x * 10) / 10;

/** A point as the database hands it out (EWKB, hex): what a guess of the coordinates hashes as. */
function ewkbPoint(lon: number, lat: number): string {
  const b = Buffer.alloc(25);
  b.writeUInt8(1, 0);
  b.writeUInt32LE(0x20000001, 1);
  b.writeUInt32LE(4326, 5);
  b.writeDoubleLE(lon, 9);
  b.writeDoubleLE(lat, 17);
  return b.toString('hex');
}

async function entries(role: 'liaison' | 'secretariat') {
  const head = (await t.call(role, { method: 'GET', url: '/api/v1/ledger/head' })).json();
  const items: any[] = [];
  for (let start = 0; start < head.size; start += 1000) {
    const res = await t.call(role, { method: 'GET', url: `/api/v1/ledger/entries?start=${start}&end=${Math.min(head.size, start + 1000)}` });
    expect(res.statusCode).toBe(200);
    items.push(...res.json().items);
  }
  return items;
}

describe('finding 3: the public record leaks what the API hides', () => {
  let siteId: string;
  let vettingId: string;

  beforeAll(async () => {
    const s = await t.call('agency', {
      method: 'POST',
      url: '/api/v1/sites',
      payload: { kind: SITE.kind, name: SITE.name, bufferM: SITE.bufferM, validFrom: '2016-01-01T00:00:00Z', geometry: { type: 'Point', coordinates: [SITE.lon, SITE.lat] } },
    });
    expect(s.statusCode, s.body).toBe(201);
    siteId = s.json().id;
    const v = await t.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { target: { type: 'Point', coordinates: [36.4046, 33.5727] }, at: '2016-03-01T00:00:00Z', requestingPartyId: demoId('saaf') } });
    expect(v.statusCode, v.body).toBe(201);
    vettingId = v.json().id;
  });

  it('a liaison cannot recover a site’s distance from its own vetting leaf', async () => {
    const items = await entries('liaison');
    const mine = (await t.call('liaison', { method: 'GET', url: `/api/v1/vetting/${vettingId}` })).json();
    expect(mine.reasons.map((r: any) => r.code)).toContain('REFERRED_TO_TASK_FORCE'); // told only that it was referred
    // the attacker's leaf: by its id if the record shows it, else the latest vetting leaf (it just asked)
    const vettingLeaves = items.filter((e) => e.entity.type === 'vetting');
    const leaf = vettingLeaves.find((e) => e.entity.id === vettingId) ?? vettingLeaves[vettingLeaves.length - 1];
    // the fields it knows: its own request, its party, and the row's seq (the count of vetting leaves);
    // the test takes their stored form from the row so that only the guessed part is guessed
    const known: any = (await loadStates(t.db, 'vetting', [vettingId])).get(vettingId);
    expect({ id: known.id, requested_by: known.requested_by }).toEqual({ id: mine.id, requested_by: mine.requestedBy });
    // the strongest attacker: every exact reason but the distance (it guesses the decision, the site's name, kind and buffer)
    const redacted = known.reasons.findIndex((r: any) => r.code === 'PROTECTED_SITE');
    expect(redacted).toBeGreaterThanOrEqual(0);
    // site ids the record shows, and (as if learnt another way) the true one
    const siteIds = [...new Set([...items.filter((e) => e.entity.type === 'site' && e.entity.id).map((e) => e.entity.id), siteId])];
    const salt = (await t.call('liaison', { method: 'GET', url: `/api/v1/entities/vetting/${vettingId}/proof` })).json().salt; // what the API lets it have
    const hash = (state: unknown) => (salt ? createHash('sha256').update(Buffer.from(salt, 'hex')).update(canonicalize(state)!).digest('hex') : plainHash(state));

    const started = performance.now();
    let tried = 0;
    let recovered: number | null = null;
    search: for (const sid of siteIds) {
      for (let dm = 0; dm <= 10_000; dm++) {
        const d = round1(dm / 10);
        const reasons = [...known.reasons];
        reasons[redacted] = { code: 'PROTECTED_SITE', detail: `The target is ${d} m from the ${SITE.kind} site "${SITE.name}", within its ${SITE.bufferM} m buffer.`, siteId: sid, distanceM: d };
        tried++;
        if (hash({ ...known, reasons }) === leaf.stateHash) {
          recovered = d;
          break search;
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`vetting leaf: ${tried} hashes in ${seconds.toFixed(2)} s, recovered ${recovered === null ? 'nothing' : `${recovered} m`}; salt given: ${Boolean(salt)}; actor shown: ${JSON.stringify(leaf.actor ?? null)}`);
    expect(recovered).toBeNull();
    // the search itself is sound: with the row's salt (which only the task force gets) it finds the distance
    const { salt: trueSalt } = (await loadRows(t.db, 'vetting', [vettingId])).get(vettingId)!;
    const exact = known.reasons[redacted].distanceM;
    const withSalt = (state: unknown) => createHash('sha256').update(trueSalt).update(canonicalize(state)!).digest('hex');
    const reasons = [...known.reasons];
    reasons[redacted] = { code: 'PROTECTED_SITE', detail: `The target is ${exact} m from the ${SITE.kind} site "${SITE.name}", within its ${SITE.bufferM} m buffer.`, siteId, distanceM: exact };
    expect(withSalt({ ...known, reasons })).toBe(leaf.stateHash);
    expect(leaf.actor ?? null).toBeNull(); // who asked is not on the record for this reader
    expect(leaf.entity.id ?? null).toBeNull();
  }, 120_000);

  it('a liaison cannot recover a site’s position from its leaf, even narrowed to a square kilometre', async () => {
    const items = await entries('liaison');
    const siteLeaves = items.filter((e) => e.entity.type === 'site');
    const leaf = siteLeaves.find((e) => e.entity.id === siteId) ?? siteLeaves[siteLeaves.length - 1];
    const known: any = (await loadStates(t.db, 'site', [siteId])).get(siteId); // every field but the position, as if guessed
    const salt = (await t.call('liaison', { method: 'GET', url: `/api/v1/entities/site/${siteId}/proof` })).json().salt;
    const hash = (state: unknown) => (salt ? createHash('sha256').update(Buffer.from(salt, 'hex')).update(canonicalize(state)!).digest('hex') : plainHash(state));
    // a grid of 1e-4° (about 10 m) over a box of about 1 km around a guess 300 m off
    const g = { lon: 36.4046 + 0.0027, lat: 33.5706 - 0.0013 };
    const started = performance.now();
    let tried = 0;
    let found: [number, number] | null = null;
    search: for (let i = -60; i <= 60; i++) {
      for (let j = -50; j <= 50; j++) {
        const lon = Number((g.lon + i * 1e-4).toFixed(4));
        const lat = Number((g.lat + j * 1e-4).toFixed(4));
        tried++;
        const geom = /[A-F]/.test(known.geom) ? ewkbPoint(lon, lat).toUpperCase() : ewkbPoint(lon, lat); // as the driver spells it
        if (hash({ ...known, geom }) === leaf.stateHash) {
          found = [lon, lat];
          break search;
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`site leaf: ${tried} hashes in ${seconds.toFixed(2)} s, found ${found ? found.join(', ') : 'nothing'}; salt given: ${Boolean(salt)}`);
    expect(known.geom).toMatch(/^0101000020e6100000/i); // the guess is hashed in the stored form
    expect(found).toBeNull();
  }, 120_000);

  it('a liaison gets no salt of its own vetting row or of any site; the task force gets both', async () => {
    for (const url of [`/api/v1/entities/vetting/${vettingId}/proof`, `/api/v1/entities/site/${siteId}/proof`]) {
      const res = await t.call('liaison', { method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toMatch(/salt/);
      const tf = await t.call('secretariat', { method: 'GET', url });
      expect(tf.statusCode).toBe(200);
      expect(tf.json().salt).toMatch(/^[0-9a-f]{64}$/);
    }
    const own = await t.call('agency', { method: 'GET', url: `/api/v1/entities/site/${siteId}/proof` });
    expect(own.statusCode).toBe(200); // the notifying agency may read its own site, and so its salt
    expect(own.json().salt).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.call('liaison', { method: 'GET', url: `/api/v1/entities/party/${demoId('saaf')}/proof` })).json().salt).toMatch(/^[0-9a-f]{64}$/);
  });
});

const key = loadLedgerKey({ ledgerKey: TEST_LEDGER_KEY, dataDir: '' });

/** What the code before leaf format 2 wrote: a plain state hash, actor and entity in clear. */
async function appendFormat1(type: 'site', id: string, action: string) {
  await t.db.tx(async (q) => {
    const st = await store.logState(q, true);
    const base = { seq: st.size, at: new Date(), actorId: null, actorRole: 'system', action, entityType: type, entityId: id, stateHash: stateHash((await loadStates(q, type, [id])).get(id)!), version: 1, subject: null };
    const grown = M.append(st.size, st.frontier, [M.leafHash(Buffer.from(leafText(base)))]);
    const head = signHead(key, grown.size, M.frontierRoot(grown.size, grown.frontier).toString('hex'), base.at);
    expect(await store.insertLeaves(q, st.size, [{ ...base, leaf: leafText(base) }], grown.nodes, grown.frontier, head)).toBe(true);
  });
}

async function problemsAfter(sql: (q: Queryable) => Promise<unknown>): Promise<string[]> {
  return problemsAfterTampering(t.db, key.publicPem, sql);
}

describe('format 1 and format 2 leaves side by side', () => {
  let oldSite: string;
  let newSite: string;
  beforeAll(async () => {
    const [r] = await t.db.query(
      `INSERT INTO sites (kind, name, geom, buffer_m, valid_from, organisation) VALUES ('school', 'Old school (demo)', ST_SetSRID(ST_MakePoint(36.3, 33.5), 4326), 500, '2016-01-01', 'NGO') RETURNING id`,
    );
    oldSite = r.id;
    await appendFormat1('site', oldSite, 'site.notified');
    newSite = (
      await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: 'New school (demo)', validFrom: '2016-01-01T00:00:00Z', geometry: { type: 'Point', coordinates: [36.31, 33.51] } } })
    ).json().id;
    await t.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { target: { type: 'Point', coordinates: [36.31, 33.512] }, requestingPartyId: demoId('saaf') } });
  });

  it('keeps a stored format 1 leaf verifiable next to format 2 ones, in the database and in a bundle', async () => {
    expect(await problemsAfter(async () => {})).toEqual([]);
    const b: Bundle = JSON.parse(JSON.stringify(await exportBundle(t.db, key.publicPem)));
    expect(b.format).toBe('truce-ledger-bundle/2');
    expect((await verifyBundle(b)).findings).toEqual([]);
    expect(b.leaves.some((l) => JSON.parse(l).version === undefined && JSON.parse(l).entity.type === 'site')).toBe(true);
  });

  it('shows a liaison a format 1 site leaf as seq, time, action, type and leaf hash only, enough to check its inclusion', async () => {
    const items = await entries('liaison');
    const old = items.find((e) => e.entity.type === 'site' && e.version === 1)!;
    expect(Object.keys(old).sort()).toEqual(['action', 'entity', 'leafHash', 'seq', 'time', 'version']);
    expect(old.entity).toEqual({ type: 'site' });
    const head = (await t.call('liaison', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    const p = (await t.call('liaison', { method: 'GET', url: `/api/v1/ledger/proof/inclusion?index=${old.seq}&size=${head.size}` })).json();
    expect(M.verifyInclusion(old.seq, head.size, Buffer.from(old.leafHash, 'hex'), p.proof.map((x: string) => Buffer.from(x, 'hex')), Buffer.from(head.rootHash, 'hex'))).toBe(true);
    const fresh = items.filter((e) => e.entity.type === 'site' && e.version === 2);
    expect(fresh.length).toBeGreaterThan(0);
    for (const e of fresh) expect(JSON.parse(e.leaf)).not.toHaveProperty('actor');
    const tf = (await entries('secretariat')).find((e) => e.seq === old.seq)!;
    expect(tf.entity.id).toBe(oldSite);
    expect(tf.leaf).toMatch(/"stateHash"/);
  });

  it.each<[string, () => string, string]>([
    ['a changed salt', () => `UPDATE sites SET salt = sha256(salt) WHERE name = 'New school (demo)'`, 'row_changed'],
    ['a format 1 row changed', () => `UPDATE sites SET buffer_m = 0 WHERE name = 'Old school (demo)'`, 'row_changed'],
    ['a sensitive leaf’s actor rewritten', () => `UPDATE ledger_leaves SET actor_id = NULL WHERE seq = (SELECT max(seq) FROM ledger_leaves WHERE entity_type = 'vetting')`, 'leaf_subject_mismatch'],
    ['a sensitive leaf moved to another entity', () => `UPDATE ledger_leaves SET entity_id = (SELECT id::text FROM sites WHERE name = 'Old school (demo)') WHERE entity_id = (SELECT id::text FROM sites WHERE name = 'New school (demo)')`, 'leaf_subject_mismatch'],
  ])('catches %s', async (_n, sql, want) => {
    expect(await problemsAfter((q) => q.query(sql()))).toContain(want);
  });

  it('catches a changed salt or opening in a bundle', async () => {
    const b: Bundle = JSON.parse(JSON.stringify(await exportBundle(t.db, key.publicPem)));
    const salt = JSON.parse(JSON.stringify(b)) as Bundle;
    salt.salts!.site[newSite] = 'ab'.repeat(32);
    const problems = (await verifyBundle(salt)).findings.map((f) => f.problem);
    expect(problems).toContain('row_changed');
    expect(problems).toContain('leaf_subject_mismatch');
    const opening = JSON.parse(JSON.stringify(b)) as Bundle;
    const seq = Object.keys(opening.openings!).pop()!;
    opening.openings![seq].actorId = null;
    expect((await verifyBundle(opening)).findings.map((f) => f.problem)).toEqual(['leaf_subject_mismatch']);
    const none = JSON.parse(JSON.stringify(b)) as Bundle;
    delete none.openings;
    expect((await verifyBundle(none)).findings.map((f) => f.problem)).toContain('leaf_unopened');
  });
});

describe('the in-browser check (web/src/ledger/verify.ts) with salts', () => {
  it('checks the leaf, its inclusion and the state commitment for whoever holds the row, and catches a changed state', async () => {
    const { verifyEntityProof } = await import('../../web/src/ledger/verify.ts');
    const sites = (await t.call('secretariat', { method: 'GET', url: '/api/v1/sites' })).json();
    const site = sites.items?.[0]?.id ?? sites.features?.[0]?.id;
    for (const [role, url] of [['liaison', `/api/v1/entities/party/${demoId('saaf')}/proof`], ['secretariat', `/api/v1/entities/site/${site}/proof`]] as const) {
      const proof = (await t.call(role, { method: 'GET', url })).json();
      expect(await verifyEntityProof(proof), url).toMatchObject({ ok: true, stateChecked: true });
      const changed = { ...proof, state: { ...proof.state, name: 'Something else' } };
      expect(await verifyEntityProof(changed)).toMatchObject({ ok: false, reason: expect.stringMatching(/not the state its leaf \d+ commits to/) });
    }
  });
});

describe('finding 4 in process: a log cut off at the end', () => {
  it('has no finding at all once leaves, rows, heads, nodes and the log row are cut (the old verdict: "intact"), and is not anchored; a kept head names the cut', async () => {
    for (let i = 0; i < 10; i++) expect((await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name: `Cut ${i}`, kind: 'other' } })).statusCode).toBe(201);
    const kept = (await t.call('public', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    let bare: Awaited<ReturnType<typeof verifySnapshot>> | null = null;
    let against: string[] = [];
    await t.db
      .tx(async (q) => {
        const keep = kept.size - 10;
        const gone = await q.query('SELECT entity_id FROM ledger_leaves WHERE seq >= $1', [keep]);
        await q.query('DELETE FROM parties WHERE id::text = ANY($1::text[])', [gone.map((l) => l.entity_id)]);
        await q.query('DELETE FROM ledger_leaves WHERE seq >= $1', [keep]);
        await q.query('DELETE FROM ledger_cosignatures WHERE size > $1', [keep]);
        await q.query('DELETE FROM ledger_heads WHERE size > $1', [keep]);
        await q.query('DELETE FROM ledger_nodes WHERE (idx + 1) * (1::bigint << level) > $1', [keep]);
        const { frontier } = M.append(0, [], (await q.query('SELECT leaf FROM ledger_leaves ORDER BY seq')).map((r) => M.leafHash(Buffer.from(r.leaf))));
        await q.query('UPDATE ledger_state SET size = $1, frontier = $2::jsonb', [keep, JSON.stringify(frontier.map((h) => (h ? h.toString('hex') : null)))]);
        bare = await verifySnapshot(q, key.publicPem);
        against = (await verifySnapshot(q, key.publicPem, [{ ...kept, from: 'the kept head' }])).findings.map((f) => f.problem);
        throw new Error('roll back');
      })
      .catch((e) => expect(e.message).toBe('roll back'));
    expect(bare!.findings).toEqual([]);
    expect(bare!.anchored).toBeNull();
    expect(against).toEqual(['history_truncated']);
  });
});
