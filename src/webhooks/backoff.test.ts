import { describe, expect, it } from 'vitest';
import { afterAttempt, isSuccess, retryDelayMs, shouldDisable } from './backoff.ts';

const r = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

describe('retryDelayMs', () => {
  it.each([
    // attempt, rand, delay: half of base·2^(n-1) fixed, half random, capped at maxMs
    [1, 0, 500],
    [1, 0.999999, 1000],
    [2, 0, 1000],
    [2, 0.5, 1500],
    [3, 1, 4000],
    [6, 0, 16_000],
    [7, 1, 60_000], // 64 s capped at 60 s
    [50, 0.5, 45_000],
    [1000, 1, 60_000], // no overflow
    [0, 0, 500], // never below the first delay
  ])('attempt %i, rand %f: %i ms', (attempt, rand, want) => expect(retryDelayMs(attempt, r, rand)).toBe(want));

  it('grows with the attempt whatever the jitter', () => {
    for (let n = 1; n < 6; n++) expect(retryDelayMs(n + 1, r, 0)).toBeGreaterThanOrEqual(retryDelayMs(n, r, 0.999));
  });
});

describe('afterAttempt', () => {
  it.each([
    [true, 1, { state: 'delivered' }],
    [true, 5, { state: 'delivered' }],
    [false, 1, { state: 'pending', delayMs: 500 }],
    [false, 4, { state: 'pending', delayMs: 4000 }],
    [false, 5, { state: 'failed' }],
    [false, 9, { state: 'failed' }],
  ])('ok %s after attempt %i', (ok, attempt, want) => expect(afterAttempt(ok, attempt, r, 0)).toEqual(want));
});

describe('shouldDisable and isSuccess', () => {
  it.each([
    [2, 3, false],
    [3, 3, true],
    [4, 3, true],
    [100, 0, false], // 0: never
  ])('%i failures in a row, after %i: %s', (n, after, want) => expect(shouldDisable(n, after)).toBe(want));
  it.each([
    [200, true],
    [204, true],
    [299, true],
    [301, false], // a redirect is not followed
    [304, false],
    [404, false],
    [500, false],
    [null, false],
  ])('%s', (status, want) => expect(isSuccess(status)).toBe(want));
});
