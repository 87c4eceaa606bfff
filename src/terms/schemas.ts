import { Type, type Static } from 'typebox';
import { HumanName, IsoTime, ListOf, ListQuery, Nullable, Uuid } from '../http/schemas.ts';

export const TermsCreate = Type.Object(
  {
    name: HumanName({ maxLength: 300 }),
    text: Type.Optional(Type.String({ maxLength: 200_000, description: 'The terms as agreed' })),
    announcedAt: Type.Optional(Nullable(IsoTime)),
    commitmentDeadline: IsoTime,
    startsAt: IsoTime,
    cochairPartyIds: Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type TermsCreate = Static<typeof TermsCreate>;

export const Terms = Type.Object({
  id: Uuid,
  name: Type.String(),
  text: Type.String(),
  announcedAt: Nullable(IsoTime),
  commitmentDeadline: IsoTime,
  startsAt: IsoTime,
  cochairPartyIds: Type.Array(Uuid),
  createdAt: IsoTime,
});
export const TermsList = ListOf(Terms);
export const TermsListQuery = ListQuery(['startsAt', 'name', 'createdAt'], {});
