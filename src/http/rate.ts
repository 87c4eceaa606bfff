// Per-account request rates (@fastify/rate-limit, registered by each route plugin that uses it):
// counted after authentication, so one account's burst is its own 429s and nobody else's.
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** A route's `config.rateLimit`: at most `max` requests a minute per account (per address before sign-in); the 429 names `what`. */
export function perAccountRate(max: number, what: string) {
  return {
    max,
    timeWindow: 60_000,
    hook: 'preHandler' as const,
    keyGenerator: (req: FastifyRequest) => req.principal?.accountId ?? req.ip,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; max: number }) =>
      new ApiError('RATE_LIMITED', `At most ${ctx.max} ${what} a minute per account; retry in ${ctx.after}.`, 'Authorization'),
  };
}

/**
 * A budget per account and minute that requests spend from in amounts: a batch of n spends n,
 * as n single requests would, so a route taking many items at once is no way around the rate.
 * A fixed window per key, on this instance (as @fastify/rate-limit's local store); a request
 * that does not fit spends nothing.
 */
export class SpendingWindow {
  private readonly used = new Map<string, { start: number; n: number }>();

  constructor(private readonly windowMs = 60_000) {}

  /** Spends `n` of `max` for `key`, or says how long until the window starts again. */
  take(key: string, n: number, max: number, now = Date.now()): { ok: true; remaining: number; resetMs: number } | { ok: false; retryMs: number } {
    let w = this.used.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.used.size >= 10_000) for (const [k, x] of this.used) if (now - x.start >= this.windowMs) this.used.delete(k); // forget idle accounts
      w = { start: now, n: 0 };
      this.used.set(key, w);
    }
    const resetMs = w.start + this.windowMs - now;
    if (w.n + n > max) return { ok: false, retryMs: resetMs };
    w.n += n;
    return { ok: true, remaining: max - w.n, resetMs };
  }
}
