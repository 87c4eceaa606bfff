// The shapes of webhooks, in and out (web/src/types.ts "Webhooks" mirrors the outputs).
import { Type, type Static } from 'typebox';
import { IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { KINDS } from './kinds.ts';
import { MAX_URL_LENGTH } from './ssrf.ts';

const Kind = Type.Enum(KINDS, { description: 'An event kind (see the README: Webhooks)' });

export const WebhookCreate = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, description: 'Where deliveries are POSTed: https, to a public address' }),
    events: Type.Array(Kind, { minItems: 1, maxItems: KINDS.length, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const Webhook = Type.Object({
  id: Uuid,
  accountId: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  state: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabledReason: Nullable(Type.Union([Type.Literal('failures'), Type.Literal('secretariat')])),
  disabledAt: Nullable(IsoTime),
  consecutiveFailures: Type.Integer(),
  pendingDeliveries: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const WebhookCreated = Type.Intersect([
  Webhook,
  Type.Object({ secret: Type.String({ description: 'The signing secret: shown this once, never again' }) }),
]);

export const WebhookList = Type.Object({ items: Type.Array(Webhook), nextCursor: Nullable(Type.String()) });

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const Delivery = Type.Object({
  id: Type.Integer(),
  deliveryId: Uuid,
  kind: Type.String(),
  attempt: Type.Integer(),
  at: IsoTime,
  durationMs: Type.Integer(),
  status: Nullable(Type.Integer()),
  ok: Type.Boolean(),
  error: Nullable(Type.String()),
  response: Nullable(Type.String({ description: 'The first bytes of the answer (at most 256)' })),
  deliveryState: Type.String({ description: 'pending (to be tried again), delivered, failed (given up) or dropped' }),
});
export const DeliveryList = Type.Object({ items: Type.Array(Delivery), nextCursor: Nullable(Type.String()) });
