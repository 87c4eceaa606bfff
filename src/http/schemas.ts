// Shared schemas: the same shape of a time, an id, a list query and a problem everywhere.
import { Type, type TSchema } from 'typebox';

export const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 time with offset, e.g. 2016-02-27T00:00:00+02:00' });
export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Query of a paginated list: sort keys are the ones the list offers, '-' prefix for descending. */
export function ListQuery<P extends Record<string, TSchema>>(sortKeys: readonly string[], extra: P) {
  const sorts = sortKeys.flatMap((k) => [k, `-${k}`]);
  return Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      cursor: Type.Optional(Type.String({ maxLength: 1000 })),
      sort: Type.Optional(Type.Enum(sorts, { default: sortKeys[0] })),
      ...extra,
    },
    { additionalProperties: false },
  );
}

export const ListOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    field: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Problem' },
);
