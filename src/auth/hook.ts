import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { eventsHub } from '../events/hub.ts';
import { sameSecret } from './credentials.ts';
import type { Principal } from './roles.ts';
import { principalBySession, principalByToken } from './store.ts';

export const SESSION_COOKIE = 'truce_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Verified bearer tokens for a moment (config.authCacheMs), so a busy client costs no database
 * query per request. Any account or token change empties it: at once through this instance,
 * as soon as the events hub hears of it through another.
 */
class TokenCache {
  private readonly entries = new Map<string, { p: Principal; until: number }>();
  constructor(
    db: Db,
    private readonly ttlMs: number,
  ) {
    eventsHub(db).onEvents((events) => {
      if (events.some((e) => e.type === 'account' || e.type === 'api_token')) this.entries.clear();
    });
  }
  get(token: string): Principal | null {
    const e = this.entries.get(token);
    if (!e) return null;
    if (e.until > Date.now()) return e.p;
    this.entries.delete(token);
    return null;
  }
  set(token: string, p: Principal) {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= 10_000) this.entries.clear(); // bounded: only live clients refill it
    this.entries.set(token, { p, until: Date.now() + this.ttlMs });
  }
}

/** Who is calling: a bearer token first, else the session cookie; null when neither is given. */
async function authenticate(db: Db, config: Config, req: FastifyRequest, tokens: TokenCache | null): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".', 'Authorization');
    const cached = tokens?.get(m[1]);
    if (cached) return cached;
    const p = await principalByToken(db, m[1], config.tokenTouchS);
    if (!p) throw new ApiError('UNAUTHENTICATED', 'The token is unknown or revoked.', 'Authorization');
    tokens?.set(m[1], p);
    return p;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const p = await principalBySession(db, cookie);
    if (!p) throw new ApiError('UNAUTHENTICATED', 'The session has expired or was signed out; sign in again.', 'cookie');
    return p;
  }
  return null;
}

/** onRequest hook: enforces each route's declared access before the body is even read. */
export function accessHook(db: Db, config: Config) {
  const tokens = new TokenCache(db, config.authCacheMs);
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    req.principal = null;
    const access = req.routeOptions.config?.access;
    if (!access) return; // static files, docs
    if (access === 'anonymous') {
      req.principal = await authenticate(db, config, req, tokens).catch(() => null);
      return;
    }
    const p = await authenticate(db, config, req, tokens);
    if (!p) throw new ApiError('UNAUTHENTICATED', 'Send "Authorization: Bearer <token>" or sign in.', 'Authorization');
    if (p.via === 'session' && !SAFE.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, p.csrfToken!)) {
        throw new ApiError('CSRF_FAILED', 'Cookie-authenticated writes need the X-CSRF-Token header given at sign-in.', 'X-CSRF-Token');
      }
    }
    if (!access.includes(p.role)) {
      throw new ApiError('FORBIDDEN', `The role "${p.role}" may not call ${req.method} ${req.routeOptions.url}.`, 'Authorization');
    }
    req.principal = p;
  };
}

/** The caller of a route that requires authentication. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError('UNAUTHENTICATED', 'Authentication is required.');
  return req.principal;
}

/**
 * The credentials a long-lived request came with, checked again now (no cache): its principal,
 * or null once the token is revoked, the session signed out or expired, or the account disabled.
 * The event stream asks this while it stays open.
 */
export async function recheckPrincipal(db: Db, config: Config, req: FastifyRequest): Promise<Principal | null> {
  return authenticate(db, config, req, null).catch((e) => {
    if (e instanceof ApiError) return null;
    throw e;
  });
}
