// Webhooks over HTTP: register (the secret shown once), list and read (own only; the
// secretariat and admins all), delete (the owner), disable (the secretariat), enable again (the
// owner after failures; the secretariat any), and the delivery log. The dispatcher's jobs.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import type { Principal, Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { eventsHub } from '../events/hub.ts';
import { ApiError } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { registerRowReader } from '../ledger/entities.ts';
import { write } from '../ledger/ledger.ts';
import { hostFault } from './deliver.ts';
import { Dispatcher } from './dispatch.ts';
import { KINDS_OF_ROLE, REGISTRANT_ROLES } from './kinds.ts';
import * as S from './schemas.ts';
import * as service from './service.ts';
import * as store from './store.ts';

const OWNERS_AND_OVERSEERS: readonly Role[] = ['admin', 'secretariat', ...REGISTRANT_ROLES];
const OVERSEERS: readonly Role[] = service.OVERSEERS;

const VISIBILITY =
  'A liaison or an agency sees its own webhooks; the secretariat and admins every one. Another account’s webhook is answered 404, as if it did not exist. ' +
  'The signing secret is shown once, in the answer that creates the webhook, and never again.';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function webhookJson(h: store.WebhookRecord, pending: number) {
  return {
    id: h.id,
    accountId: h.accountId,
    url: h.url,
    events: h.events,
    description: h.description,
    state: h.state as 'active' | 'disabled',
    disabledReason: h.disabledReason,
    disabledAt: iso(h.disabledAt),
    consecutiveFailures: h.failures,
    pendingDeliveries: pending,
    createdAt: h.createdAt.toISOString(),
    updatedAt: h.updatedAt.toISOString(),
  };
}

function afterOf(cursor: string | undefined, sort: string): number | undefined {
  if (!cursor) return undefined;
  const [k] = decodeCursor(cursor, sort);
  if (typeof k !== 'number') throw new ApiError('BAD_CURSOR', 'The cursor is not one this list gave out.', 'cursor');
  return k;
}

