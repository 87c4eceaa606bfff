import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { write } from '../ledger/ledger.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { hashPassword, verifyPassword } from './credentials.ts';
import { principal, SESSION_COOKIE } from './hook.ts';
import { ADMIN, ANY_ROLE } from './roles.ts';
import * as S from './schemas.ts';
import { createAccount, createServiceToken, issueToken } from './service.ts';
import * as store from './store.ts';

export async function authRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/v1/session', {
    config: { access: 'anonymous' },
    schema: { tags: ['session'], summary: 'Sign in with user name and password; sets an HttpOnly session cookie', body: S.SignIn, response: { 200: S.SessionInfo } },
    handler: async (req, reply) => {
      // One answer for a wrong password, an unknown user name and a locked account, after
      // the same scrypt work: neither the status, the body nor the time tells which it was
      // (a locked account's own answer would confirm the user name, and with the right
      // password would let guessing go on through the lock).
      const refused = () => new ApiError('BAD_CREDENTIALS', 'The user name or password is wrong, or the account is locked after repeated failed sign-ins.', 'password');
      const found = await store.beginSignIn(db, req.body.username);
      const a = found === 'locked' ? null : found;
      const ok = await verifyPassword(req.body.password, a?.password_hash ?? null);
      if (found === 'locked') throw refused();
      if (a && a.failed_logins > config.lockoutThreshold) {
        await store.lockAccount(db, a.id, config.lockoutS); // attempts beyond the threshold arrived together
        throw refused();
      }
      if (!a || !ok || a.disabled_at) {
        if (a && a.failed_logins >= config.lockoutThreshold) {
          await store.lockAccount(db, a.id, config.lockoutS);
          req.log.warn({ accountId: a.id }, 'account locked after repeated failed sign-ins');
        }
        throw refused();
      }
      const s = await store.createSession(db, a.id, config.sessionTtlS);
      reply.setCookie(SESSION_COOKIE, s.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        maxAge: config.sessionTtlS,
      });
      return { account: { id: a.id, name: a.name, role: a.role, partyId: a.party_id }, csrfToken: s.csrfToken };
    },
  });

  r.get('/api/v1/session', {
    config: { access: ANY_ROLE },
    schema: { tags: ['session'], summary: 'Who is signed in (cookie or token)', response: { 200: S.SessionInfo } },
    handler: async (req) => {
      const p = principal(req);
      return { account: { id: p.accountId, name: p.name, role: p.role, partyId: p.partyId }, csrfToken: p.csrfToken ?? null };
    },
  });

  r.delete('/api/v1/session', {
    config: { access: ANY_ROLE },
    schema: { tags: ['session'], summary: 'Sign out' },
    handler: async (req, reply) => {
      const p = principal(req);
      if (p.sessionId) await store.revokeSession(db, p.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  });

  const tags = ['accounts'];
  r.post('/api/v1/accounts', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Create a person’s account (web sign-in)', body: S.AccountCreate, response: { 201: S.Account } },
    handler: async (req, reply) => {
      const a = await write(db, principal(req), (w) => createAccount(w, req.body));
      return reply.code(201).send(a);
    },
  });

  r.get('/api/v1/accounts', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Accounts', querystring: S.AccountListQuery, response: { 200: S.AccountList } },
    handler: async (req) =>
      paginate(
        (await store.listAccounts(db)).filter((a) => !req.query.role || a.role === req.query.role),
        req.query,
        { createdAt: (a) => a.createdAt, name: (a) => a.name.toLowerCase(), role: (a) => a.role },
      ),
  });

  r.get('/api/v1/accounts/:id', {
    config: { access: ADMIN },
    schema: { tags, summary: 'One account', params: IdParams, response: { 200: S.Account } },
    handler: async (req) => (await store.getAccount(db, req.params.id)) ?? Promise.reject(notFound('account', req.params.id)),
  });

  r.patch('/api/v1/accounts/:id', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Set a new password, disable or enable, or unlock an account', params: IdParams, body: S.AccountPatch, response: { 200: S.Account } },
    handler: async (req) => {
      const passwordHash = req.body.password ? await hashPassword(req.body.password) : undefined;
      return write(db, principal(req), async ({ q, record }) => {
        const a = await store.updateAccount(q, req.params.id, { passwordHash, disabled: req.body.disabled, unlock: req.body.unlock });
        if (!a) throw notFound('account', req.params.id);
        const what = req.body.password ? 'password_set' : req.body.disabled === true ? 'disabled' : req.body.disabled === false ? 'enabled' : 'unlocked';
        record(`account.${what}`, 'account', a.id);
        return a;
      });
    },
  });

  r.post('/api/v1/accounts/:id/tokens', {
    config: { access: ADMIN },
    schema: { tags: ['tokens'], summary: 'Issue an API token for an account (shown once)', params: IdParams, body: S.AccountTokenCreate, response: { 201: S.TokenCreated } },
    handler: async (req, reply) => {
      const out = await write(db, principal(req), async (w) => {
        if (!(await store.getAccount(w.q, req.params.id))) throw notFound('account', req.params.id);
        return issueToken(w, req.params.id, req.body.name);
      });
      return reply.code(201).send({ ...out.info, token: out.token });
    },
  });

  r.post('/api/v1/tokens', {
    config: { access: ADMIN },
    schema: { tags: ['tokens'], summary: 'Create an API token with a role (and party) for a new service account; shown once', body: S.TokenCreate, response: { 201: S.TokenCreated } },
    handler: async (req, reply) => {
      const out = await write(db, principal(req), (w) => createServiceToken(w, req.body));
      return reply.code(201).send({ ...out.info, token: out.token });
    },
  });

  r.get('/api/v1/tokens', {
    config: { access: ADMIN },
    schema: { tags: ['tokens'], summary: 'API tokens (never the secrets)', querystring: S.TokenListQuery, response: { 200: S.TokenList } },
    handler: async (req) => {
      const q = req.query;
      const all = (await store.listTokens(db)).filter(
        (t) => (!q.accountId || t.accountId === q.accountId) && (q.revoked === undefined || (t.revokedAt !== null) === q.revoked),
      );
      return paginate(all, q, { createdAt: (t) => t.createdAt, name: (t) => t.name.toLowerCase() });
    },
  });

  r.delete('/api/v1/tokens/:id', {
    config: { access: ADMIN },
    schema: { tags: ['tokens'], summary: 'Revoke a token', params: IdParams, response: { 200: S.TokenInfo } },
    handler: async (req) => {
      const t = await store.getToken(db, req.params.id);
      if (!t) throw notFound('token', req.params.id);
      if (t.revokedAt) throw new ApiError('ALREADY_REVOKED', `The token was revoked at ${t.revokedAt}.`, 'id');
      return write(db, principal(req), async ({ q, record }) => {
        await store.revokeToken(q, t.id);
        record('token.revoked', 'api_token', t.id);
        return (await store.getToken(q, t.id))!;
      });
    },
  });
}
