// The desk's API shapes: incidents as each caller sees them, and the bodies of review, merge,
// split, claims, requests, answers, determinations and publication.
import { Type, type Static } from 'typebox';
import { IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { EVENT_TYPES } from './acled.ts';
import { GRADES, REVIEW_STATUSES, STATUSES } from './review.ts';

export const FINDINGS = ['violation', 'no_violation', 'inconclusive'] as const;

export const StatusSchema = Type.Enum(STATUSES);
export const GradeSchema = Type.Enum(GRADES, {
  description:
    'Airwars grading: confirmed (a belligerent accepted responsibility), fair (two or more credible sources, with likely or confirmed near actions by a belligerent), ' +
    'weak (a single source), contested (competing claims of responsibility), discounted (combatants, or other parties most likely responsible)',
});
const EventType = Type.Enum(EVENT_TYPES);
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S', ...(description ? { description } : {}) });
const PartyIds = (description: string) => Type.Array(Uuid, { maxItems: 50, uniqueItems: true, description });

const Count = Type.Object(
  {
    best: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    low: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    high: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    civilians: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export const CasualtiesIn = Type.Object({ killed: Type.Optional(Count), injured: Type.Optional(Count) }, { additionalProperties: false });
const CountOut = Type.Object({ best: Type.Number(), low: Type.Optional(Nullable(Type.Number())), high: Type.Optional(Nullable(Type.Number())), civilians: Type.Optional(Nullable(Type.Number())) });
const CasualtiesOut = Type.Object({ killed: Type.Optional(CountOut), injured: Type.Optional(CountOut) });
const PointOut = Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }, { description: 'GeoJSON Point (longitude, latitude)' });
const Loose = (description: string) => Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description });

export const DeterminationOut = Type.Object({
  id: Uuid,
  incidentId: Uuid,
  finding: Type.Enum(FINDINGS),
  violatorPartyIds: Type.Array(Uuid),
  reasoning: Type.String(),
  proposedPartyId: Nullable(Uuid),
  proposedAt: IsoTime,
  standing: Type.Boolean({ description: 'Every co-chair party of the terms has concurred' }),
  superseded: Type.Boolean({ description: 'A later proposal replaced it before it stood' }),
  concurredBy: Type.Array(Uuid, { description: 'The co-chair parties that have concurred, the proposer’s first' }),
  cochairPartyIds: Type.Array(Uuid, { description: 'Whose concurrence it needs' }),
  concurrences: Type.Array(Type.Object({ id: Uuid, partyId: Uuid, concurredAt: IsoTime })),
});

