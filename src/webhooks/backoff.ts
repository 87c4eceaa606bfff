// When a failed delivery is tried again, and when a webhook is disabled (pure).

export interface RetryRules {
  /** The delay after the first failed attempt, in ms; doubled after each further one. */
  baseMs: number;
  /** The longest delay, in ms. */
  maxMs: number;
  /** Attempts of one delivery before it is given up. */
  maxAttempts: number;
}

/**
 * The delay before attempt `attempt + 1`, after `attempt` failed ones (attempt >= 1): exponential,
 * capped, with "equal jitter" (half fixed, half random) so that many receivers failing together
 * do not come back together. `rand` is in [0, 1).
 */
export function retryDelayMs(attempt: number, r: RetryRules, rand: number): number {
  const exp = Math.min(r.maxMs, r.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(rand, 0), 1));
}

/** What follows an attempt: done, try again after a delay, or give up. */
export function afterAttempt(ok: boolean, attempt: number, r: RetryRules, rand: number): { state: 'delivered' } | { state: 'pending'; delayMs: number } | { state: 'failed' } {
  if (ok) return { state: 'delivered' };
  if (attempt >= r.maxAttempts) return { state: 'failed' };
  return { state: 'pending', delayMs: retryDelayMs(attempt, r, rand) };
}

/** A webhook is disabled once this many attempts in a row failed (0: never). */
export const shouldDisable = (consecutiveFailures: number, disableAfter: number): boolean => disableAfter > 0 && consecutiveFailures >= disableAfter;

/** Is an HTTP status a success? 2xx only: a redirect is not followed, so it is a failure. */
export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;
