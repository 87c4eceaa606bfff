import { Type, type Static } from 'typebox';
import { Nullable } from '../http/schemas.ts';
import { PLACE_KINDS } from './gazetteer.ts';

/** Longest query: the longest name in the data has under 60 characters. */
export const MAX_QUERY = 100;

export const PlaceQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: MAX_QUERY, description: 'A place name in Latin or Arabic script; case, accents, articles, doubled letters and common transliteration variants are ignored' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    kind: Type.Optional(Type.Enum([...PLACE_KINDS], { description: 'Only places of this kind' })),
  },
  { additionalProperties: false },
);
export type PlaceQuery = Static<typeof PlaceQuery>;

const AdminRef = Nullable(Type.Object({ code: Type.String(), name: Type.String() }));

export const PlaceOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameAr: Type.Optional(Type.String()),
  kind: Type.Enum([...PLACE_KINDS]),
  pcode: Type.Optional(Type.String({ description: "An administrative unit's own P-code" })),
  adm1: AdminRef,
  adm2: AdminRef,
  adm3: AdminRef,
  lon: Type.Number(),
  lat: Type.Number(),
  population: Type.Optional(Type.Integer()),
  source: Type.Enum(['ocha', 'geonames', 'ocha+geonames']),
  country: Type.String({ description: 'ISO 3166-1 alpha-3' }),
  aliases: Type.Array(Type.String()),
  match: Type.Enum(['exact', 'variant', 'prefix', 'script'], {
    description: 'exact: the same name once folded; variant: another spelling of it; prefix: a word of the name starts with q; script: the same consonants in the other script',
  }),
});

export const PlaceList = Type.Object({ items: Type.Array(PlaceOut) });
