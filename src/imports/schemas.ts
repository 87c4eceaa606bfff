// The shapes of POST /api/v1/imports: the source in the query, the summary out.
import { Type, type Static } from 'typebox';
import { SOURCES } from './cells.ts';

export const ImportQuery = Type.Object(
  { source: Type.Enum(SOURCES, { description: 'acled: an ACLED export (current or older layout); ucdp: a UCDP GED CSV (current 49 or older 42 columns)' }) },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportSummary = Type.Object({
  source: Type.Enum(SOURCES),
  layout: Type.String({ description: 'The layout the header was read as, e.g. "ACLED current layout (31 columns)"' }),
  read: Type.Integer({ description: 'Data rows read (the header aside)' }),
  imported: Type.Integer({ description: 'Rows filed as reports (channel import)' }),
  duplicate: Type.Integer({ description: 'Rows whose event was imported before, or earlier in the file: not filed again' }),
  rejected: Type.Integer({ description: 'Rows skipped whole for a bad value' }),
  incidents: Type.Integer({ description: 'Incidents the imported reports were grouped into' }),
  rejectedRows: Type.Array(Type.Object({ line: Type.Integer({ description: 'The physical line of the file the row starts on' }), reason: Type.String() }), { description: 'The first rejected rows' }),
  rejectedOmitted: Type.Integer({ description: 'Rejected rows not listed' }),
  unmatchedActors: Type.Array(Type.Object({ name: Type.String(), rows: Type.Integer() }), { description: 'Actors no party’s name or alias matched, with the rows naming them, most first; no party is created' }),
  unmatchedOmitted: Type.Integer({ description: 'Unmatched actors not listed' }),
});
