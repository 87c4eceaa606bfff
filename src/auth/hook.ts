import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { sameSecret } from './credentials.ts';
import type { Principal } from './roles.ts';
import { principalBySession, principalByToken } from './store.ts';

export const SESSION_COOKIE = 'truce_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who is calling: a bearer token first, else the session cookie; null when neither is given. */
async function authenticate(db: Db, config: Config, req: FastifyRequest): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".', 'Authorization');
    const p = await principalByToken(db, m[1], config.tokenTouchS);
    if (!p) throw new ApiError('UNAUTHENTICATED', 'The token is unknown or revoked.', 'Authorization');
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
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    req.principal = null;
    const access = req.routeOptions.config?.access;
    if (!access) return; // static files, docs
    if (access === 'anonymous') {
      req.principal = await authenticate(db, config, req).catch(() => null);
      return;
    }
    const p = await authenticate(db, config, req);
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
