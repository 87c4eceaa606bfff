// The signature of a webhook delivery (pure): HMAC-SHA256 over `${t}.${body}` with the webhook's
// secret, sent as `Truce-Signature: t=<unix seconds>,v1=<hex>`. A receiver recomputes it over the
// raw body, compares in constant time, and refuses a timestamp outside its tolerance (a replay).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'truce-signature';

/** A new signing secret: 32 random bytes, as `whsec_` + base64url. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export const signatureOf = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** The header value for a body sent at unix time t (seconds). */
export const signHeader = (secret: string, t: number, body: string): string => `t=${t},v1=${signatureOf(secret, t, body)}`;

export type Verdict = { ok: true; t: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'stale' };

/**
 * What a receiver does (and the tests do): parse the header, refuse a timestamp more than
 * `toleranceS` from `now` (seconds), and compare every v1 signature in constant time.
 */
export function verifyHeader(secret: string, header: string | undefined, body: string, now: number, toleranceS = 300): Verdict {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const ts = parts.find(([k]) => k === 't')?.[1];
  const sigs = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v);
  if (!ts || !/^\d{1,12}$/.test(ts) || !sigs.length) return { ok: false, reason: 'malformed' };
  const t = Number(ts);
  if (Math.abs(now - t) > toleranceS) return { ok: false, reason: 'stale' };
  const want = Buffer.from(signatureOf(secret, t, body), 'hex');
  return sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), want)) ? { ok: true, t } : { ok: false, reason: 'mismatch' };
}
