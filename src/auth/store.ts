import type { Queryable, Row } from '../db/db.ts';
import { newSecret, hashToken } from './credentials.ts';
import type { Principal, Role } from './roles.ts';

export interface Account {
  id: string;
  name: string;
  username: string | null;
  role: Role;
  partyId: string | null;
  organisation: string | null;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  accountId: string;
  accountName: string;
  role: Role;
  partyId: string | null;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toAccount = (r: Row): Account => ({
  id: r.id,
  name: r.name,
  username: r.username,
  role: r.role,
  partyId: r.party_id,
  organisation: r.organisation,
  lockedUntil: r.locked_until && r.locked_until > new Date() ? iso(r.locked_until) : null,
  disabled: r.disabled_at !== null,
  createdAt: iso(r.created_at)!,
});

const toToken = (r: Row): ApiToken => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  role: r.role,
  partyId: r.party_id,
  name: r.name,
  prefix: r.prefix,
  createdAt: iso(r.created_at)!,
  revokedAt: iso(r.revoked_at),
  lastUsedAt: iso(r.last_used_at),
});

export interface NewAccount {
  name: string;
  role: Role;
  username?: string | null;
  passwordHash?: string | null;
  partyId?: string | null;
  organisation?: string | null;
}

export async function insertAccount(q: Queryable, a: NewAccount, createdBy: string | null): Promise<Account> {
  const [r] = await q.query(
    `INSERT INTO accounts (name, role, username, password_hash, party_id, organisation, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [a.name, a.role, a.username ?? null, a.passwordHash ?? null, a.partyId ?? null, a.organisation ?? null, createdBy],
  );
  return toAccount(r);
}

export async function listAccounts(q: Queryable): Promise<Account[]> {
  return (await q.query('SELECT * FROM accounts')).map(toAccount);
}

export async function getAccount(q: Queryable, id: string): Promise<Account | null> {
  const [r] = await q.query('SELECT * FROM accounts WHERE id = $1', [id]);
  return r ? toAccount(r) : null;
}

export async function updateAccount(q: Queryable, id: string, u: { passwordHash?: string; disabled?: boolean; unlock?: boolean }): Promise<Account | null> {
  const [r] = await q.query(
    `UPDATE accounts SET
       password_hash = coalesce($2, password_hash),
       disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END,
       locked_until = CASE WHEN $4 THEN NULL ELSE locked_until END,
       failed_logins = CASE WHEN $4 THEN 0 ELSE failed_logins END
     WHERE id = $1 RETURNING *`,
    [id, u.passwordHash ?? null, u.disabled ?? null, u.unlock ?? false],
  );
  // a new password or a disabled account ends every session signed in with the old state
  if (r && (u.passwordHash || u.disabled)) await q.query('UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL', [id]);
  return r ? toAccount(r) : null;
}

/** Issues a token for an account; the clear token is returned once and stored only as a hash. */
export async function insertToken(q: Queryable, accountId: string, name: string, createdBy: string | null, token = newSecret('truce')): Promise<{ token: string; info: ApiToken }> {
  const [r] = await q.query(
    `INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [accountId, name, hashToken(token), token.slice(0, 12), createdBy],
  );
  return { token, info: (await getToken(q, r.id))! };
}

const TOKEN_SELECT = `SELECT t.*, a.name AS account_name, a.role, a.party_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id`;

export async function listTokens(q: Queryable): Promise<ApiToken[]> {
  return (await q.query(TOKEN_SELECT)).map(toToken);
}

export async function getToken(q: Queryable, id: string): Promise<ApiToken | null> {
  const [r] = await q.query(`${TOKEN_SELECT} WHERE t.id = $1`, [id]);
  return r ? toToken(r) : null;
}

export async function revokeToken(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

const principalOf = (r: Row, via: Principal['via']): Principal => ({ accountId: r.account_id, name: r.name, role: r.role, partyId: r.party_id, via });

/** The principal behind a bearer token, touching its last-used time at most every touchS seconds. */
export async function principalByToken(q: Queryable, token: string, touchS: number): Promise<Principal | null> {
  const [r] = await q.query(
    `SELECT t.id, t.account_id, t.last_used_at, a.name, a.role, a.party_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL`,
    [hashToken(token)],
  );
  if (!r) return null;
  if (!r.last_used_at || Date.now() - r.last_used_at.getTime() > touchS * 1000) {
    await q.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [r.id]);
  }
  return principalOf(r, 'token');
}

