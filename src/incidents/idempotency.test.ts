// Idempotency-Key on POST /reports and /reports/batch: a retry gets the first answer and stores
// nothing twice, also when the retries arrive at once; another body under the key is 409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { bodyHash, idempotencyKey, MAX_KEY_LENGTH } from './idempotency.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

let n = 0;
const key = () => `key-${Date.now()}-${++n}`;
const report = (o: Record<string, unknown> = {}) => ({ channel: 'api', occurredAt: '2016-03-01T10:00:00Z', location: { type: 'Point', coordinates: [36.3 + n * 0.2, 35] }, eventType: 'shelling', ...o });
const post = (url: string, payload: unknown, k: string | undefined, role: 'secretariat' | 'monitor' = 'secretariat') =>
  t.call(role, { method: 'POST', url, payload: payload as object, headers: k === undefined ? {} : { 'idempotency-key': k } });
const count = async () => (await t.db.query('SELECT count(*)::int AS n FROM reports'))[0].n;

describe('Idempotency-Key', () => {
  it('a retry of POST /reports gets the first status and body; nothing is stored twice', async () => {
    const k = key();
    const body = report();
    const first = await post('/api/v1/reports', body, k);
    expect(first.statusCode, first.body).toBe(201);
    const stored = await count();
    const again = await post('/api/v1/reports', body, k);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(await count()).toBe(stored);
    expect(again.body).toBe(first.body); // the same bytes
    // the same members in another order are another body: a retry sends what it sent
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await post('/api/v1/reports', reordered, k)).json().code).toBe('IDEMPOTENCY_MISMATCH');
  });

  it('the same key with another body, or on the other route, is 409 and stores nothing', async () => {
    const k = key();
    expect((await post('/api/v1/reports', report(), k)).statusCode).toBe(201);
    const before = await snapshot(t.db);
    const other = await post('/api/v1/reports', report({ eventType: 'airstrike' }), k);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', field: 'Idempotency-Key' });
    expect((await post('/api/v1/reports/batch', { reports: [report()] }, k)).json().code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await snapshot(t.db)).toBe(before);
  });

  it('keys are per account: another account’s same key is its own request', async () => {
    const k = key();
    const body = report();
    const a = await post('/api/v1/reports', body, k, 'secretariat');
    const b = await post('/api/v1/reports', body, k, 'monitor');
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('retries sent at once (a single report and a batch) are answered alike and stored once', async () => {
    for (const [url, body] of [['/api/v1/reports', report()], ['/api/v1/reports/batch', { reports: [report(), report({ eventType: 'ground_attack' }), { bad: 1 }] }]] as const) {
      const k = key();
      const stored = await count();
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(url, body, k)));
      const statuses = new Set(answers.map((a) => a.statusCode));
      expect([...statuses], url).toEqual([url.endsWith('batch') ? 200 : 201]);
      for (const a of answers) expect(a.json()).toEqual(answers[0].json());
      expect(await count(), url).toBe(stored + (url.endsWith('batch') ? 2 : 1));
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    }
  });

  it('a refused request keeps no key: fixed and sent again under it, it is filed', async () => {
    const k = key();
    const before = await snapshot(t.db);
    const bad = await post('/api/v1/reports', report({ perpetratorPartyIds: ['00000000-0000-4000-8000-000000000000'] }), k);
    expect(bad.statusCode).toBe(422);
    expect(await snapshot(t.db)).toBe(before);
    expect((await post('/api/v1/reports', report(), k)).statusCode).toBe(201);
  });

  it('an expired key is a new request', async () => {
    const k = key();
    const body = report();
    const first = await post('/api/v1/reports', body, k);
    await t.db.query("UPDATE idempotency_keys SET created_at = now() - interval '2 days' WHERE key = $1", [k]);
    const later = await post('/api/v1/reports', body, k);
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);
    expect((await post('/api/v1/reports', body, k)).json().id).toBe(later.json().id);
    // expired keys of anyone are pruned as new ones are kept
    await t.db.query(`INSERT INTO idempotency_keys (account_id, key, route, body_hash, status, response, created_at) VALUES ($1, 'old', 'r', 'h', 201, '""', now() - interval '3 days')`, ['00000000-0000-4000-8000-000000000000']);
    await post('/api/v1/reports', report(), key());
    expect((await t.db.query("SELECT count(*)::int AS n FROM idempotency_keys WHERE created_at < now() - interval '1 day'"))[0].n).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(MAX_KEY_LENGTH + 1)],
    ['with a space', 'a key'],
    ['not ASCII', 'clé'],
  ])('refuses a key %s, naming the header, storing nothing', async (_n, k) => {
    const before = await snapshot(t.db);
    const res = await post('/api/v1/reports', report(), k);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'Idempotency-Key' });
    expect(await snapshot(t.db)).toBe(before);
  });

  it('reads keys and hashes bodies as documented', () => {
    expect(idempotencyKey(undefined)).toBeNull();
    expect(idempotencyKey('k'.repeat(MAX_KEY_LENGTH))).toHaveLength(MAX_KEY_LENGTH);
    expect(() => idempotencyKey(['a', 'b'])).toThrow();
    expect(bodyHash('r', { a: 1, b: [1, 2] })).toBe(bodyHash('r', { a: 1, b: [1, 2] }));
    expect(bodyHash('r', { a: 1, b: [1, 2] })).not.toBe(bodyHash('r', { b: [1, 2], a: 1 }));
    expect(bodyHash('r', { a: 1 })).not.toBe(bodyHash('s', { a: 1 }));
    expect(bodyHash('r', { a: [1, 2] })).not.toBe(bodyHash('r', { a: [2, 1] }));
  });
});
