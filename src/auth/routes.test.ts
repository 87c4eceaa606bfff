import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, snapshot, testApp, type TestApp } from '../../test/support/app.ts';
import { ensureFirstAdmin } from './bootstrap.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ config: { lockoutThreshold: 3, tokenTouchS: 0 } });
});
afterAll(() => t?.close());

const PASSWORD = 'correct horse battery staple';
let n = 0;
async function person(role = 'monitor', extra: Record<string, unknown> = {}) {
  const username = `user${++n}`;
  const res = await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: `Person ${n}`, username, password: PASSWORD, role, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json(), username };
}
const signIn = (username: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
const cookieOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === 'truce_session')!;

describe('web sign-in', () => {
  it('sets an HttpOnly SameSite=Strict session cookie and answers who signed in', async () => {
    const p = await person('analyst');
    const res = await signIn(p.username.toUpperCase());
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'truce_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(res.json()).toMatchObject({ account: { id: p.id, role: 'analyst', partyId: null } });
    expect(res.json().csrfToken).toMatch(/^csrf_/);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', cookies: { truce_session: c.value } });
    expect(me.json().account.id).toBe(p.id);
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
  });

  it('needs the CSRF token on cookie-authenticated writes', async () => {
    await person('secretariat');
    const res = await signIn(`user${n}`);
    const cookies = { truce_session: cookieOf(res).value };
    const payload = { name: 'CSRF party', kind: 'other' };
    const before = await snapshot(t.db);
    const without = await t.app.inject({ method: 'POST', url: '/api/v1/parties', cookies, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF_FAILED');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/parties', cookies, payload, headers: { 'x-csrf-token': 'csrf_wrong' } });
    expect(wrong.statusCode).toBe(403);
    expect(await snapshot(t.db)).toBe(before);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/parties', cookies, payload, headers: { 'x-csrf-token': res.json().csrfToken } });
    expect(ok.statusCode).toBe(201);
  });

  it('signs out: the cookie no longer works', async () => {
    const p = await person();
    const res = await signIn(p.username);
    const cookies = { truce_session: cookieOf(res).value };
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', cookies, headers: { 'x-csrf-token': res.json().csrfToken } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/session', cookies });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong password or an unknown user alike, and locks after repeated failures', async () => {
    const p = await person();
    const unknown = await signIn('no-such-user');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('BAD_CREDENTIALS');
    for (let i = 0; i < 3; i++) expect((await signIn(p.username, 'wrong password')).statusCode).toBe(401);
    const locked = await signIn(p.username); // even the right password, and the same answer as an unknown user's
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ code: 'BAD_CREDENTIALS', detail: unknown.json().detail });
    expect((await t.call('admin', { method: 'GET', url: `/api/v1/accounts/${p.id}` })).json().lockedUntil).not.toBeNull();
    const unlock = await t.call('admin', { method: 'PATCH', url: `/api/v1/accounts/${p.id}`, payload: { unlock: true } });
    expect(unlock.json().lockedUntil).toBeNull();
    expect((await signIn(p.username)).statusCode).toBe(200);
  });

  it('counts guesses sent all at once: no more than the threshold are ever checked', async () => {
    const p = await person();
    const res = await Promise.all(Array.from({ length: 20 }, () => signIn(p.username, 'a wrong guess')));
    expect(res.every((r) => r.statusCode === 401)).toBe(true); // a locked account answers as a wrong password does
    expect((await t.call('admin', { method: 'GET', url: `/api/v1/accounts/${p.id}` })).json().lockedUntil).not.toBeNull();
    expect((await signIn(p.username)).statusCode).toBe(401); // the right password too, until it runs out
  });

  it('ends the sessions of an account whose password changes', async () => {
    const p = await person();
    const res = await signIn(p.username);
    const cookies = { truce_session: cookieOf(res).value };
    await t.call('admin', { method: 'PATCH', url: `/api/v1/accounts/${p.id}`, payload: { password: 'a brand new password 2016' } });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/session', cookies })).statusCode).toBe(401);
    expect((await signIn(p.username, 'a brand new password 2016')).statusCode).toBe(200);
  });

  it('refuses a disabled account', async () => {
    const p = await person();
    await t.call('admin', { method: 'PATCH', url: `/api/v1/accounts/${p.id}`, payload: { disabled: true } });
    expect((await signIn(p.username)).statusCode).toBe(401);
  });

  it('stores passwords only as scrypt hashes', async () => {
    const p = await person();
    const [row] = await t.db.query('SELECT password_hash FROM accounts WHERE id = $1', [p.id]);
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });
});