export async function principalBySession(q: Queryable, token: string): Promise<Principal | null> {
  const [r] = await q.query(
    `SELECT s.id AS session_id, s.csrf_token, s.account_id, a.name, a.role, a.party_id FROM sessions s JOIN accounts a ON a.id = s.account_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND a.disabled_at IS NULL`,
    [hashToken(token)],
  );
  return r ? { ...principalOf(r, 'session'), sessionId: r.session_id, csrfToken: r.csrf_token } : null;
}

export async function accountForSignIn(q: Queryable, username: string): Promise<Row | null> {
  const [r] = await q.query('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
  return r ?? null;
}

/**
 * Counts a sign-in attempt before its password is checked, so guesses sent in parallel cannot
 * outrun the lock-out: each gets its own number. A lock that has run out starts a new count.
 */
export async function beginSignIn(q: Queryable, username: string): Promise<Row | 'locked' | null> {
  const [r] = await q.query(
    `UPDATE accounts SET
       failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END,
       locked_until = NULL
     WHERE lower(username) = lower($1) AND (locked_until IS NULL OR locked_until <= now())
     RETURNING *`,
    [username],
  );
  if (r) return r;
  return (await accountForSignIn(q, username)) ? 'locked' : null;
}

export async function lockAccount(q: Queryable, id: string, lockoutS: number): Promise<Date> {
  const [r] = await q.query('UPDATE accounts SET locked_until = now() + make_interval(secs => $2) WHERE id = $1 RETURNING locked_until', [id, lockoutS]);
  return r.locked_until;
}

export async function createSession(q: Queryable, accountId: string, ttlS: number): Promise<{ token: string; csrfToken: string; id: string }> {
  const token = newSecret('sess');
  const csrfToken = newSecret('csrf');
  await q.query('UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1', [accountId]);
  const [r] = await q.query(
    `INSERT INTO sessions (account_id, token_hash, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
    [accountId, hashToken(token), csrfToken, ttlS],
  );
  return { token, csrfToken, id: r.id };
}

export async function revokeSession(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [id]);
}

export async function firstAdmin(q: Queryable): Promise<Row | null> {
  const [r] = await q.query(`SELECT * FROM accounts WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
  return r ?? null;
}

export async function tokenExists(q: Queryable, token: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM api_tokens WHERE token_hash = $1', [hashToken(token)])).length > 0;
}

/** Some accounts by id, in one statement; unknown ids are absent. */
export async function accountsByIds(q: Queryable, ids: string[]): Promise<Map<string, Account>> {
  if (!ids.length) return new Map();
  const rows = await q.query('SELECT * FROM accounts WHERE id = ANY($1::uuid[])', [[...new Set(ids)]]);
  return new Map(rows.map((r) => [String(r.id), toAccount(r)]));
}

/** The Ed25519 public key (SPKI PEM) an account registered for cosigning tree heads, or null. */
export async function signingKeyOf(q: Queryable, accountId: string): Promise<string | null> {
  const [r] = await q.query('SELECT signing_key FROM accounts WHERE id = $1', [accountId]);
  return r?.signing_key ?? null;
}

export async function setSigningKey(q: Queryable, accountId: string, publicPem: string): Promise<void> {
  await q.query('UPDATE accounts SET signing_key = $2 WHERE id = $1', [accountId, publicPem]);
}

/** An account by its user name (case aside), for the command line's `--as`. */
export async function accountByUsername(q: Queryable, username: string): Promise<Account | null> {
  const [r] = await q.query('SELECT * FROM accounts WHERE lower(username) = lower($1)', [username]);
  return r ? toAccount(r) : null;
}

/** The first admin (the one the first start made), as an account. */
export async function firstAdminAccount(q: Queryable): Promise<Account | null> {
  const [r] = await q.query(`SELECT * FROM accounts WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
  return r ? toAccount(r) : null;
}