export async function webhookRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['webhooks'];
  const rules = { allowPrivate: config.webhookAllowPrivate };

  // the ledger gives a registration's salt and state to its owner (the secretariat and admins read all)
  registerRowReader('webhook', async (q, p, id) => (await store.getWebhook(q, id))?.accountId === p.accountId);

  // the fan-out, the deadline notices and the deliveries: on every instance that sends (TRUCE_WEBHOOK_DELIVER)
  const dispatcher = new Dispatcher(db, config, app.log);
  if (config.webhookDeliver) {
    const unhook = eventsHub(db).onEvents((events) => dispatcher.wake(events));
    app.jobs.register({ name: 'webhooks.fanout', everyMs: config.webhookPollMs, run: () => dispatcher.fanout.run() });
    app.jobs.register({ name: 'webhooks.deliver', everyMs: config.webhookPollMs, atStart: false, run: () => dispatcher.deliver.run() });
    app.jobs.register({ name: 'webhooks.deadlines', everyMs: config.webhookDeadlineCheckMs, atStart: false, run: () => dispatcher.deadlines.run() });
    app.addHook('onClose', async () => {
      unhook();
      await dispatcher.close();
    });
  } else dispatcher.deliver.closed = dispatcher.fanout.closed = dispatcher.deadlines.closed = true; // kicks (enable) do nothing here

  const out = async (h: store.WebhookRecord) => webhookJson(h, (await store.pendingCount(db, [h.id])).get(h.id) ?? 0);

  r.post('/api/v1/webhooks', {
    config: { access: REGISTRANT_ROLES },
    schema: {
      tags,
      summary: 'Register a URL for some event kinds; the answer holds the signing secret, shown this once',
      description:
        `A liaison registers for ${KINDS_OF_ROLE.liaison!.join(', ')} (for its party); an agency for ${KINDS_OF_ROLE.agency!.join(', ')} (for its organisation's sites). ` +
        `The URL must be https to a public address (${config.webhookAllowPrivate ? 'this deployment also admits http and private addresses' : 'no loopback, private, link-local or metadata address'}); ` +
        `at most ${config.webhooksPerAccount} webhooks per account (409). Each delivery is a POST of JSON signed with HMAC-SHA256 (header Truce-Signature: t=<unix>,v1=<hex> over "<t>.<body>"). ${VISIBILITY}`,
      body: S.WebhookCreate,
      response: { 201: S.WebhookCreated },
    },
    handler: async (req, reply) => {
      const me = principal(req);
      const made = await write(db, me, (w) => service.create(w, me, req.body, config, (url) => hostFault(url, rules)));
      dispatcher.listening = true;
      reply.code(201).header('location', `/api/v1/webhooks/${made.webhook.id}`);
      return { ...webhookJson(made.webhook, 0), secret: made.secret };
    },
  });

  r.get('/api/v1/webhooks', {
    config: { access: OWNERS_AND_OVERSEERS },
    schema: { tags, summary: 'Webhooks: the caller’s own; every one for the secretariat and admins; newest first', description: VISIBILITY, querystring: S.ListQuery, response: { 200: S.WebhookList } },
    handler: async (req) => {
      const me: Principal = principal(req);
      const limit = req.query.limit ?? 50;
      const before = afterOf(req.query.cursor, 'webhooks');
      const rows = await store.listWebhooks(db, service.oversees(me) ? null : me.accountId, { before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const pending = await store.pendingCount(db, page.map((h) => h.id));
      return { items: page.map((h) => webhookJson(h, pending.get(h.id) ?? 0)), nextCursor: rows.length > limit ? encodeCursor('webhooks', [page.at(-1)!.seq, page.at(-1)!.id]) : null };
    },
  });

  r.get('/api/v1/webhooks/:id', {
    config: { access: OWNERS_AND_OVERSEERS },
    schema: { tags, summary: 'One webhook (never its secret)', description: VISIBILITY, params: IdParams, response: { 200: S.Webhook } },
    handler: async (req) => out(await service.readable(db, principal(req), req.params.id)),
  });

  r.delete('/api/v1/webhooks/:id', {
    config: { access: REGISTRANT_ROLES },
    schema: { tags, summary: 'Delete one’s own webhook; deliveries not yet made are dropped', description: VISIBILITY, params: IdParams, response: { 200: { type: 'object', properties: { id: { type: 'string' }, deleted: { type: 'boolean' } } } } },
    handler: async (req) => {
      const me = principal(req);
      await write(db, me, (w) => service.remove(w, me, req.params.id));
      return { id: req.params.id, deleted: true };
    },
  });

  r.post('/api/v1/webhooks/:id/disable', {
    config: { access: OVERSEERS },
    schema: { tags, summary: 'Disable a webhook (the secretariat); only the secretariat enables it again', description: VISIBILITY, params: IdParams, response: { 200: S.Webhook } },
    handler: async (req) => {
      const me = principal(req);
      return out(await write(db, me, (w) => service.disable(w, me, req.params.id)));
    },
  });

  r.post('/api/v1/webhooks/:id/enable', {
    config: { access: OWNERS_AND_OVERSEERS },
    schema: {
      tags,
      summary: 'Enable a disabled webhook again: the owner after failures, the secretariat any; deliveries left pending are tried at once',
      description: `A webhook is disabled after ${config.webhookDisableAfter} failed attempts in a row. ${VISIBILITY}`,
      params: IdParams,
      response: { 200: S.Webhook },
    },
    handler: async (req) => {
      const me = principal(req);
      const h = await write(db, me, (w) => service.enable(w, me, req.params.id));
      dispatcher.listening = true;
      dispatcher.deliver.kick();
      return out(h);
    },
  });

  r.get('/api/v1/webhooks/:id/deliveries', {
    config: { access: OWNERS_AND_OVERSEERS },
    schema: {
      tags,
      summary: 'The delivery log of a webhook: every attempt, newest first',
      description: `Status, time, attempt, duration, a short error, and at most 256 bytes of the receiver's answer. ${VISIBILITY}`,
      params: IdParams,
      querystring: S.ListQuery,
      response: { 200: S.DeliveryList },
    },
    handler: async (req) => {
      const h = await service.readable(db, principal(req), req.params.id);
      const limit = req.query.limit ?? 50;
      const before = afterOf(req.query.cursor, `deliveries:${h.id}`);
      const rows = await store.listDeliveries(db, h.id, { before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        items: page.map((d) => ({ id: d.id, deliveryId: d.outboxId, kind: d.kind, attempt: d.attempt, at: d.at.toISOString(), durationMs: d.durationMs, status: d.status, ok: d.ok, error: d.error, response: d.response, deliveryState: d.state })),
        nextCursor: rows.length > limit ? encodeCursor(`deliveries:${h.id}`, [page.at(-1)!.id, h.id]) : null,
      };
    },
  });
}
