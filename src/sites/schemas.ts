import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { FeatureCollectionOf, GeometryOut, LedgerRef } from '../territory/schemas.ts';
import { SITE_KINDS } from './store.ts';

export const SiteKind = Type.Enum(SITE_KINDS);

/** A bounding box as OGC API Features writes it; one that crosses the antimeridian is not supported. */
export const BBoxQuery = Type.Object({
  bbox: Type.Optional(
    Type.String({
      pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*(,\\s*-?\\d+(\\.\\d+)?\\s*){3}$',
      description: 'minLon,minLat,maxLon,maxLat (WGS 84): only features whose geometry meets the box',
    }),
  ),
});

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
};

const Name = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' });
const Distance = (dflt: number, what: string) => Type.Number({ minimum: 0, maximum: 50_000, default: dflt, description: `${what}, in metres (geodesic)` });

export const SiteCreate = Type.Object(
  {
    kind: SiteKind,
    name: Name,
    geometry: GeometrySchema(['Point', 'Polygon']),
    bufferM: Type.Optional(Distance(500, 'The protected distance around the site')),
    validFrom: Type.Optional(IsoTime),
    validTo: Type.Optional(Nullable(IsoTime)),
  },
  { additionalProperties: false },
);
export type SiteCreate = Static<typeof SiteCreate>;

const siteProps = {
  id: Uuid,
  kind: SiteKind,
  name: Type.String(),
  bufferM: Type.Number(),
  validFrom: IsoTime,
  validTo: Nullable(IsoTime),
  organisation: Nullable(Type.String({ description: 'The notifying agency' })),
  notifiedBy: Nullable(Uuid),
  notifiedAt: IsoTime,
  ledger: LedgerRef,
};
export const Site = Type.Object({ ...siteProps, geometry: GeometryOut(['Point', 'Polygon']) });
export const SiteListQuery = Type.Object(
  { at: Type.Optional(IsoTime), kind: Type.Optional(SiteKind), ...BBoxQuery.properties, ...PageQuery },
  { additionalProperties: false },
);
export const SiteList = FeatureCollectionOf(GeometryOut(['Point', 'Polygon']), Type.Object(siteProps), { at: IsoTime, nextCursor: Nullable(Type.String()) });

export const CorridorCreate = Type.Object(
  {
    name: Name,
    geometry: GeometrySchema(['LineString']),
    widthM: Type.Optional(Distance(1000, 'The protected distance either side of the route')),
    validFrom: IsoTime,
    validTo: IsoTime,
  },
  { additionalProperties: false },
);
export type CorridorCreate = Static<typeof CorridorCreate>;

const corridorProps = {
  id: Uuid,
  name: Type.String(),
  widthM: Type.Number(),
  validFrom: IsoTime,
  validTo: IsoTime,
  convoyId: Nullable(Uuid),
  createdBy: Nullable(Uuid),
  createdAt: IsoTime,
  ledger: LedgerRef,
};
export const Corridor = Type.Object({ ...corridorProps, geometry: GeometryOut(['LineString']) });
export const CorridorListQuery = Type.Object({ at: Type.Optional(IsoTime), ...BBoxQuery.properties, ...PageQuery }, { additionalProperties: false });
export const CorridorList = FeatureCollectionOf(GeometryOut(['LineString']), Type.Object(corridorProps), { at: IsoTime, nextCursor: Nullable(Type.String()) });
