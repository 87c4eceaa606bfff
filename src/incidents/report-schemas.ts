// The shapes of a report, in and out, and of a batch. Routes validate with these; the batch
// checks each row with ReportCreate on its own, so one bad row does not fail the others.
import { Type, type Static } from 'typebox';
import { GeometrySchema } from '../geo/geojson.ts';
import { HumanName, IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { EVENT_TYPES } from './acled.ts';
import { LOCATION_PRECISIONS, OCCURRED_PRECISIONS } from './group.ts';

export const CHANNELS = ['api', 'web', 'hotline', 'import', 'open_source'] as const;
export type Channel = (typeof CHANNELS)[number];

const Count = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const FiguresIn = Type.Object(
  {
    best: { ...Count, description: 'The best estimate' },
    low: Type.Optional(Count),
    high: Type.Optional(Count),
    civilians: Type.Optional({ ...Count, description: 'Of the best estimate, how many were civilians' }),
  },
  { additionalProperties: false },
);
const CasualtiesIn = Type.Object({ killed: Type.Optional(FiguresIn), injured: Type.Optional(FiguresIn) }, { additionalProperties: false });

const Source = Type.Object(
  {
    // only web links: a javascript: or file: URL shown to a reviewer is a trap
    url: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of a media file (hex)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const PartyIds = (what: string) => Type.Array(Uuid, { maxItems: 50, uniqueItems: true, description: what });

export const ReportCreate = Type.Object(
  {
    channel: Type.Enum(CHANNELS),
    occurredAt: IsoTime,
    occurredPrecision: Type.Optional(Type.Enum(OCCURRED_PRECISIONS, { default: 'exact', description: 'exact: the instant; day: its UTC day; week: its ISO week; month: its calendar month' })),
    location: Type.Optional(GeometrySchema(['Point'])),
    locationPrecision: Type.Optional(Type.Enum(LOCATION_PRECISIONS, { description: 'How precise the location is (default exact): a point, near one, or only an administrative unit' })),
    placeName: Type.Optional(HumanName({ maxLength: 300, description: 'Where, in words; located by the gazetteer when there is no location and the name is unambiguous' })),
    eventType: Type.Enum(EVENT_TYPES),
    perpetratorPartyIds: Type.Optional(PartyIds('The parties the report says did it')),
    targetPartyIds: Type.Optional(PartyIds('The parties the report says were attacked')),
    casualties: Type.Optional(CasualtiesIn),
    sources: Type.Optional(Type.Array(Source, { maxItems: 50 })),
    text: Type.Optional(Type.String({ maxLength: 20_000 })),
    sourceRef: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An importer’s own id of the event (channel import only): a rerun imports nothing twice' })),
  },
  { additionalProperties: false },
);
export type ReportCreate = Static<typeof ReportCreate>;

export const ReportBatch = Type.Object(
  { reports: Type.Array(Type.Unknown(), { description: 'Reports, each checked on its own (at most 1,000: 413 above)' }) },
  { additionalProperties: false },
);
export type ReportBatch = Static<typeof ReportBatch>;

const FiguresOut = Type.Object({ best: Type.Integer(), low: Type.Optional(Nullable(Type.Integer())), high: Type.Optional(Nullable(Type.Integer())), civilians: Type.Optional(Nullable(Type.Integer())) });
export const CasualtiesOut = Type.Object({ killed: Type.Optional(FiguresOut), injured: Type.Optional(FiguresOut) });
const PointOut = Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) });
const Unit = Nullable(Type.Object({ code: Type.String(), name: Type.String() }));
export const PcodesOut = Type.Object({ adm1: Unit, adm2: Unit, adm3: Unit });

export const Enrichment = Type.Object({
  pcodes: PcodesOut,
  territory: Nullable(
    Type.Object({
      partyId: Uuid,
      status: Type.String({ description: 'The party’s status at occurredAt' }),
      alsoHeldBy: Type.Optional(Type.Array(Type.Object({ partyId: Uuid, status: Type.String() }), { description: 'Other parties whose recorded area held the place too' })),
    }),
  ),
  nearestSite: Type.Optional(Nullable(Type.Object({ siteId: Uuid, name: Type.String(), distanceM: Type.Number() }))),
  notifiedSiteHit: Type.Optional(
    Nullable(
      Type.Object({
        siteId: Uuid,
        notifiedAt: IsoTime,
        leafIndex: Type.Integer(),
        proof: Type.Object({
          treeSize: Type.Integer(),
          rootHash: Type.String(),
          leafHash: Type.String(),
          path: Type.Array(Type.String(), { description: 'RFC 9162 audit path of the notification leaf in the tree of treeSize leaves (hex)' }),
        }),
      }),
    ),
  ),
  located: Type.Optional(Type.Object({ placeName: Type.String(), name: Type.String(), pcode: Nullable(Type.String()) }, { description: 'The place the gazetteer found for placeName' })),
  placeCandidates: Type.Optional(Type.Array(Type.Object({ name: Type.String(), pcode: Nullable(Type.String()), lon: Type.Number(), lat: Type.Number() }), { description: 'placeName was ambiguous: the places it may mean' })),
});

export const Report = Type.Object({
  id: Uuid,
  channel: Type.Enum(CHANNELS),
  occurredAt: IsoTime,
  occurredPrecision: Type.Enum(OCCURRED_PRECISIONS),
  occurredWindow: Type.Object({ from: IsoTime, to: IsoTime }, { description: 'The time the precision allows: to is the instant itself (exact) or the end, exclusive' }),
  location: Nullable(PointOut),
  locationPrecision: Nullable(Type.Enum(LOCATION_PRECISIONS)),
  placeName: Nullable(Type.String()),
  eventType: Type.Enum(EVENT_TYPES),
  acled: Type.Object({ eventType: Type.String(), subEventType: Type.String() }),
  perpetratorPartyIds: Type.Array(Uuid),
  targetPartyIds: Type.Array(Uuid),
  casualties: CasualtiesOut,
  sources: Type.Array(Type.Object({ url: Type.Optional(Type.String()), description: Type.Optional(Type.String()), sha256: Type.Optional(Type.String()) })),
  text: Nullable(Type.String()),
  sourceRef: Nullable(Type.String()),
  reporter: Type.Optional(
    Type.Object(
      { accountId: Uuid, role: Type.String(), partyId: Nullable(Uuid), organisation: Nullable(Type.String()) },
      { description: 'Only to the task force, monitors and the reporter' },
    ),
  ),
  filedAt: IsoTime,
  incidentId: Nullable(Uuid),
  enrichment: Enrichment,
  enrichedAt: Nullable(IsoTime),
});

export const BatchResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      status: Type.Enum(['accepted', 'rejected'] as const),
      id: Type.Optional(Type.String({ format: 'uuid', description: 'the report stored (accepted rows)' })),
      incidentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'the incident it was grouped into' })),
      code: Type.Optional(Type.String()),
      errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
    }),
  ),
});
