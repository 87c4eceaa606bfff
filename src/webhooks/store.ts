// SQL of webhooks, over its own tables only: registrations, the outbox, the delivery log, the
// fan-out's position and the deadline notices made.
import type { Queryable, Row, Written } from '../db/db.ts';

export interface WebhookRecord {
  id: string;
  seq: number;
  accountId: string;
  url: string;
  events: string[];
  description: string | null;
  state: 'active' | 'disabled' | 'deleted';
  disabledReason: 'failures' | 'secretariat' | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  failures: number;
}

/** A registration with its secret: only the dispatcher and the creating request see this. */
export type WebhookWithSecret = WebhookRecord & { secret: string };

const toWebhook = (r: Row): WebhookRecord => ({
  id: r.id,
  seq: Number(r.seq),
  accountId: r.account_id,
  url: r.url,
  events: r.events,
  description: r.description,
  state: r.state,
  disabledReason: r.disabled_reason,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  failures: Number(r.failures),
});

/** Every column but the secret. */
const COLS = 'id, seq, account_id, url, events, description, state, disabled_reason, disabled_at, changed_by, created_at, updated_at, failures, salt';

export async function insertWebhook(q: Queryable, w: { accountId: string; url: string; events: string[]; description: string | null; secret: string }): Promise<Written<WebhookRecord>> {
  const [r] = await q.query(`INSERT INTO webhooks (account_id, url, events, description, secret, changed_by) VALUES ($1, $2, $3, $4, $5, $1) RETURNING ${COLS}`, [w.accountId, w.url, w.events, w.description, w.secret]);
  return { ...toWebhook(r), row: r };
}

