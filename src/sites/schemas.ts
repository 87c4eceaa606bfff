import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { HumanName, IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { FeatureCollectionOf, GeometryOut, LedgerRef } from '../territory/schemas.ts';
import { SITE_EVENT_TYPES, SITE_KINDS, SITE_STATUSES } from './store.ts';

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

// the name is what a reviewer reads in an audit: no invisible or bidirectional tricks
const Name = HumanName({ maxLength: 300 });
const Reason = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Why, for the record' });
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

export const SiteWithdraw = Type.Object(
  { at: Type.Optional({ ...IsoTime, description: 'From when the site is no longer protected (default: now; not in the past, not before validFrom)' }), reason: Reason },
  { additionalProperties: false },
);
export type SiteWithdraw = Static<typeof SiteWithdraw>;
export const SiteReject = Type.Object({ reason: Reason }, { additionalProperties: false });
export type SiteReject = Static<typeof SiteReject>;

export const SiteStatus = Type.Enum(SITE_STATUSES, { description: 'At the time asked: rejected once rejected; withdrawn from the withdrawal on; else active' });
export const SiteEvent = Type.Object({
  id: Uuid,
  type: Type.Enum(SITE_EVENT_TYPES),
  at: { ...IsoTime, description: 'withdrawn: from when; rejected: when recorded' },
  reason: Type.String(),
  recordedBy: Nullable(Uuid),
  recordedRole: Type.String(),
  recordedAt: IsoTime,
  ledger: LedgerRef,
});

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
  status: SiteStatus,
  events: Type.Array(SiteEvent),
};
export const Site = Type.Object({ ...siteProps, geometry: GeometryOut(['Point', 'Polygon']) });
export const SiteQuery = Type.Object({ at: Type.Optional({ ...IsoTime, description: 'The status at this time (default: now)' }) }, { additionalProperties: false });
export const SiteListQuery = Type.Object(
  {
    at: Type.Optional(IsoTime),
    kind: Type.Optional(SiteKind),
    status: Type.Optional(Type.Enum([...SITE_STATUSES, 'all'] as const, { default: 'active', description: 'Only sites of this status at `at` (default: those in force); `all` for every site notified for that time' })),
    ...BBoxQuery.properties,
    ...PageQuery,
  },
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
