import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, TEST_LEDGER_KEY, problemsAfterTampering, type TestApp } from '../../test/support/app.ts';
import type { Db, Queryable } from '../db/db.ts';
import canonicalize from 'canonicalize';
import { commitState, loadRows, subjectText } from './entities.ts';
import { loadLedgerKey } from './keys.ts';
import { leafText, leafTextReference, SYSTEM, useLedgerKey, write } from './ledger.ts';
import * as M from './merkle.ts';
import { exportBundle, verifyBundle, verifyDatabase, verifySnapshot, type Bundle } from './verify.ts';

let t: TestApp;
const key = loadLedgerKey({ ledgerKey: TEST_LEDGER_KEY, dataDir: '' });
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const unhex = (s: string) => Buffer.from(s, 'hex');
const size = async () => (await t.db.query('SELECT size FROM ledger_state'))[0].size as number;
const newParty = async (name = `Brigade ${Math.random().toString(36).slice(2)}`) => {
  const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/parties', payload: { name, kind: 'non_state_armed_group' } });
  expect(res.statusCode).toBe(201);
  return res.json();
};

describe('every accepted write is a leaf', () => {
  it('appends a leaf with the actor, action, entity and the hash of the row as written', async () => {
    const before = await size();
    const p = await newParty();
    expect(await size()).toBe(before + 1);
    const [leaf] = await t.db.query('SELECT * FROM ledger_leaves WHERE seq = $1', [before]);
    const parsed = JSON.parse(leaf.leaf);
    const row = (await loadRows(t.db, 'party', [p.id])).get(p.id)!;
    const [tok] = await t.db.query(`SELECT account_id FROM api_tokens WHERE name = 'test secretariat'`);
    expect(parsed).toEqual({
      seq: before,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      actor: { id: tok.account_id, role: 'secretariat' },
      action: 'party.created',
      entity: { type: 'party', id: p.id },
      stateHash: commitState(row.salt, row.state),
      version: 2,
    });
    expect(row.salt.length).toBe(32);
  });

  it('adds no leaf for a refused write, and no write without its leaf', async () => {
    const before = await snapshot(t.db);
    const n = await size();
    const res = await t.call('secretariat', { method: 'POST', url: `/api/v1/parties/${demoId('isil')}/commitments`, payload: { type: 'committed', at: '2016-02-25T00:00:00Z', viaPartyId: demoId('usa') } });
    expect(res.statusCode).toBe(409);
    expect(await size()).toBe(n);
    expect(await snapshot(t.db)).toBe(before);
    await expect(write(t.db, SYSTEM, async ({ q }) => q.query(`UPDATE parties SET aliases = '{x}' WHERE id = $1`, [demoId('isil')]))).rejects.toThrow(/recorded no ledger leaf/);
    expect((await t.db.query('SELECT aliases FROM parties WHERE id = $1', [demoId('isil')]))[0].aliases).not.toEqual(['x']);
  });

  it('records commitments, terms, accounts and tokens too', async () => {
    const p = await newParty();
    await t.call('secretariat', { method: 'POST', url: `/api/v1/parties/${p.id}/commitments`, payload: { type: 'committed', at: '2016-02-25T00:00:00Z', viaPartyId: demoId('usa') } });
    const tok = (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'feed', role: 'analyst' } })).json();
    await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${tok.id}` });
    const actions = (await t.db.query('SELECT action FROM ledger_leaves ORDER BY seq DESC LIMIT 4')).map((r) => r.action).reverse();
    expect(actions).toEqual(['commitment.committed', 'account.created', 'token.issued', 'token.revoked']);
    const seeded = (await t.db.query(`SELECT DISTINCT entity_type FROM ledger_leaves`)).map((r) => r.entity_type).sort();
    expect(seeded).toEqual(['account', 'api_token', 'commitment', 'designation', 'party', 'terms']);
  });
});

describe('the leaf text', () => {
  it.each([
    ['plain', { action: 'party.created', actorId: null, actorRole: 'system', entityId: 'a1', entityType: 'party' }],
    ['escapes and non-ASCII', { action: 'x"\\\n\u2028é', actorId: '00000000-2016-4000-8000-000000000001', actorRole: 'r\u0001', entityId: 'حزب', entityType: 't\t' }],
  ])('is exactly RFC 8785 (%s), in every format', (_n, f) => {
    for (const [version, subject] of [[1, null], [2, null], [2, 'cd'.repeat(32)]] as const) {
      const l = { ...f, seq: 12345, at: new Date('2016-02-27T00:00:00Z'), stateHash: 'ab'.repeat(32), version, subject };
      expect(leafText(l), `format ${version}${subject ? ', hiding' : ''}`).toBe(leafTextReference(l));
      const s = { actorId: f.actorId, actorRole: f.actorRole, entityType: f.entityType, entityId: f.entityId, seq: 12345 };
      expect(subjectText(s)).toBe(canonicalize({ actor: { id: s.actorId, role: s.actorRole }, entity: { type: s.entityType, id: s.entityId }, seq: s.seq }));
    }
  });
});

describe('heads and proofs over the API', () => {
  it('signs a head whose root is the RFC 9162 root of every leaf', async () => {
    const head = (await t.call('public', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    const leaves = (await t.db.query('SELECT leaf FROM ledger_leaves ORDER BY seq')).map((r) => M.leafHash(Buffer.from(r.leaf)));
    expect(head.size).toBe(leaves.length);
    expect(head.rootHash).toBe(M.rootOf(leaves).toString('hex'));
    expect(head.keyId).toBe(key.keyId);
    const { verifyPayload } = await import('./keys.ts');
    expect(verifyPayload(head.publicKey, Buffer.from(head.signed), head.signature)).toBe(true);
    expect(JSON.parse(head.signed)).toEqual({ keyId: head.keyId, log: 'truce', rootHash: head.rootHash, size: head.size, timestamp: head.timestamp });
  });

  it('lists entries, and every inclusion proof verifies against the root', async () => {
    const head = (await t.call('analyst', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    const entries = (await t.call('analyst', { method: 'GET', url: `/api/v1/ledger/entries?start=0&end=${head.size}` })).json();
    expect(entries.items.map((e: any) => e.seq)).toEqual([...Array(head.size).keys()]);
    for (const e of entries.items) {
      const p = (await t.call('analyst', { method: 'GET', url: `/api/v1/ledger/proof/inclusion?index=${e.seq}&size=${head.size}` })).json();
      expect(p.leafHash).toBe(e.leafHash);
      expect(p.rootHash).toBe(head.rootHash);
      expect(M.verifyInclusion(e.seq, head.size, unhex(e.leafHash), p.proof.map(unhex), unhex(head.rootHash)), `leaf ${e.seq}`).toBe(true);
    }
  });

  it('proves an older head consistent with a newer one', async () => {
    const old = (await t.call('monitor', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    await newParty();
    await newParty();
    const cur = (await t.call('monitor', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    const p = (await t.call('monitor', { method: 'GET', url: `/api/v1/ledger/proof/consistency?first=${old.size}&second=${cur.size}` })).json();
    expect(p.firstRoot).toBe(old.rootHash);
    expect(p.secondRoot).toBe(cur.rootHash);
    expect(M.verifyConsistency(old.size, cur.size, unhex(old.rootHash), unhex(cur.rootHash), p.proof.map(unhex))).toBe(true);
  });

  it('proves the empty tree a prefix of any tree', async () => {
    const p = (await t.call('monitor', { method: 'GET', url: '/api/v1/ledger/proof/consistency?first=0' })).json();
    expect(p.firstRoot).toBe(M.EMPTY_ROOT.toString('hex'));
    expect(p.proof).toEqual([]);
    expect(p.secondRoot).toBe((await t.call('monitor', { method: 'GET', url: '/api/v1/ledger/head' })).json().rootHash);
  });

  it('gives an entity’s latest leaf with its proof in the current signed head', async () => {
    const p = await newParty();
    await t.call('secretariat', { method: 'PATCH', url: `/api/v1/parties/${p.id}`, payload: { aliases: ['renamed'] } });
    const res = (await t.call('liaison', { method: 'GET', url: `/api/v1/entities/party/${p.id}/proof` })).json();
    expect(res.leaf.action).toBe('party.updated');
    expect(M.verifyInclusion(res.leaf.seq, res.head.size, unhex(res.leaf.leafHash), res.proof.map(unhex), unhex(res.head.rootHash))).toBe(true);
  });

  it.each([
    ['/api/v1/ledger/proof/inclusion?index=5&size=3', 400, 'index'],
    ['/api/v1/ledger/proof/inclusion?index=0&size=99999999', 400, 'size'],
    ['/api/v1/ledger/proof/inclusion?index=-1', 400, 'index'],
    ['/api/v1/ledger/proof/consistency?first=9&second=3', 400, 'first'],
    ['/api/v1/ledger/entries?start=0&end=5000', 400, 'end'],
    ['/api/v1/entities/party/3f1d2c7a-0000-4000-8000-000000000000/proof', 404, 'id'],
    ['/api/v1/entities/spaceship/1/proof', 400, 'type'],
  ])('refuses %s', async (url, status, field) => {
    const res = await t.call('analyst', { method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.json().field).toBe(field);
  });
});

describe('cosigning', () => {
  it('lets a co-chair register a key and cosign a head, and refuses a bad signature', async () => {
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const head = (await t.call('cochair', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    const early = await t.call('cochair', { method: 'POST', url: '/api/v1/ledger/cosign', payload: { size: head.size, signature: 'AAAA' } });
    expect(early.statusCode).toBe(422);
    expect((await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey: 'not a key at all, not at all, not at all' } })).statusCode).toBe(400);
    expect((await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey: pem } })).statusCode).toBe(200);
    const head2 = (await t.call('cochair', { method: 'GET', url: '/api/v1/ledger/head' })).json(); // the key registration is itself a leaf
    const bad = await t.call('cochair', { method: 'POST', url: '/api/v1/ledger/cosign', payload: { size: head2.size, signature: sign(null, Buffer.from('other'), pair.privateKey).toString('base64') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('signature');
    const ok = await t.call('cochair', { method: 'POST', url: '/api/v1/ledger/cosign', payload: { size: head2.size, signature: sign(null, Buffer.from(head2.signed), pair.privateKey).toString('base64') } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().cosignatures).toEqual([expect.objectContaining({ partyId: demoId('usa'), accountName: 'test cochair' })]);
    expect((await verifyDatabase(t.db, key.publicPem)).findings).toEqual([]);
  });
});

describe('concurrency', () => {
  it('8 writers at once leave a gap-free sequence and a consistent tree', async () => {
    const before = await size();
    await Promise.all(Array.from({ length: 8 }, (_, w) => (async () => {
      for (let i = 0; i < 5; i++) await newParty(`Writer ${w} party ${i}`);
    })()));
    const seqs = (await t.db.query('SELECT seq FROM ledger_leaves WHERE seq >= $1 ORDER BY seq', [before])).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => before + i));
    const { findings, size: n } = await verifyDatabase(t.db, key.publicPem);
    expect(findings).toEqual([]);
    expect(n).toBe(before + 40);
  });
});

describe('overlapping commits (grouped vetting commits two at a time on PostgreSQL)', () => {
  /** The database with a gate before each COMMIT: `hold` keeps the next transaction open after its append. */
  function gatedDb() {
    const gates: { open: () => void; fail: (e: Error) => void; appended: Promise<void> }[] = [];
    const appended: (() => void)[] = [];
    const reads = { log: 0 }; // the log's state read under lock: what a write does when it has no head to build on
    const db: Db = {
      ...t.db,
      tx: (fn) =>
        t.db.tx(async (q) => {
          const out = await fn({
            query: (sql, params) => (/FROM ledger_state .*FOR UPDATE/.test(sql) && reads.log++, q.query(sql, params)),
            exec: (sql) => q.exec(sql),
          });
          const g = gates.shift();
          if (g) {
            appended.shift()?.();
            await new Promise<void>((resolve, reject) => Object.assign(g, { open: resolve, fail: reject }));
          }
          return out;
        }),
    };
    const hold = () => {
      let done!: () => void;
      const g = { open: () => {}, fail: (_e: Error) => {}, appended: new Promise<void>((r) => (done = r)) };
      appended.push(done);
      gates.push(g);
      return g;
    };
    return { db: useLedgerKey(db, key), hold, reads };
  }
  const rename = (db: Db, id: string, alias: string) =>
    write(db, SYSTEM, async (w) => {
      const [row] = await w.q.query('UPDATE parties SET aliases = $2 WHERE id = $1 RETURNING *', [id, [alias]]);
      w.record('party.updated', 'party', row);
      return row;
    });

  it('a write that starts while another is still open builds on its head, and both land in order', async () => {
    const { db, hold, reads } = gatedDb();
    await rename(db, demoId('isil'), 'warm'); // the head is now known to this Db
    const before = await size();
    reads.log = 0;
    const first = hold();
    const a = rename(db, demoId('isil'), 'first');
    await first.appended;
    const b = rename(db, demoId('nusra'), 'second'); // on PostgreSQL its append now waits for a's lock
    first.open();
    await Promise.all([a, b]);
    const leaves = await t.db.query('SELECT seq, entity_id FROM ledger_leaves WHERE seq >= $1 ORDER BY seq', [before]);
    expect(leaves.map((r) => [r.seq, r.entity_id])).toEqual([[before, demoId('isil')], [before + 1, demoId('nusra')]]);
    expect(reads.log).toBe(0); // the second built on the first's head without reading the log
    expect((await verifyDatabase(t.db, key.publicPem)).findings).toEqual([]);
  });

  it('when the write it built on fails, the next one reads the log again and appends where the log really ends', async () => {
    const { db, hold, reads } = gatedDb();
    await rename(db, demoId('isil'), 'warm');
    const before = await size();
    reads.log = 0;
    const first = hold();
    const a = rename(db, demoId('isil'), 'rolled back');
    await first.appended;
    const b = rename(db, demoId('nusra'), 'kept');
    first.fail(new Error('the first commit failed'));
    await expect(a).rejects.toThrow(/first commit failed/);
    await b;
    const leaves = await t.db.query('SELECT seq, entity_id FROM ledger_leaves WHERE seq >= $1 ORDER BY seq', [before]);
    expect(leaves.map((r) => [r.seq, r.entity_id])).toEqual([[before, demoId('nusra')]]);
    expect(reads.log).toBe(1);
    expect((await t.db.query('SELECT aliases FROM parties WHERE id = $1', [demoId('isil')]))[0].aliases).toEqual(['warm']);
    expect((await verifyDatabase(t.db, key.publicPem)).findings).toEqual([]);
    await rename(db, demoId('isil'), 'after'); // and the head this Db keeps is right again
    expect(await size()).toBe(before + 2);
    expect((await verifyDatabase(t.db, key.publicPem)).findings).toEqual([]);
  });
});

/** Tampers inside a transaction, verifies what the database then holds, and rolls back. */
async function tampered(sql: (q: Queryable) => Promise<unknown>): Promise<string[]> {
  await t.call('public', { method: 'GET', url: '/api/v1/ledger/head' }); // a signed head over everything so far
  return problemsAfterTampering(t.db, key.publicPem, sql);
}

describe('tampering behind the server’s back is caught', () => {
  it('finds nothing wrong in an untouched database', async () => {
    expect(await tampered(async () => {})).toEqual([]);
  });

  it.each<[string, (q: Queryable) => Promise<unknown>, string[]]>([
    ['a changed entity row', (q) => q.query(`UPDATE parties SET name = 'Rewritten' WHERE id = $1`, [demoId('saaf')]), ['row_changed']],
    ['a commitment moved in time', (q) => q.query(`UPDATE commitments SET at = at - interval '3 days' WHERE party_id = $1`, [demoId('fsa')]), ['row_changed']],
    ['a row written without the ledger', (q) => q.query(`INSERT INTO parties (name, kind) VALUES ('Ghost Brigade', 'other')`), ['row_without_leaf']],
    ['a deleted row', (q) => q.query(`DELETE FROM api_tokens WHERE name = 'test public'`), ['row_deleted']],
    ['a deleted leaf', (q) => q.query('DELETE FROM ledger_leaves WHERE seq = 3'), ['leaf_sequence_broken', 'head_root_mismatch']],
    [
      'two swapped leaves',
      (q) => q.query(`UPDATE ledger_leaves l SET leaf = o.leaf FROM ledger_leaves o WHERE (l.seq, o.seq) IN ((2, 5), (5, 2))`),
      ['leaf_out_of_place', 'leaf_columns_changed', 'head_root_mismatch'],
    ],
    ['a forged head root', (q) => q.query(`UPDATE ledger_heads SET root_hash = repeat('ab', 32) WHERE size = (SELECT max(size) FROM ledger_heads)`), ['head_root_mismatch', 'head_signature_invalid']],
    [
      'a head signed by another key',
      async (q) => {
        const other = generateKeyPairSync('ed25519').privateKey;
        const [h] = await q.query('SELECT * FROM ledger_heads ORDER BY size DESC LIMIT 1');
        await q.query('UPDATE ledger_heads SET signature = $2 WHERE size = $1', [h.size, sign(null, Buffer.from('x'), other).toString('base64')]);
      },
      ['head_signature_invalid'],
    ],
    ['a changed tree node', (q) => q.query(`UPDATE ledger_nodes SET hash = sha256(hash) WHERE level = 1 AND idx = 0`), ['node_mismatch']],
    ['leaves cut off the end', (q) => q.query('DELETE FROM ledger_leaves WHERE seq >= (SELECT size - 2 FROM ledger_state)'), ['head_beyond_log', 'log_size_mismatch']],
  ])('%s', async (_n, sql, want) => {
    const problems = await tampered(sql);
    for (const w of want) expect(problems, problems.join(', ')).toContain(w);
  });
});

describe('signed heads and anchors', () => {
  it('signs the head every write leads to, in the same transaction', async () => {
    await newParty();
    const [h] = await t.db.query('SELECT max(size)::int AS size FROM ledger_heads');
    expect(h.size).toBe(await size());
  });

  it.each<[string, (q: Queryable) => Promise<unknown>, string]>([
    ['all signed heads removed', (q) => q.query('DELETE FROM ledger_cosignatures').then(() => q.query('DELETE FROM ledger_heads')), 'leaves_unsigned'],
    ['the latest leaf rewritten with its nodes and state, heads left alone', async (q) => {
      const [l] = await q.query('SELECT seq, leaf FROM ledger_leaves ORDER BY seq DESC LIMIT 1');
      await q.query('UPDATE ledger_leaves SET leaf = $2 WHERE seq = $1', [l.seq, l.leaf.replace('"action":"', '"action":"x')]);
    }, 'head_root_mismatch'],
  ])('catches %s', async (_n, sql, want) => {
    expect(await tampered(sql)).toContain(want);
  });

  it('catches history rewritten and re-signed with the server key, given a head kept from before', async () => {
    await t.call('public', { method: 'GET', url: '/api/v1/ledger/head' });
    const kept = await exportBundle(t.db, key.publicPem);
    const anchors = kept.heads.slice(-1).map((h) => ({ size: h.size, rootHash: h.rootHash, from: 'the kept head' }));
    let problems: string[] = [];
    await t.db
      .tx(async (q) => {
        // an insider with the key file rewrites leaf 3 and re-signs every head: self-consistent
        const leaves = (await q.query('SELECT seq, leaf FROM ledger_leaves ORDER BY seq')).map((r) => r.leaf as string);
        leaves[3] = leaves[3].replace('"action":"', '"action":"re');
        await q.query('UPDATE ledger_leaves SET leaf = $2, action = $3 WHERE seq = $1', [3, leaves[3], JSON.parse(leaves[3]).action]);
        const grown = M.append(0, [], leaves.map((l) => M.leafHash(Buffer.from(l))));
        for (const n of grown.nodes) await q.query('UPDATE ledger_nodes SET hash = $3 WHERE level = $1 AND idx = $2', [n.level, n.index, n.hash]);
        await q.query('UPDATE ledger_state SET frontier = $1::jsonb', [JSON.stringify(grown.frontier.map((h) => (h ? h.toString('hex') : null)))]);
        await q.query('DELETE FROM ledger_cosignatures');
        await q.query('DELETE FROM ledger_heads');
        const root = M.frontierRoot(grown.size, grown.frontier).toString('hex');
        const { signHead } = await import('./ledger.ts');
        const { insertHead } = await import('./store.ts');
        await insertHead(q, signHead(key, grown.size, root, new Date()));
        expect((await verifySnapshot(q, key.publicPem)).findings).toEqual([]); // fools a verifier with nothing kept
        problems = (await verifySnapshot(q, key.publicPem, anchors)).findings.map((f) => f.problem);
        throw new Error('roll back');
      })
      .catch((e) => expect(e.message).toBe('roll back'));
    expect(problems).toContain('history_rewritten');
  });

  it('keeps a cosignature valid after the co-chair registers a new key', async () => {
    const first = generateKeyPairSync('ed25519');
    await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey: first.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    const head = (await t.call('cochair', { method: 'GET', url: '/api/v1/ledger/head' })).json();
    await t.call('cochair', { method: 'POST', url: '/api/v1/ledger/cosign', payload: { size: head.size, signature: sign(null, Buffer.from(head.signed), first.privateKey).toString('base64') } });
    const second = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey: second } });
    expect((await verifyDatabase(t.db, key.publicPem)).findings).toEqual([]);
  });

  it('refuses a weak or malformed co-chair key', async () => {
    for (const publicKey of [Buffer.alloc(32).toString('base64'), Buffer.alloc(49, 7).toString('base64')]) {
      expect((await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey } })).statusCode).toBe(400);
    }
  });
});

describe('offline bundle', () => {
  it('verifies with no database, and catches a changed leaf, state or signature', async () => {
    await t.call('public', { method: 'GET', url: '/api/v1/ledger/head' });
    const b: Bundle = JSON.parse(JSON.stringify(await exportBundle(t.db, key.publicPem)));
    expect((await verifyBundle(b)).findings).toEqual([]);
    const copy = () => JSON.parse(JSON.stringify(b)) as Bundle;

    const leaf = copy();
    leaf.leaves[4] = leaf.leaves[4].replace(/"action":"[a-z_.]+"/, '"action":"party.deleted"');
    expect((await verifyBundle(leaf)).findings.map((f) => f.problem)).toContain('head_root_mismatch');

    const dropped = copy();
    dropped.leaves.splice(2, 1);
    expect((await verifyBundle(dropped)).findings.map((f) => f.problem)).toContain('leaf_out_of_place');

    const state = copy();
    (state.entities.party[demoId('isil')] as any).designated = false;
    expect((await verifyBundle(state)).findings.map((f) => f.problem)).toEqual(['row_changed']);

    const sig = copy();
    sig.heads[sig.heads.length - 1].timestamp = '2016-02-27T00:00:00.000Z';
    expect((await verifyBundle(sig)).findings.map((f) => f.problem)).toEqual(['head_signature_invalid']);
  });

  it('names the key it really checked, and fails a bundle re-signed with another key when the key id is pinned', async () => {
    const b: Bundle = JSON.parse(JSON.stringify(await exportBundle(t.db, key.publicPem)));
    const forger = generateKeyPairSync('ed25519');
    const forgedPem = forger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forgedId = (await import('./keys.ts')).keyIdOf(forger.publicKey);
    b.leaves[3] = b.leaves[3].replace('"action":"', '"action":"re');
    const hashes = b.leaves.map((l) => M.leafHash(Buffer.from(l)));
    const { headPayload } = await import('./keys.ts');
    b.heads = b.heads.map((h) => {
      const rootHash = M.rootOf(hashes.slice(0, h.size)).toString('hex');
      const payload = headPayload({ size: h.size, rootHash, timestamp: h.timestamp, keyId: forgedId });
      return { ...h, rootHash, keyId: forgedId, signature: sign(null, payload, forger.privateKey).toString('base64'), cosignatures: [] };
    });
    b.log.publicKey = forgedPem; // keyId left as the real one
    const r = await verifyBundle(b);
    expect(r.keyId).toBe(forgedId);
    expect(r.findings.map((f) => f.problem)).toContain('bundle_key_mismatch');
    b.log.keyId = forgedId;
    expect((await verifyBundle(b)).findings).toEqual([]); // self-consistent: only a pinned key id tells
    expect((await verifyBundle(b, { keyId: key.keyId })).findings.map((f) => f.problem)).toEqual(['log_key_unexpected']);
  });

  it.each<[string, (b: any) => void, string]>([
    ['no heads at all', (b) => (b.heads = []), 'leaves_unsigned'],
    ['a head size that is no count', (b) => (b.heads[0].size = String(b.heads[0].size)), 'head_malformed'],
    ['leaves that are not text', (b) => (b.leaves[0] = 42), 'bundle_malformed'],
    ['no entity states', (b) => delete b.entities, 'bundle_malformed'],
    ['no log key', (b) => (b.log.publicKey = 'nonsense'), 'bundle_malformed'],
  ])('reports a bundle with %s instead of trusting or crashing', async (_n, edit, want) => {
    const b = JSON.parse(JSON.stringify(await exportBundle(t.db, key.publicPem)));
    edit(b);
    expect((await verifyBundle(b)).findings.map((f) => f.problem)).toContain(want);
  });
});