export async function getWebhook(q: Queryable, id: string, lock = false): Promise<WebhookRecord | null> {
  const [r] = await q.query(`SELECT ${COLS} FROM webhooks WHERE id = $1 AND state <> 'deleted'${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toWebhook(r) : null;
}

/** Registrations not deleted: one account's, or every one (null), newest first, after a (seq) cursor. */
export async function listWebhooks(q: Queryable, accountId: string | null, page: { before?: number; limit: number }): Promise<WebhookRecord[]> {
  const params: unknown[] = [page.limit];
  const w = ["state <> 'deleted'"];
  if (accountId) w.push(`account_id = $${params.push(accountId)}`);
  if (page.before !== undefined) w.push(`seq < $${params.push(page.before)}`);
  return (await q.query(`SELECT ${COLS} FROM webhooks WHERE ${w.join(' AND ')} ORDER BY seq DESC LIMIT $1`, params)).map(toWebhook);
}

export async function countOfAccount(q: Queryable, accountId: string): Promise<number> {
  const [r] = await q.query("SELECT count(*)::int AS n FROM webhooks WHERE account_id = $1 AND state <> 'deleted'", [accountId]);
  return r.n;
}

/** Serialises registrations of one account (the bound per account holds under concurrent requests). */
export async function lockAccount(q: Queryable, accountId: string): Promise<void> {
  await q.query("SELECT pg_advisory_xact_lock(hashtextextended('truce.webhooks:' || $1, 0))", [accountId]);
}

export async function setState(q: Queryable, id: string, s: { state: 'active' | 'disabled' | 'deleted'; reason: 'failures' | 'secretariat' | null; by: string | null }): Promise<Row> {
  const [r] = await q.query(
    `UPDATE webhooks SET state = $2, disabled_reason = $3, disabled_at = CASE WHEN $2 = 'disabled' THEN now() ELSE NULL END, changed_by = $4, updated_at = now(),
       failures = CASE WHEN $2 = 'active' THEN 0 ELSE failures END, secret = CASE WHEN $2 = 'deleted' THEN '' ELSE secret END
     WHERE id = $1 RETURNING ${COLS}`,
    [id, s.state, s.reason, s.by],
  );
  return r;
}

/** Active registrations for some kinds, with their secrets (the fan-out). */
export async function activeFor(q: Queryable, kinds: string[]): Promise<WebhookWithSecret[]> {
  if (!kinds.length) return [];
  const rows = await q.query(`SELECT ${COLS}, secret FROM webhooks WHERE state = 'active' AND events && $1::text[] ORDER BY seq`, [kinds]);
  return rows.map((r) => ({ ...toWebhook(r), secret: r.secret }));
}

export async function anyActive(q: Queryable): Promise<boolean> {
  const [r] = await q.query("SELECT EXISTS (SELECT 1 FROM webhooks WHERE state = 'active') AS e");
  return r.e;
}

// ---- the fan-out's position and the deadline job's lock

/** The cursor row, locked for this transaction; null when another instance holds it (it is doing the work). */
export async function claimCursor(q: Queryable, name: 'fanout' | 'deadlines'): Promise<number | null> {
  const [r] = await q.query('SELECT position FROM webhook_cursors WHERE name = $1 FOR UPDATE SKIP LOCKED', [name]);
  return r ? Number(r.position) : null;
}

export async function readCursor(q: Queryable, name: 'fanout' | 'deadlines'): Promise<number> {
  const [r] = await q.query('SELECT position FROM webhook_cursors WHERE name = $1', [name]);
  return Number(r.position);
}

export async function moveCursor(q: Queryable, name: 'fanout' | 'deadlines', position: number): Promise<void> {
  await q.query('UPDATE webhook_cursors SET position = $2 WHERE name = $1', [name, position]);
}

/** Marks deadline notices made; returns those that were not made before (request id + threshold). */
export async function markDeadlines(q: Queryable, marks: { requestId: string; threshold: string }[]): Promise<Set<string>> {
  if (!marks.length) return new Set();
  const rows = await q.query(
    'INSERT INTO webhook_deadlines (request_id, threshold) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING RETURNING request_id::text AS r, threshold',
    [marks.map((m) => m.requestId), marks.map((m) => m.threshold)],
  );
  return new Set(rows.map((r) => `${r.r}/${r.threshold}`));
}

export async function deadlinesTold(q: Queryable, requestIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!requestIds.length) return out;
  for (const r of await q.query('SELECT request_id::text AS r, threshold FROM webhook_deadlines WHERE request_id = ANY($1::uuid[])', [requestIds])) {
    out.set(r.r, [...(out.get(r.r) ?? []), r.threshold]);
  }
  return out;
}

// ---- the outbox

export interface Queued {
  /** The delivery's id (also in its body and the Truce-Delivery header: receivers dedupe on it). */
  id: string;
  webhookId: string;
  dedupe: string;
  kind: string;
  body: string;
}

/** Queues deliveries; one already queued for its (webhook, dedupe) is left as it is. Returns how many were new. */
export async function enqueue(q: Queryable, all: Queued[]): Promise<number> {
  const seen = new Set<string>();
  const items = all.filter((i) => !seen.has(`${i.webhookId}/${i.dedupe}`) && Boolean(seen.add(`${i.webhookId}/${i.dedupe}`)));
  if (!items.length) return 0;
  const rows = await q.query(
    `INSERT INTO webhook_outbox (id, webhook_id, dedupe, kind, body)
     SELECT i, w, d, k, b FROM unnest($5::uuid[], $1::uuid[], $2::text[], $3::text[], $4::text[]) AS t(i, w, d, k, b)
     ON CONFLICT (webhook_id, dedupe) DO NOTHING RETURNING id`,
    [items.map((i) => i.webhookId), items.map((i) => i.dedupe), items.map((i) => i.kind), items.map((i) => i.body), items.map((i) => i.id)],
  );
  return rows.length;
}

export interface Claimed {
  id: string;
  webhookId: string;
  kind: string;
  body: string;
  attempt: number;
  url: string;
  secret: string;
  accountId: string;
}

/**
 * Claims due deliveries of active webhooks for `leaseMs` (another instance skips them: FOR UPDATE
 * SKIP LOCKED, then the lease), counting the attempt. A lease that ran out (an instance stopped
 * mid-send) is claimed again.
 */
export async function claimDue(q: Queryable, limit: number, leaseMs: number): Promise<Claimed[]> {
  const rows = await q.query(
    `UPDATE webhook_outbox o SET attempts = o.attempts + 1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
     FROM webhooks w
     WHERE o.id IN (
       SELECT o2.id FROM webhook_outbox o2 JOIN webhooks w2 ON w2.id = o2.webhook_id
       WHERE o2.state = 'pending' AND o2.next_at <= now() AND (o2.claimed_until IS NULL OR o2.claimed_until < now()) AND w2.state = 'active'
       ORDER BY o2.next_at LIMIT $1 FOR UPDATE OF o2 SKIP LOCKED
     ) AND w.id = o.webhook_id
     RETURNING o.id, o.webhook_id, o.kind, o.body, o.attempts, w.url, w.secret, w.account_id`,
    [limit, leaseMs],
  );
  return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, kind: r.kind, body: r.body, attempt: Number(r.attempts), url: r.url, secret: r.secret, accountId: r.account_id }));
}

/** Gives back claims not sent (the instance is stopping): the attempt did not happen. */
export async function release(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await q.query("UPDATE webhook_outbox SET claimed_until = NULL, attempts = attempts - 1 WHERE id = ANY($1::uuid[]) AND state = 'pending'", [ids]);
}

export interface Attempt {
  outboxId: string;
  webhookId: string;
  attempt: number;
  durationMs: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  response: string | null;
}

export type Next = { state: 'delivered' | 'failed' | 'dropped' } | { state: 'pending'; retryMs: number };

/**
 * Logs a batch of attempts and moves each delivery on (delivered, failed, dropped, or pending
 * again after its delay), in a few statements for the whole batch. Returns each webhook's failed
 * attempts in a row after them (a success in the batch resets it). The webhooks' rows are locked
 * first, in id order, as enabling, disabling and deleting take them before their deliveries.
 */
export async function recordAttempts(q: Queryable, batch: { a: Attempt; next: Next }[]): Promise<Map<string, number>> {
  if (!batch.length) return new Map();
  const hooks = [...new Set(batch.map((b) => b.a.webhookId))].sort();
  await q.query('SELECT 1 FROM webhooks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [hooks]);
  const col = <T>(f: (b: { a: Attempt; next: Next }) => T) => batch.map(f);
  await q.query(
    `INSERT INTO webhook_deliveries (outbox_id, webhook_id, attempt, duration_ms, status, ok, error, response)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::int[], $6::boolean[], $7::text[], $8::text[])`,
    [col((b) => b.a.outboxId), col((b) => b.a.webhookId), col((b) => b.a.attempt), col((b) => b.a.durationMs), col((b) => b.a.status), col((b) => b.a.ok), col((b) => b.a.error), col((b) => b.a.response)],
  );
  await q.query(
    `UPDATE webhook_outbox o SET claimed_until = NULL,
       state = CASE WHEN t.st = 'pending' THEN o.state ELSE t.st END,
       done_at = CASE WHEN t.st = 'pending' THEN NULL ELSE now() END,
       next_at = CASE WHEN t.st = 'pending' THEN now() + make_interval(secs => t.ms / 1000) ELSE o.next_at END
     FROM unnest($1::uuid[], $2::text[], $3::double precision[]) AS t(id, st, ms) WHERE o.id = t.id`,
    [col((b) => b.a.outboxId), col((b) => b.next.state), col((b) => (b.next.state === 'pending' ? b.next.retryMs : 0))],
  );
  const counted = batch.filter((b) => b.next.state !== 'dropped');
  const ok = hooks.filter((h) => counted.some((b) => b.a.webhookId === h && b.a.ok));
  const failed = hooks.map((h) => counted.filter((b) => b.a.webhookId === h && !b.a.ok).length);
  const rows = await q.query(
    `UPDATE webhooks w SET failures = CASE WHEN t.id = ANY($3::uuid[]) THEN 0 ELSE w.failures + t.n END
     FROM unnest($1::uuid[], $2::int[]) AS t(id, n) WHERE w.id = t.id RETURNING w.id::text AS id, w.failures`,
    [hooks, failed, ok],
  );
  return new Map(rows.map((r) => [r.id, Number(r.failures)]));
}

/** Deliveries left pending while a webhook was disabled are due at once when it is enabled again. */
export async function resume(q: Queryable, webhookId: string): Promise<void> {
  await q.query("UPDATE webhook_outbox SET next_at = now(), claimed_until = NULL WHERE webhook_id = $1 AND state = 'pending'", [webhookId]);
}

/** A deleted webhook's deliveries not yet made are dropped. */
export async function dropPending(q: Queryable, webhookId: string): Promise<void> {
  await q.query("UPDATE webhook_outbox SET state = 'dropped', done_at = now(), claimed_until = NULL WHERE webhook_id = $1 AND state = 'pending'", [webhookId]);
}

export interface DeliveryRecord {
  id: number;
  outboxId: string;
  kind: string;
  attempt: number;
  at: Date;
  durationMs: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  response: string | null;
  state: string;
}

/** The delivery log of one webhook, newest first, before a cursor (the log's id). */
export async function listDeliveries(q: Queryable, webhookId: string, page: { before?: number; limit: number }): Promise<DeliveryRecord[]> {
  const params: unknown[] = [webhookId, page.limit];
  const before = page.before !== undefined ? `AND d.id < $${params.push(page.before)}` : '';
  const rows = await q.query(
    `SELECT d.*, o.kind, o.state AS outbox_state FROM webhook_deliveries d JOIN webhook_outbox o ON o.id = d.outbox_id WHERE d.webhook_id = $1 ${before} ORDER BY d.id DESC LIMIT $2`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    outboxId: r.outbox_id,
    kind: r.kind,
    attempt: Number(r.attempt),
    at: r.at,
    durationMs: Number(r.duration_ms),
    status: r.status === null ? null : Number(r.status),
    ok: r.ok,
    error: r.error,
    response: r.response,
    state: r.outbox_state,
  }));
}

/** Deliveries of one webhook still to be made (pending), for its JSON. */
export async function pendingCount(q: Queryable, webhookIds: string[]): Promise<Map<string, number>> {
  if (!webhookIds.length) return new Map();
  const rows = await q.query("SELECT webhook_id::text AS w, count(*)::int AS n FROM webhook_outbox WHERE webhook_id = ANY($1::uuid[]) AND state = 'pending' GROUP BY webhook_id", [webhookIds]);
  return new Map(rows.map((r) => [r.w, r.n]));
}
