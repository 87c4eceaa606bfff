// The map's clusters route: its query and answer.
import { Type, type Static } from 'typebox';
import { IsoTime, Nullable, Uuid } from '../http/schemas.ts';
import { EVENT_TYPES } from './acled.ts';
import { MAX_ZOOM } from './clusters.ts';
import { GradeSchema, StatusSchema } from './schemas.ts';

const NUMBER = '-?\\d+(\\.\\d+)?';
export const ClusterQuery = Type.Object(
  {
    bbox: Type.String({ pattern: `^\\s*${NUMBER}\\s*(,\\s*${NUMBER}\\s*){3}$`, description: 'minLon,minLat,maxLon,maxLat (WGS 84): the view' }),
    zoom: Type.Number({ minimum: 0, maximum: 30, description: `The map's zoom (floored; the grid stops at ${MAX_ZOOM}): cells of 64 pixels at it` }),
    from: Type.Optional({ ...IsoTime, description: 'Incidents whose window ends at or after this time' }),
    to: Type.Optional({ ...IsoTime, description: 'Incidents whose window starts at or before this time' }),
    type: Type.Optional(Type.Enum(EVENT_TYPES)),
    partyId: Type.Optional({ ...Uuid, description: 'Incidents naming this party, as perpetrator or target' }),
    status: Type.Optional(StatusSchema),
    grade: Type.Optional(GradeSchema),
  },
  { additionalProperties: false },
);
export type ClusterQuery = Static<typeof ClusterQuery>;

const Box = Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[w, s, e, n]' });
export const Clusters = Type.Object({
  zoom: Type.Integer({ description: 'The grid level the cells are of' }),
  inView: Type.Integer({ description: 'Incidents in the view: the sum of the clusters’ counts, and what GET /incidents with the same bbox and filters counts' }),
  located: Type.Integer({ description: 'Incidents matching the filters anywhere, with a location' }),
  unlocated: Type.Integer({ description: 'Incidents matching the filters without a location (not on the map)' }),
  version: Type.Integer({ description: 'The ledger size the index was current to' }),
  clusters: Type.Array(
    Type.Object({
      count: Type.Integer({ minimum: 1 }),
      lon: Type.Number(),
      lat: Type.Number(),
      bounds: Box,
      incident: Type.Optional(
        Type.Object({ id: Uuid, status: StatusSchema, eventType: Type.String(), partyId: Nullable(Uuid) }, { description: 'A cluster of one: the incident (its first perpetrator for the colour)' }),
      ),
    }),
  ),
});
