// The export's query: the format, and the incident list's own filters (src/incidents/schemas.ts),
// so an export holds what the list with the same filters holds.
import { Type, type Static } from 'typebox';
import { IncidentListQuery } from '../incidents/schemas.ts';
import { FORMATS } from './formats.ts';

const { sort: _sort, limit: _limit, cursor: _cursor, ...filters } = IncidentListQuery.properties;

export const ExportQuery = Type.Object(
  {
    format: Type.Enum(FORMATS, {
      description: 'geojson: an RFC 7946 FeatureCollection; acled: CSV in ACLED’s 31-column layout; hxl: HXL-tagged CSV (a header row, then the hashtag row); csv: the list’s fields',
    }),
    ...filters,
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;
