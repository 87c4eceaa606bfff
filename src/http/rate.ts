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
