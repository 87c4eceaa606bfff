import { Type, type Static, type TSchema } from 'typebox';
import { GeometrySchema, type GeometryType } from '../geo/geojson.ts';
import { IsoTime, ListOf, ListQuery, Nullable, Uuid } from '../http/schemas.ts';
import { StatusSchema } from '../parties/schemas.ts';

/** A geometry as the API answers it (GeoJSON, longitude first); its shape was checked on the way in. */
export const GeometryOut = (types: readonly GeometryType[]) =>
  Type.Object({ type: Type.Enum(types), coordinates: Type.Array(Type.Unsafe<unknown>({})) }, { description: `GeoJSON ${types.join(' or ')}` });

/** Where a write's ledger leaf is: GET /api/v1/entities/{entity}/{id}/proof gives its inclusion proof. */
export const LedgerRef = Type.Object({ entity: Type.String(), id: Uuid, proof: Type.String({ description: 'URL of the inclusion proof' }) });

export const FeatureCollectionOf = <G extends TSchema, P extends TSchema>(geometry: G, properties: P, extra: Record<string, TSchema> = {}) =>
  Type.Object({
    type: Type.Literal('FeatureCollection'),
    ...extra,
    features: Type.Array(Type.Object({ type: Type.Literal('Feature'), id: Type.Optional(Type.String()), geometry, properties })),
  });

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const versionFields = {
  validFrom: IsoTime,
  source: Type.Optional(Nullable(Text(1000))),
  note: Type.Optional(Nullable(Text(4000))),
};

export const TerritoryCreate = Type.Object(
  { partyId: Uuid, geometry: GeometrySchema(['Polygon', 'MultiPolygon']), ...versionFields },
  { additionalProperties: false },
);
export type TerritoryCreate = Static<typeof TerritoryCreate>;

const BulkFeature = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    geometry: GeometrySchema(['Polygon', 'MultiPolygon']),
    properties: Type.Object({ partyId: Uuid, ...versionFields }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
const BulkFeatures = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(BulkFeature, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
const PCode = Type.String({ pattern: '^[A-Za-z]{2}[0-9A-Za-z]{1,18}$', description: 'OCHA P-code of a sub-district, or of a district or governorate (all its sub-districts)' });
const BulkPcodes = Type.Object(
  { partyId: Uuid, pcodes: Type.Array(PCode, { minItems: 1, maxItems: 2000 }), ...versionFields },
  { additionalProperties: false },
);
export type BulkFeatures = Static<typeof BulkFeatures>;
export type BulkPcodes = Static<typeof BulkPcodes>;

/**
 * Either form, told apart by `type` (a FeatureCollection has one, the P-code form none), so a
 * mistake is reported against the form that was meant rather than against both.
 */
export const TerritoryBulk = Type.Unsafe<BulkFeatures | BulkPcodes>({
  description:
    'A GeoJSON FeatureCollection whose features carry { partyId, validFrom, source?, note? } as properties, or { partyId, validFrom, pcodes, source?, note? } ' +
    'building the party’s area as the union of those administrative units. All or nothing: one bad feature or P-code stores nothing.',
  if: { type: 'object', required: ['type'] },
  then: BulkFeatures,
  else: BulkPcodes,
});

export const Territory = Type.Object({
  id: Uuid,
  partyId: Uuid,
  geometry: GeometryOut(['MultiPolygon']),
  validFrom: IsoTime,
  validTo: Nullable(IsoTime),
  source: Nullable(Type.String()),
  note: Nullable(Type.String()),
  pcodes: Type.Array(Type.String(), { description: 'The sub-districts it was built from, if any' }),
  recordedBy: Nullable(Uuid),
  recordedAt: IsoTime,
  areaKm2: Type.Number({ description: 'Geodesic area (WGS 84)' }),
  ledger: LedgerRef,
});
export const TerritoryBulkResult = Type.Object({ items: Type.Array(Territory) });

export const TerritoryMapQuery = Type.Object(
  { at: Type.Optional(IsoTime), partyId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const TerritoryMap = FeatureCollectionOf(
  GeometryOut(['MultiPolygon']),
  Type.Object({
    id: Uuid,
    partyId: Uuid,
    partyName: Type.String(),
    status: StatusSchema,
    validFrom: IsoTime,
    source: Nullable(Type.String()),
    note: Nullable(Type.String()),
    areaKm2: Type.Number(),
  }),
  { at: IsoTime },
);

export const TerritoryHistoryQuery = ListQuery(['validFrom', 'recordedAt'], { partyId: Type.Optional(Uuid) });
export const TerritoryHistory = ListOf(Type.Omit(Territory, ['geometry']));

export const OverlapsQuery = Type.Object({ at: Type.Optional(IsoTime) }, { additionalProperties: false });
export const Overlaps = FeatureCollectionOf(
  GeometryOut(['MultiPolygon']),
  Type.Object({
    partyIds: Type.Array(Uuid, { description: 'The two parties that both claim this area' }),
    partyNames: Type.Array(Type.String()),
    areaKm2: Type.Number({ description: 'Geodesic area (WGS 84)' }),
  }),
  { at: IsoTime },
);

export const ChangesQuery = Type.Object({ from: IsoTime, to: Type.Optional(IsoTime), partyId: Type.Optional(Uuid) }, { additionalProperties: false });
export const Changes = Type.Object(
  {
    from: IsoTime,
    to: IsoTime,
    parties: Type.Array(
      Type.Object({
        partyId: Uuid,
        partyName: Type.String(),
        fromVersionId: Nullable(Uuid),
        toVersionId: Nullable(Uuid),
        gainedKm2: Type.Number(),
        lostKm2: Type.Number(),
        gained: Nullable(GeometryOut(['MultiPolygon'])),
        lost: Nullable(GeometryOut(['MultiPolygon'])),
      }),
    ),
  },
  {
    description:
      'Per party with a territory version at `from` or at `to`: the area it holds at `to` and did not at `from` (gained) and the reverse (lost), ' +
      'geodesic km², with their geometry (null when empty).',
  },
);

export const SubdistrictQuery = ListQuery(['pcode', 'name'], { q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Part of a P-code or name (English or Arabic)' })) });
export const SubdistrictList = ListOf(
  Type.Object({
    pcode: Type.String(),
    name: Type.String(),
    nameAr: Nullable(Type.String()),
    adm2Pcode: Nullable(Type.String()),
    adm1Pcode: Nullable(Type.String()),
    areaSqkm: Nullable(Type.Number()),
  }),
);
