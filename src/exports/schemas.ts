// The export's query: the format, and the incident list's own filters (src/incidents/schemas.ts),
// so an export holds what the list with the same filters holds.
import { Type, type Static } from 'typebox';
import { IncidentListQuery } from '../incidents/schemas.ts';
import { VettingListQuery } from '../vetting/schemas.ts';
import { FORMATS } from './formats.ts';
import { VETTING_FORMATS } from './vetting.ts';

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

// The vetting history's export: the format, and the history's own filters (src/vetting/schemas.ts).
const { limit: _l, cursor: _c, ...historyFilters } = VettingListQuery.properties;

export const VettingExportQuery = Type.Object(
  {
    format: Type.Enum(VETTING_FORMATS, { description: 'csv: a row per decision; geojson: an RFC 7946 FeatureCollection, the target as each feature’s geometry' }),
    ...historyFilters,
  },
  { additionalProperties: false },
);
export type VettingExportQuery = Static<typeof VettingExportQuery>;
