import { describe, expect, it } from 'vitest';
import { newSecret, signatureOf, signHeader, verifyHeader } from './signature.ts';

const secret = 'whsec_test';
const body = '{"id":"x","kind":"info_request.sent"}';
const t = 1_780_000_000;

describe('the delivery signature', () => {
  it('is HMAC-SHA256 over "<t>.<body>" (a known vector)', () => {
    // computed independently: printf '1780000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signatureOf(secret, t, '{"a":1}')).toBe('700c60b8f205399083ecf27f87a596a7e0e9e3e24df342efa14010dbfa48faae');
    expect(signHeader(secret, t, body)).toBe(`t=${t},v1=${signatureOf(secret, t, body)}`);
  });

  it.each([
    ['the header as sent', (h: string) => h, t + 10, { ok: true, t }],
    ['no header', () => undefined, t, { ok: false, reason: 'malformed' }],
    ['no timestamp', (h: string) => h.replace(/^t=\d+,/, ''), t, { ok: false, reason: 'malformed' }],
    ['a signature that is not hex', () => `t=${t},v1=zz`, t, { ok: false, reason: 'malformed' }],
    ['another timestamp (the signature covers it)', (h: string) => h.replace(`t=${t}`, `t=${t + 1}`), t, { ok: false, reason: 'mismatch' }],
    ['another signature', () => `t=${t},v1=${'0'.repeat(64)}`, t, { ok: false, reason: 'mismatch' }],
    ['a replay after the tolerance', (h: string) => h, t + 301, { ok: false, reason: 'stale' }],
    ['a timestamp far ahead', (h: string) => h, t - 301, { ok: false, reason: 'stale' }],
    ['an extra v1 (secret rotation) next to the right one', (h: string) => `${h},v1=${'1'.repeat(64)}`, t, { ok: true, t }],
  ])('%s', (_n, mangle, now, want) => {
    expect(verifyHeader(secret, mangle(signHeader(secret, t, body)) as string | undefined, body, now)).toEqual(want);
  });

  it('does not verify another body or with another secret', () => {
    const h = signHeader(secret, t, body);
    expect(verifyHeader(secret, h, `${body} `, t).ok).toBe(false);
    expect(verifyHeader('whsec_other', h, body, t).ok).toBe(false);
  });

  it('makes secrets of 32 random bytes', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });
});
