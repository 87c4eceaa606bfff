// Shared schemas: the same shape of a time, an id, a list query and a problem everywhere.
import { Type, type TSchema } from 'typebox';
import { NAME_KEYWORD, TIME_KEYWORD } from './validation.ts';

/**
 * A time: RFC 3339 with an offset, or a plain date for the start of that day UTC, in the
 * configured years. Validation rewrites it to canonical UTC (`2016-02-27T00:00:00.000Z`),
 * so routes parse exactly what was meant.
 */
export const IsoTime = Type.String({
  format: 'date-time',
  [TIME_KEYWORD]: true,
  description: 'ISO 8601 time with offset, e.g. 2016-02-27T00:00:00+02:00, or a date (2016-02-27: its start, UTC); years 1900-2200 by default',
});

/**
 * A name people read (party, alias, terms, account, site, corridor): no invisible or
 * bidirectional control characters, at least one letter or digit; stored in NFKC, trimmed,
 * inner whitespace collapsed.
 */
export const HumanName = (o: { maxLength?: number; description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength: o.maxLength ?? 200, [NAME_KEYWORD]: true, ...(o.description ? { description: o.description } : {}) });
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
