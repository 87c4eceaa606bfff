// The shapes of humanitarian access, in and out (web/src/types.ts "Aid" mirrors the outputs).
import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { HumanName, IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { BESIEGED_STATUSES } from './areas.ts';
import { CARGO_CATEGORIES, CONVOY_STATES } from './convoy.ts';

const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why, for the record' });
const Status = Type.Enum(BESIEGED_STATUSES);
const Count = Type.Integer({ minimum: 0, maximum: 100_000_000 });
const PointIn = GeometrySchema(['Point']);

export const Population = Type.Object(
  { count: Count, asOf: IsoTime, source: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'Whose figure, e.g. "UN OCHA, January 2016"' }) },
  { additionalProperties: false },
);

export const AreaCreate = Type.Object(
  {
    name: HumanName({ maxLength: 300 }),
    geometry: Type.Optional(GeometrySchema(['Polygon', 'MultiPolygon'])),
    pcodes: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z]{2}[0-9]{2,10}$' }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'OCHA P-codes: the area is the union of their shipped units' })),
    population: Population,
    besiegingPartyIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
    status: Status,
    since: IsoTime,
  },
  { additionalProperties: false },
);
export type AreaCreate = Static<typeof AreaCreate>;

export const AreaStatusCreate = Type.Object({ status: Status, at: IsoTime, reason: Reason }, { additionalProperties: false });
export type AreaStatusCreate = Static<typeof AreaStatusCreate>;

const HistoryItem = Type.Object({ at: IsoTime, status: Status, reason: Type.Optional(Type.String()) });
export const Area = Type.Object({
  id: Uuid,
  name: Type.String(),
  status: Status,
  since: IsoTime,
  geometry: Type.Object({ type: Type.Enum(['Polygon', 'MultiPolygon']), coordinates: Type.Array(Type.Unknown()) }),
  pcodes: Type.Array(Type.String()),
  population: Type.Object({ count: Type.Integer(), asOf: IsoTime, source: Type.String() }),
  besiegingPartyIds: Type.Array(Uuid),
  lastDeliveryAt: Nullable(IsoTime),
  daysSinceLastDelivery: Nullable(Type.Integer()),
  history: Type.Array(HistoryItem),
  illustrative: Type.Boolean(),
});
export const AreaList = Type.Object({ items: Type.Array(Area) });

const CargoLine = Type.Object(
  {
    category: Type.Enum(CARGO_CATEGORIES),
    item: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    quantity: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
    unit: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
  },
  { additionalProperties: false },
);

export const Window = Type.Object({ from: IsoTime, to: IsoTime }, { additionalProperties: false });

export const ConvoyCreate = Type.Object(
  {
    agency: Type.Optional(HumanName({ maxLength: 200, description: 'The requesting organisation (an agency account: its own, and this may be left out)' })),
    originName: HumanName({ maxLength: 300 }),
    destinationAreaId: Uuid,
    route: GeometrySchema(['LineString']),
    window: Window,
    cargo: Type.Array(CargoLine, { minItems: 1, maxItems: 100 }),
    peopleToReach: Count,
  },
  { additionalProperties: false },
);
export type ConvoyCreate = Static<typeof ConvoyCreate>;

export const ApprovalParams = Type.Object({ id: Uuid, partyId: Uuid }, { additionalProperties: false });
export const ApprovalCreate = Type.Object(
  {
    status: Type.Enum(['granted', 'denied'] as const),
    conditions: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type ApprovalCreate = Static<typeof ApprovalCreate>;

export const Dispatch = Type.Object({ at: Type.Optional(IsoTime) }, { additionalProperties: false });
export type Dispatch = Static<typeof Dispatch>;
export const Deliver = Type.Object(
  {
    at: Type.Optional(IsoTime),
    removed: Type.Optional(
      Type.Array(Type.Object({ ...CargoLine.properties, byPartyId: Uuid, where: Type.Optional(PointIn) }, { additionalProperties: false }), { maxItems: 100, description: 'Cargo removed at a checkpoint: the delivery is then partial' }),
    ),
  },
  { additionalProperties: false },
);
export type Deliver = Static<typeof Deliver>;
export const Block = Type.Object({ at: Type.Optional(IsoTime), where: PointIn, byPartyId: Uuid, reason: Reason }, { additionalProperties: false });
export type Block = Static<typeof Block>;
export const Cancel = Type.Object({ reason: Reason }, { additionalProperties: false });
export type Cancel = Static<typeof Cancel>;

export const ConvoyListQuery = Type.Object({ state: Type.Optional(Type.Enum(CONVOY_STATES)), areaId: Type.Optional(Uuid) }, { additionalProperties: false });

const Approval = Type.Object({
  partyId: Uuid,
  partyName: Type.String(),
  reason: Type.Enum(['territory', 'besieger'] as const),
  status: Type.Enum(['pending', 'granted', 'denied'] as const),
  conditions: Type.Optional(Type.String()),
  denialReason: Type.Optional(Type.String()),
  decidedAt: Type.Optional(IsoTime),
  waitingSince: IsoTime,
});
export const Convoy = Type.Object({
  id: Uuid,
  view: Type.Enum(['full', 'route'] as const, { description: 'route: another agency’s approved convoy, without cargo, approvals or history' }),
  state: Type.Enum(CONVOY_STATES),
  agency: Type.String(),
  originName: Type.String(),
  destinationAreaId: Uuid,
  route: Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Type.Array(Type.Number())) }),
  window: Type.Object({ from: IsoTime, to: IsoTime }),
  cargo: Type.Array(Type.Object({ category: Type.String(), item: Type.Optional(Type.String()), quantity: Type.Number(), unit: Type.String() })),
  peopleToReach: Type.Integer(),
  approvals: Type.Array(Approval),
  history: Type.Array(Type.Object({ at: IsoTime, type: Type.String(), detail: Type.String(), by: Type.Optional(Type.String()), reportId: Type.Optional(Uuid) })),
  reportIds: Type.Array(Uuid),
  createdAt: IsoTime,
  illustrative: Type.Boolean(),
});
export const ConvoyList = Type.Object({ items: Type.Array(Convoy) });

export const FiguresQuery = Type.Object(
  { from: Type.Optional({ ...IsoTime, description: 'Start of the period (default: 30 days before `to`)' }), to: Type.Optional({ ...IsoTime, description: 'End of the period, exclusive (default: now)' }) },
  { additionalProperties: false },
);
export const Figures = Type.Object({
  from: IsoTime,
  to: IsoTime,
  areas: Type.Array(Type.Object({ areaId: Uuid, name: Type.String(), population: Type.Integer(), peopleReached: Type.Integer(), daysSinceLastDelivery: Nullable(Type.Integer()) })),
  besiegedPopulation: Type.Integer(),
  reachedShare: Type.Number(),
  pendingApprovals: Type.Array(Type.Object({ partyId: Uuid, partyName: Type.String(), pending: Type.Integer(), longestWaitDays: Type.Integer() })),
});