describe('accounts and roles', () => {
  it.each([
    ['a liaison without a party', { role: 'liaison' }, 400, 'partyId'],
    ['a co-chair bound to a party that co-chairs nothing', { role: 'cochair', partyId: demoId('tsk') }, 422, 'partyId'],
    ['a monitor bound to a party', { role: 'monitor', partyId: demoId('saaf') }, 400, 'partyId'],
    ['a liaison of an unknown party', { role: 'liaison', partyId: '3f1d2c7a-0000-4000-8000-000000000000' }, 422, 'partyId'],
    ['an unknown role', { role: 'general' }, 400, 'role'],
    ['a short password', { role: 'monitor', password: 'short' }, 400, 'password'],
    ['a password of spaces', { role: 'monitor', password: ' '.repeat(14) }, 400, 'password'],
  ])('refuses %s', async (_n, over, status, field) => {
    const before = await snapshot(t.db);
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'X', username: 'newperson', password: PASSWORD, ...over } });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().field).toBe(field);
    expect(await snapshot(t.db)).toBe(before);
  });

  it('binds a co-chair to a co-chair party and a liaison to its party', async () => {
    const c = await person('cochair', { partyId: demoId('rus') });
    expect(c.partyId).toBe(demoId('rus'));
    const l = await person('liaison', { partyId: demoId('sdf') });
    const me = await signIn(l.username);
    expect(me.json().account.partyId).toBe(demoId('sdf'));
  });

  it('refuses a taken user name with 409', async () => {
    const p = await person();
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'Y', username: p.username, password: PASSWORD, role: 'monitor' } });
    expect(res.statusCode).toBe(409);
  });
});

describe('API tokens', () => {
  it('is shown once, stored as a hash, records its last use, and stops working when revoked', async () => {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'UN OCHA feed', role: 'agency', organisation: 'OCHA' } });
    expect(res.statusCode).toBe(201);
    const { token, id } = res.json();
    expect(token).toMatch(/^truce_[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
    expect(stored[0].token_hash).not.toContain(token);
    const listed = (await t.call('admin', { method: 'GET', url: `/api/v1/tokens?limit=500` })).json().items.find((x: any) => x.id === id);
    expect(listed).toMatchObject({ name: 'UN OCHA feed', role: 'agency', lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token);

    const use = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } });
    expect(use.json().account.role).toBe('agency');
    const used = (await t.call('admin', { method: 'GET', url: `/api/v1/tokens?limit=500` })).json().items.find((x: any) => x.id === id);
    expect(used.lastUsedAt).not.toBeNull();

    const revoke = await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${id}` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect((await t.call('admin', { method: 'DELETE', url: `/api/v1/tokens/${id}` })).statusCode).toBe(409);
  });

  it('issues a token for an existing account, which acts with that account’s role', async () => {
    const p = await person('liaison', { partyId: demoId('fsa') });
    const res = await t.call('admin', { method: 'POST', url: `/api/v1/accounts/${p.id}/tokens`, payload: { name: 'laptop' } });
    expect(res.statusCode).toBe(201);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Bearer ${res.json().token}` } });
    expect(me.json().account).toMatchObject({ id: p.id, role: 'liaison', partyId: demoId('fsa') });
  });

  it.each([['Basic abc'], ['Bearer'], ['Bearer a b']])('refuses the Authorization header "%s" with 401', async (h) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/parties', headers: { authorization: h } });
    expect(res.statusCode).toBe(401);
    expect(res.json().field).toBe('Authorization');
  });
});

describe('first admin', () => {
  it('adopts TRUCE_ADMIN_TOKEN, and generates a token only when there is no admin yet', async () => {
    expect(await ensureFirstAdmin(t.db, null)).toBeNull(); // an admin exists
    expect(await ensureFirstAdmin(t.db, 'truce_rotated-admin-token-000000000')).toBeNull();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: 'Bearer truce_rotated-admin-token-000000000' } });
    expect(me.json().account.role).toBe('admin');
    const admins = await t.db.query(`SELECT count(*)::int AS n FROM accounts WHERE role = 'admin'`);
    expect(admins[0].n).toBe(1);
  });
});
