import { Type, type Static } from 'typebox';
import { HumanName, IsoTime, ListOf, ListQuery, Nullable, Uuid } from '../http/schemas.ts';
import { ROLES } from './roles.ts';

export const RoleSchema = Type.Enum(ROLES);

export const Account = Type.Object({
  id: Uuid,
  name: Type.String(),
  username: Nullable(Type.String()),
  role: RoleSchema,
  partyId: Nullable(Uuid),
  organisation: Nullable(Type.String()),
  lockedUntil: Nullable(IsoTime),
  disabled: Type.Boolean(),
  createdAt: IsoTime,
});

const binding = {
  role: RoleSchema,
  partyId: Type.Optional(Nullable(Uuid)),
  organisation: Type.Optional(Nullable(HumanName())),
};

const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
const Password = Type.String({ minLength: 12, maxLength: 256, pattern: '\\S', description: 'At least 12 characters, not only spaces' });

export const AccountCreate = Type.Object(
  { name: HumanName(), username: Username, password: Password, ...binding },
  { additionalProperties: false },
);
export type AccountCreate = Static<typeof AccountCreate>;

export const AccountPatch = Type.Object(
  { password: Type.Optional(Password), disabled: Type.Optional(Type.Boolean()), unlock: Type.Optional(Type.Literal(true)) },
  { additionalProperties: false, minProperties: 1 },
);

export const TokenCreate = Type.Object(
  { name: HumanName({ description: 'Who or what uses the token' }), ...binding },
  { additionalProperties: false },
);
export type TokenCreate = Static<typeof TokenCreate>;

export const AccountTokenCreate = Type.Object({ name: HumanName() }, { additionalProperties: false });

export const TokenInfo = Type.Object({
  id: Uuid,
  accountId: Uuid,
  accountName: Type.String(),
  role: RoleSchema,
  partyId: Nullable(Uuid),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters, to recognise a token' }),
  createdAt: IsoTime,
  revokedAt: Nullable(IsoTime),
  lastUsedAt: Nullable(IsoTime),
});
export const TokenCreated = Type.Intersect([TokenInfo, Type.Object({ token: Type.String({ description: 'Shown once; only its hash is kept' }) })]);

export const SignIn = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const SessionInfo = Type.Object({
  account: Type.Object({ id: Uuid, name: Type.String(), role: RoleSchema, partyId: Nullable(Uuid) }),
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on cookie-authenticated writes' })),
});

export const AccountList = ListOf(Account);
export const TokenList = ListOf(TokenInfo);
export const AccountListQuery = ListQuery(['createdAt', 'name', 'role'], { role: Type.Optional(RoleSchema) });
export const TokenListQuery = ListQuery(['createdAt', 'name'], { accountId: Type.Optional(Uuid), revoked: Type.Optional(Type.Boolean()) });
