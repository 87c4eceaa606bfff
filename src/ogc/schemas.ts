// Route schemas of OGC API – Features: the query parameters each route takes (any other is a 400
// naming it) and the documents' shapes for the OpenAPI definition.
import { Type } from 'typebox';
import { Nullable } from '../http/schemas.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './service.ts';

const F = Type.Optional(Type.Enum(['json'], { description: 'The encoding: json (the default and only one; GeoJSON for features)' }));

export const MetaQuery = Type.Object({ f: F }, { additionalProperties: false });

export const ItemsQuery = Type.Object(
  {
    bbox: Type.Optional(
      Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat in CRS84 (or 6 numbers with heights, which are ignored); features that meet the box' }),
    ),
    datetime: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'An RFC 3339 instant (2016-02-27T10:00:00Z; a date alone is that UTC day) or an interval start/end with ".." or empty for an open end. Incidents: the occurrence window overlaps it; territories: the map at that instant (default now); admin-areas: timeless, every area matches',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Features per page' })),
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'Where the page starts: given in the previous page’s next link' })),
    f: F,
  },
  { additionalProperties: false },
);

export const CollectionParams = Type.Object({ collectionId: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
export const FeatureParams = Type.Object({ collectionId: Type.String({ maxLength: 200 }), featureId: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

const Link = Type.Object({ href: Type.String(), rel: Type.String(), type: Type.String(), title: Type.Optional(Type.String()) });
const Links = Type.Array(Link);

export const LandingPage = Type.Object({ title: Type.String(), description: Type.String(), links: Links });
export const Conformance = Type.Object({ conformsTo: Type.Array(Type.String()) });
export const Collection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  links: Links,
  extent: Type.Optional(Type.Object({ spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }) })),
  itemType: Type.String(),
  crs: Type.Array(Type.String()),
});
export const Collections = Type.Object({ links: Links, collections: Type.Array(Collection) });

const Geometry = Nullable(Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unsafe<unknown>({})) }, { description: 'GeoJSON, CRS84' }));
const FeatureSchema = {
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Geometry,
  properties: Type.Object({}, { additionalProperties: true, description: 'incidents: as GET /api/v1/incidents lists them to the caller; territories: party, status and validity; admin-areas: P-code, level, names, parents' }),
};
export const Feature = Type.Object({ ...FeatureSchema, links: Links });
export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  timeStamp: Type.String(),
  numberMatched: Type.Integer({ description: 'Features matched over every page (exact)' }),
  numberReturned: Type.Integer(),
  features: Type.Array(Type.Object(FeatureSchema)),
  links: Links,
});