const incidentFields = {
  id: Uuid,
  status: StatusSchema,
  grade: Nullable(GradeSchema),
  reasoning: Nullable(Type.String()),
  eventType: Type.String(),
  occurredFrom: IsoTime,
  occurredTo: IsoTime,
  location: Nullable(PointOut),
  locationPrecision: Nullable(Type.String()),
  pcodes: Loose('Administrative units of the place: { adm1, adm2, adm3 }, each { code, name } or null'),
  perpetratorPartyIds: Type.Array(Uuid),
  targetPartyIds: Type.Array(Uuid),
  casualties: CasualtiesOut,
  reportCount: Type.Integer(),
  mergedInto: Nullable(Uuid),
  publishedAt: Nullable(IsoTime),
  determination: Nullable(
    Type.Object({ id: Uuid, finding: Type.Enum(FINDINGS), violatorPartyIds: Type.Array(Uuid), standing: Type.Boolean(), concurredBy: Type.Array(Uuid) }),
  ),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
export const Incident = Type.Object(incidentFields);
const { location: _l, ...properties } = incidentFields;
export const IncidentProperties = Type.Object(properties);

export const ClaimOut = Type.Object({
  id: Uuid,
  incidentId: Uuid,
  partyId: Uuid,
  claimedAt: IsoTime,
  text: Type.String(),
  perpetratorPartyIds: Type.Array(Uuid),
  casualties: CasualtiesOut,
  source: Nullable(Type.String()),
  recordedAt: IsoTime,
});

export const AnswerOut = Type.Object({ id: Uuid, text: Type.String(), answeredAt: IsoTime });
export const RequestOut = Type.Object({
  id: Uuid,
  incidentId: Uuid,
  addressedToPartyId: Uuid,
  question: Type.String(),
  dueAt: IsoTime,
  askedAt: IsoTime,
  overdue: Type.Boolean({ description: 'Past its due time without an answer' }),
  answers: Type.Array(AnswerOut),
});

export const HistoryItem = Type.Object({
  type: Type.Enum(['review', 'merge', 'split', 'publish'] as const),
  status: Nullable(Type.String()),
  grade: Nullable(Type.String()),
  reasoning: Nullable(Type.String()),
  detail: Loose('merge: { incidentIds } or { mergedInto }; split: { reportIds, newIncidentId } or { splitFrom }'),
  at: IsoTime,
  by: Type.Optional(Type.Object({ accountId: Nullable(Uuid), role: Type.String() }, { description: 'Who: shown to the desk only' })),
});

export const IncidentDetail = Type.Object({
  ...incidentFields,
  reports: Type.Array(Loose('A report as the caller may see it (no reporter, text or sources unless the caller may read them)')),
  claims: Type.Array(ClaimOut),
  requests: Type.Array(RequestOut),
  determinations: Type.Array(DeterminationOut),
  history: Type.Array(HistoryItem),
});

// ---- bodies

export const ReviewBody = Type.Object(
  {
    status: Type.Enum(REVIEW_STATUSES),
    grade: Type.Optional(Nullable(GradeSchema)),
    reasoning: Text(8000, 'Why, for the record'),
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const MergeBody = Type.Object(
  { incidentIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Incidents whose reports move into this one' }) },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBody>;

export const SplitBody = Type.Object(
  { reportIds: Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true, description: 'Reports of this incident that make a new one' }) },
  { additionalProperties: false },
);
export type SplitBody = Static<typeof SplitBody>;

export const ClaimBody = Type.Object(
  {
    partyId: { ...Uuid, description: 'The party whose claim it is' },
    claimedAt: { ...IsoTime, description: 'When the party made it' },
    text: Text(20000),
    perpetratorPartyIds: Type.Optional(PartyIds('Whom the claim says did it')),
    casualties: Type.Optional(CasualtiesIn),
    source: Type.Optional(Text(2000, 'Where it was said: a statement, a briefing, a URL')),
  },
  { additionalProperties: false },
);
export type ClaimBody = Static<typeof ClaimBody>;

export const RequestBody = Type.Object(
  { addressedToPartyId: Uuid, question: Text(8000), dueAt: { ...IsoTime, description: 'When the answer is due (after now)' } },
  { additionalProperties: false },
);
export type RequestBody = Static<typeof RequestBody>;

export const AnswerBody = Type.Object({ text: Text(20000) }, { additionalProperties: false });
export type AnswerBody = Static<typeof AnswerBody>;

export const DeterminationBody = Type.Object(
  {
    finding: Type.Enum(FINDINGS),
    violatorPartyIds: Type.Optional(PartyIds('The parties found in violation (a violation names at least one; the other findings none)')),
    reasoning: Text(8000),
  },
  { additionalProperties: false },
);
export type DeterminationBody = Static<typeof DeterminationBody>;

export const EmptyBody = Type.Object({}, { additionalProperties: false });

// ---- queries

const SORTS = ['-occurredFrom', 'occurredFrom', '-updatedAt', 'updatedAt'] as const;
const filterFields = {
  bbox: Type.Optional(
    Type.String({ pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*(,\\s*-?\\d+(\\.\\d+)?\\s*){3}$', description: 'minLon,minLat,maxLon,maxLat (WGS 84): incidents located in the box' }),
  ),
  from: Type.Optional({ ...IsoTime, description: 'Incidents whose window ends at or after this time' }),
  to: Type.Optional({ ...IsoTime, description: 'Incidents whose window starts at or before this time' }),
  type: Type.Optional(EventType),
  partyId: Type.Optional({ ...Uuid, description: 'Incidents naming this party, as perpetrator or target' }),
  status: Type.Optional(StatusSchema),
  grade: Type.Optional(GradeSchema),
  pcode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}[0-9A-Za-z]{0,14}$', description: 'An administrative unit of any level (governorate, district, sub-district)' })),
};
export const IncidentListQuery = Type.Object(
  {
    ...filterFields,
    sort: Type.Optional(Type.Enum(SORTS, { default: '-occurredFrom' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Static<typeof IncidentListQuery>;
export const IncidentList = Type.Object({ items: Type.Array(Incident), next: Nullable(Type.String({ description: 'Cursor of the next page' })) });

const Link = Type.Object({ rel: Type.String(), href: Type.String(), type: Type.String() });
export const IncidentFeatures = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Object({ type: Type.Literal('Feature'), id: Uuid, geometry: Nullable(PointOut), properties: IncidentProperties })),
  links: Type.Array(Link),
  next: Nullable(Type.String()),
});

export const AggregateQuery = Type.Object({ by: Type.Enum(['day', 'adm1', 'adm2', 'party', 'type'] as const), ...filterFields }, { additionalProperties: false });
export type AggregateQuery = Static<typeof AggregateQuery>;
export const Aggregates = Type.Object({
  by: Type.String(),
  buckets: Type.Array(Type.Object({ key: Nullable(Type.String()), count: Type.Integer() })),
  total: Type.Integer({ description: 'Incidents matched (an incident naming two parties is in two party buckets, and counted once here)' }),
});

export const RequestListQuery = Type.Object(
  {
    overdue: Type.Optional(Type.Boolean({ description: 'true: past due and unanswered; false: the others' })),
    partyId: Type.Optional({ ...Uuid, description: 'Addressed to this party' }),
    incidentId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type RequestListQuery = Static<typeof RequestListQuery>;
export const RequestList = Type.Object({ items: Type.Array(RequestOut), next: Nullable(Type.String()) });

export const ConcurrenceOut = Type.Object({ id: Uuid, determinationId: Uuid, partyId: Uuid, concurredAt: IsoTime, determination: DeterminationOut });

