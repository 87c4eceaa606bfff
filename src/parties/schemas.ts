import { Type, type Static } from 'typebox';
import { HumanName, IsoTime, ListOf, ListQuery, Nullable, Uuid } from '../http/schemas.ts';
import { KINDS } from './store.ts';

const Alpha3 = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3 country code' });
export const Kind = Type.Enum(KINDS);
export const StatusSchema = Type.Enum(['committed', 'withdrawn', 'suspended', 'not_committed', 'designated'] as const);
export const EventTypeSchema = Type.Enum(['committed', 'withdrawn', 'suspended', 'reinstated'] as const);

const DesignationIn = Type.Object(
  {
    designated: Type.Boolean(),
    basis: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 1000 }))),
    since: Type.Optional(Nullable(IsoTime)),
  },
  { additionalProperties: false },
);

const partyFields = {
  name: HumanName(),
  aliases: Type.Array(HumanName(), { maxItems: 100, description: 'Other names, in any script' }),
  kind: Kind,
  homeState: Nullable(Alpha3),
  operatesIn: Type.Array(Alpha3, { maxItems: 250, uniqueItems: true, description: 'States that consent to the party operating in them' }),
  designation: DesignationIn,
};

export const PartyCreate = Type.Object(
  {
    name: partyFields.name,
    aliases: Type.Optional(partyFields.aliases),
    kind: partyFields.kind,
    homeState: Type.Optional(partyFields.homeState),
    operatesIn: Type.Optional(partyFields.operatesIn),
    designation: Type.Optional(partyFields.designation),
    force: Type.Optional(Type.Boolean({ description: 'Register it although its name or an alias looks like an existing party’s (secretariat and admin only)' })),
  },
  { additionalProperties: false },
);
export type PartyCreate = Static<typeof PartyCreate>;

export const PartyPatch = Type.Object(
  {
    name: Type.Optional(partyFields.name),
    aliases: Type.Optional(partyFields.aliases),
    kind: Type.Optional(partyFields.kind),
    homeState: Type.Optional(partyFields.homeState),
    operatesIn: Type.Optional(partyFields.operatesIn),
    designation: Type.Optional(partyFields.designation),
    force: Type.Optional(Type.Boolean({ description: 'Keep a name or alias that looks like another party’s' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PartyPatch = Static<typeof PartyPatch>;

export const Commitment = Type.Object({
  id: Uuid,
  partyId: Uuid,
  termsId: Uuid,
  type: EventTypeSchema,
  at: IsoTime,
  viaPartyId: Uuid,
  note: Nullable(Type.String()),
  late: Type.Boolean({ description: 'Made after the terms’ commitment deadline' }),
  recordedBy: Nullable(Uuid),
  recordedAt: IsoTime,
});

export const Party = Type.Object({
  id: Uuid,
  name: Type.String(),
  aliases: Type.Array(Type.String()),
  kind: Kind,
  homeState: Nullable(Type.String()),
  operatesIn: Type.Array(Type.String()),
  designation: Type.Object({ designated: Type.Boolean(), basis: Nullable(Type.String()), since: Nullable(IsoTime) }),
  status: StatusSchema,
  statusAt: IsoTime,
  isCochair: Type.Boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export const DesignationEventSchema = Type.Object({ id: Uuid, designated: Type.Boolean(), basis: Nullable(Type.String()), since: Nullable(IsoTime), recordedBy: Nullable(Uuid), recordedAt: IsoTime });
export const PartyDetail = Type.Intersect([Party, Type.Object({ history: Type.Array(Commitment), designations: Type.Array(DesignationEventSchema) })]);

export const PartyListQuery = ListQuery(['name', 'createdAt', 'status', 'kind'], {
  at: Type.Optional(IsoTime),
  kind: Type.Optional(Kind),
  status: Type.Optional(StatusSchema),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Matches the name or an alias, case-insensitively' })),
});
export const PartyList = ListOf(Party);
export const AtQuery = Type.Object({ at: Type.Optional(IsoTime) }, { additionalProperties: false });

export const CommitmentCreate = Type.Object(
  {
    type: EventTypeSchema,
    at: IsoTime,
    viaPartyId: Uuid,
    termsId: Type.Optional(Uuid),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type CommitmentCreate = Static<typeof CommitmentCreate>;

export const CommitmentListQuery = ListQuery(['at', 'recordedAt'], {});
export const CommitmentList = ListOf(Commitment);
