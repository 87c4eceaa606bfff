import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { IsoTime, ListOf, Nullable, Uuid } from '../http/schemas.ts';
import { REASON_CODES } from './model.ts';

export const VettingCreate = Type.Object(
  {
    target: GeometrySchema(['Point', 'Polygon']),
    radiusM: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'With a Point: the target is the disc of this geodesic radius, in metres' })),
    at: Type.Optional(IsoTime),
    requestingPartyId: Uuid,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type VettingCreate = Static<typeof VettingCreate>;

export const Reason = Type.Object({
  code: Type.Enum(REASON_CODES),
  detail: Type.String(),
  partyIds: Type.Optional(Type.Array(Uuid)),
  distanceM: Type.Optional(Type.Number()),
  siteId: Type.Optional(Uuid),
  corridorId: Type.Optional(Uuid),
  states: Type.Optional(Type.Array(Type.String())),
});

const DecisionEnum = Type.Enum(['permitted', 'prohibited', 'review'] as const);

export const Vetting = Type.Object({
  id: Uuid,
  decision: DecisionEnum,
  reasons: Type.Array(Reason),
  dataVersion: Type.Integer({ description: 'The ledger size whose data the decision read: replays use the data as of this version' }),
  target: GeometrySchema(['Point', 'Polygon']),
  radiusM: Nullable(Type.Number()),
  at: IsoTime,
  requestingPartyId: Uuid,
  note: Nullable(Type.String()),
  requestedBy: Nullable(Uuid),
  requestedAt: IsoTime,
});

export const Replay = Type.Object({
  id: Uuid,
  dataVersion: Type.Integer(),
  decision: DecisionEnum,
  reasons: Type.Array(Reason),
  same: Type.Boolean({ description: 'Whether the replay gives exactly the recorded decision and reasons' }),
  recorded: Type.Object({ decision: DecisionEnum, reasons: Type.Array(Reason) }),
});

export const VettingListQuery = Type.Object(
  {
    requestedBy: Type.Optional(Uuid),
    requestingPartyId: Type.Optional(Uuid),
    decision: Type.Optional(DecisionEnum),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const VettingList = ListOf(Vetting);

export const AuditQuery = Type.Object({ from: Type.Optional(IsoTime), to: Type.Optional(IsoTime) }, { additionalProperties: false });
export const Audit = Type.Object({
  from: IsoTime,
  to: IsoTime,
  accounts: Type.Array(
    Type.Object({
      accountId: Nullable(Uuid),
      name: Nullable(Type.String()),
      role: Nullable(Type.String()),
      requests: Type.Integer(),
      prohibited: Type.Integer(),
      siteHits: Type.Integer({ description: 'Decisions that found a protected site: many from one account suggests probing' }),
      lastAt: IsoTime,
    }),
  ),
});
