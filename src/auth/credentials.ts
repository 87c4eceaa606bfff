// Secrets: random tokens stored as SHA-256 (they are high-entropy), passwords as scrypt.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, len: number, o: object) => Promise<Buffer>;
// N=2^15 costs ~50 ms a sign-in: slow for guessing, fast enough for people.
const N = 1 << 15, R = 8, P = 1, LEN = 32;

export function newSecret(prefix: 'truce' | 'sess' | 'csrf'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, LEN, { N, r: R, p: P, maxmem: 256 * N * R });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Without a stored hash still spend the same time, so timing does not reveal user names.
  const [scheme, n, r, p, salt, key] = (stored ?? `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$`).split('$');
  if (scheme !== 'scrypt') return false;
  const want = Buffer.from(key, 'base64');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64'), want.length || LEN, { N: +n, r: +r, p: +p, maxmem: 256 * +n * +r });
  return stored !== null && want.length === got.length && timingSafeEqual(want, got);
}
