// Idempotency-Key (as the IETF httpapi draft describes it): a client that retries a POST with
// the same key gets the first answer again, and nothing is stored twice. Keys are per account
// (a key says nothing across accounts); the same key with another body (or on another route) is
// 409 IDEMPOTENCY_MISMATCH. Only answers that stored something are kept: a refused request
// stores nothing, so its retry is simply tried again.
//
// Concurrency: the work and the key's record are one transaction, and the transaction first
// takes a lock on (account, key); a concurrent retry waits on it, then finds the record.
import { createHash } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { write, type Actor, type Writer } from '../ledger/ledger.ts';
import * as store from './reports.store.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Longest key accepted: a UUID or a client's own request id fits many times over. */
export const MAX_KEY_LENGTH = 255;

/** The key a request carries, or null; refused (400, naming the header) when it is not 1..255 visible ASCII characters. */
export function idempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const bad = (reason: string) => new ApiError('VALIDATION_FAILED', `Idempotency-Key ${reason}.`, 'Idempotency-Key');
  if (Array.isArray(header)) throw bad('may be sent once');
  if (header.length === 0 || header.length > MAX_KEY_LENGTH) throw bad(`must have 1 to ${MAX_KEY_LENGTH} characters`);
  if (!/^[\x21-\x7e]+$/.test(header)) throw bad('must be visible ASCII characters (no spaces)');
  return header;
}

/**
 * What identifies a request's content: the route and the body as parsed (after the server's
 * Unicode normalisation), in its own member order, hashed. A retry sends the same bytes; a body
 * with its members reordered is another request. (RFC 8785 canonical JSON cost 40 ms a batch of
 * a thousand, a twentieth of the batch; JSON.stringify costs 2.)
 */
export function bodyHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(JSON.stringify(body ?? null)).digest('hex');
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** An answer as sent: its status and its JSON text (kept as is for a retry, which gets the same bytes). */
export interface Sent {
  status: number;
  text: string;
  replayed: boolean;
}

/**
 * Runs `work` in a write transaction, once per (account, key) while the key is kept: a retry with
 * the same route and body gets the stored answer (`replayed`), another body 409. Without a key it
 * simply runs.
 */
export async function once<T>(
  db: Db,
  actor: Actor & { accountId: string },
  req: { key: string | null; route: string; hash: string; ttlS: number },
  work: (w: Writer) => Promise<Answer<T>>,
): Promise<Sent> {
  return write(
    db,
    actor,
    async (w) => {
      if (req.key) {
        await store.lockIdempotencyKey(w.q, actor.accountId, req.key);
        const seen = await store.getIdempotency(w.q, actor.accountId, req.key);
        if (seen && Date.now() - seen.createdAt.getTime() < req.ttlS * 1000) {
          if (seen.route !== req.route || seen.bodyHash !== req.hash) {
            throw new ApiError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with another request; send a new key for a new request.', 'Idempotency-Key');
          }
          return { status: seen.status, text: seen.response, replayed: true };
        }
      }
      const answer = await work(w);
      const text = JSON.stringify(answer.body);
      if (req.key) {
        await store.saveIdempotency(w.q, actor.accountId, req.key, { route: req.route, bodyHash: req.hash, status: answer.status }, text);
        await store.pruneIdempotency(w.q, req.ttlS);
      }
      return { status: answer.status, text, replayed: false };
    },
    { allowEmpty: true }, // a replay writes nothing; a batch of only refused rows records no leaf
  );
}
