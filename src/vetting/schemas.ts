import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { IsoTime, ListOf, Nullable, Uuid } from '../http/schemas.ts';
import { REASON_CODES, TOLD_BASES } from './model.ts';

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

/** What the caller was told (for the task force's eyes: a role without site access sees only this, as its decision and reasons). */
const Told = Type.Object({
  decision: DecisionEnum,
  reasons: Type.Array(Reason),
  // exact: told the decision itself; grid: sites counted on the coarse grid, as a referral;
  // flagged: past the budget, referred whatever it asked; null: recorded before the told view was kept
  basis: Nullable(Type.Enum(TOLD_BASES)),
});

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
  told: Type.Optional(Told),
  // the history (task force only): the seq of the decision's ledger leaf, and where its entry, proof and replay are
  ledgerSeq: Type.Optional(Nullable(Type.Integer())),
  links: Type.Optional(Type.Object({ ledgerEntry: Nullable(Type.String()), proof: Type.String(), replay: Type.String() })),
});

/** One target of a batch: as a single request's, the party given once for all. */
const BatchTarget = Type.Object(
  {
    target: GeometrySchema(['Point', 'Polygon']),
    radiusM: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'With a Point: the target is the disc of this geodesic radius, in metres' })),
    at: Type.Optional(IsoTime),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const VettingBatchCreate = (max: number) =>
  Type.Object(
    {
      requestingPartyId: Uuid,
      at: Type.Optional(IsoTime),
      note: Type.Optional(Type.String({ maxLength: 2000 })),
      targets: Type.Array(BatchTarget, { minItems: 1, maxItems: max }),
    },
    { additionalProperties: false },
  );
export type VettingBatchCreate = Static<ReturnType<typeof VettingBatchCreate>>;

export const VettingBatch = Type.Object({
  requestingPartyId: Uuid,
  count: Type.Integer(),
  decisions: Type.Object({ prohibited: Type.Integer(), review: Type.Integer(), permitted: Type.Integer() }, { description: 'How many targets got each decision (the decision the caller was told)' }),
  items: Type.Array(Type.Intersect([Type.Object({ index: Type.Integer({ description: 'The target’s place in the request, from 0' }) }), Vetting])),
});

export const Replay = Type.Object({
  id: Uuid,
  dataVersion: Type.Integer(),
  decision: DecisionEnum,
  reasons: Type.Array(Reason),
  same: Type.Boolean({ description: 'Whether the replay gives exactly the recorded decision and reasons, and exactly what the caller was told' }),
  told: Type.Optional(Told),
  recorded: Type.Object({ decision: DecisionEnum, reasons: Type.Array(Reason), told: Type.Optional(Told) }),
});

export const VettingListQuery = Type.Object(
  {
    requestedBy: Type.Optional(Uuid),
    requestingPartyId: Type.Optional(Uuid),
    decision: Type.Optional(DecisionEnum),
    reason: Type.Optional(Type.Enum(REASON_CODES, { description: 'Decisions with this reason, exact or told' })),
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
      // when the account was flagged for going past its daily budget of referrals, while the flag stands
      flaggedAt: Nullable(IsoTime),
      requests: Type.Integer(),
      prohibited: Type.Integer(),
      siteHits: Type.Integer({ description: 'Decisions that found a protected site: many from one account suggests probing' }),
      referrals: Type.Integer({ description: 'Answers that told the account REFERRED_TO_TASK_FORCE' }),
      rateLimited: Type.Integer({ description: 'Targets the rate limiter refused (429; a refused batch counts each of its targets), per UTC day the window touches' }),
      lastAt: Nullable(IsoTime),
    }),
  ),
});

export const FlagParams = Type.Object({ accountId: Uuid }, { additionalProperties: false });
export const FlagLift = Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }));
export const Flag = Type.Object({
  id: Uuid,
  accountId: Uuid,
  event: Type.Enum(['flagged', 'lifted'] as const),
  at: IsoTime,
  referrals: Nullable(Type.Integer()),
  reason: Nullable(Type.String()),
  recordedBy: Nullable(Uuid),
});
