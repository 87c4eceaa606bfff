// The rules of webhook registrations: who registers for what, which URLs, how many; deleting,
// disabling and enabling again. Every change is a write through the ledger (entity `webhook`).
import type { Principal } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Writer } from '../ledger/ledger.ts';
import { KINDS_OF_ROLE, refusedKind } from './kinds.ts';
import { newSecret } from './signature.ts';
import { urlFault, type Fault } from './ssrf.ts';
import * as store from './store.ts';

/** Those who read every registration and may disable one. */
export const OVERSEERS = ['admin', 'secretariat'] as const;
export const oversees = (p: Principal): boolean => (OVERSEERS as readonly string[]).includes(p.role);

export interface CreateBody {
  url: string;
  events: string[];
  description?: string;
}

/** Checks the URL's host as the server resolves it (deliver.ts's rules); the same answer for "does not resolve" and "resolves inside". */
export type HostCheck = (url: string) => Promise<Fault>;

export async function create(w: Writer, p: Principal, b: CreateBody, config: Config, checkHost: HostCheck): Promise<{ webhook: store.WebhookRecord; secret: string }> {
  const rules = { allowPrivate: config.webhookAllowPrivate };
  const refused = refusedKind(p.role, b.events);
  if (refused) {
    const may = (KINDS_OF_ROLE[p.role] ?? []).join(', ');
    throw new ApiError('INCONSISTENT', `A ${p.role} may register for ${may}; not for "${refused.kind}".`, `events.${refused.index}`);
  }
  if (p.role === 'liaison' && !p.partyId) throw new ApiError('INCONSISTENT', 'This liaison account speaks for no party, so no event would reach it.', 'events');
  const fault = urlFault(b.url, rules) ?? (await checkHost(b.url));
  if (fault) throw new ApiError('URL_REFUSED', `The url ${fault}.`, 'url');
  await store.lockAccount(w.q, p.accountId);
  const n = await store.countOfAccount(w.q, p.accountId);
  if (n >= config.webhooksPerAccount) {
    throw new ApiError('TOO_MANY_WEBHOOKS', `An account may have ${config.webhooksPerAccount} webhooks; this one has ${n}. Delete one first.`, 'url', { limit: config.webhooksPerAccount });
  }
  const secret = newSecret();
  const created = await store.insertWebhook(w.q, { accountId: p.accountId, url: b.url, events: [...new Set(b.events)], description: b.description?.trim() || null, secret });
  w.record('webhook.created', 'webhook', created.row);
  return { webhook: created, secret };
}

/** The webhook this caller may read: its own, or any for the secretariat and admins; else 404 (another's looks like none). */
export async function readable(q: Writer['q'], p: Principal, id: string, lock = false): Promise<store.WebhookRecord> {
  const h = await store.getWebhook(q, id, lock);
  if (!h || (h.accountId !== p.accountId && !oversees(p))) throw notFound('webhook', id);
  return h;
}

/** Only the owner deletes its webhook; pending deliveries are dropped and the secret wiped. */
export async function remove(w: Writer, p: Principal, id: string): Promise<void> {
  const h = await store.getWebhook(w.q, id, true);
  if (!h || h.accountId !== p.accountId) throw notFound('webhook', id);
  const row = await store.setState(w.q, id, { state: 'deleted', reason: null, by: p.accountId });
  await store.dropPending(w.q, id);
  w.record('webhook.deleted', 'webhook', row);
}

/** The secretariat (or an admin) disables a webhook; only it enables one it disabled. */
export async function disable(w: Writer, p: Principal, id: string): Promise<store.WebhookRecord> {
  const h = await readable(w.q, p, id, true);
  if (h.state === 'disabled' && h.disabledReason === 'secretariat') throw new ApiError('WEBHOOK_STATE', 'The webhook is disabled already.', 'id', { state: h.state });
  const row = await store.setState(w.q, id, { state: 'disabled', reason: 'secretariat', by: p.accountId });
  w.record('webhook.disabled', 'webhook', row);
  return (await store.getWebhook(w.q, id))!;
}

/** Disabled by the dispatcher after repeated failure (the system's write). */
export async function disableForFailures(w: Writer, id: string): Promise<boolean> {
  const h = await store.getWebhook(w.q, id, true);
  if (!h || h.state !== 'active') return false;
  const row = await store.setState(w.q, id, { state: 'disabled', reason: 'failures', by: null });
  w.record('webhook.disabled', 'webhook', row);
  return true;
}

/** The owner enables its webhook again after failures; the secretariat any. Deliveries left pending are due at once. */
export async function enable(w: Writer, p: Principal, id: string): Promise<store.WebhookRecord> {
  const h = await readable(w.q, p, id, true);
  if (h.state === 'active') throw new ApiError('WEBHOOK_STATE', 'The webhook is active already.', 'id', { state: h.state });
  if (h.disabledReason === 'secretariat' && !oversees(p)) throw new ApiError('WEBHOOK_STATE', 'The secretariat disabled this webhook; only it enables it again.', 'id', { state: h.state, disabledReason: h.disabledReason });
  const row = await store.setState(w.q, id, { state: 'active', reason: null, by: p.accountId });
  await store.resume(w.q, id);
  w.record('webhook.enabled', 'webhook', row);
  return (await store.getWebhook(w.q, id))!;
}
