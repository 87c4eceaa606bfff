// The results of a batch as a file (issue 12): CSV or GeoJSON, written in the browser from the
// answer the server gave. The CSV is the server's own writer (src/exports/formats.ts, shared with
// the web as the API's contract): RFC 4180, and a text cell a spreadsheet would run as a formula
// is written with a leading apostrophe, as the exports do. Pure: results in, text out.
import { csvRow, csvText } from '../../../src/exports/formats.ts';
import type { VettingBatchItem } from '../types.ts';

export const RESULT_COLUMNS = [
  'index', 'source', 'id', 'decision', 'reasonCodes', 'reasons', 'toldDecision', 'toldReasonCodes',
  'longitude', 'latitude', 'radiusM', 'target', 'at', 'requestingPartyId', 'note', 'requestedAt',
] as const;

const codes = (rs: { code: string }[] | undefined) => (rs ?? []).map((r) => r.code).join(';');

/** One row per target, in the batch's order; `sources` say where each target came from in the file. */
export function resultsCsv(items: VettingBatchItem[], sources: string[]): string {
  return csvText([
    [...RESULT_COLUMNS],
    ...items.map((v) => {
      const point = v.target.type === 'Point' ? v.target.coordinates : null;
      return csvRow([
        v.index, sources[v.index] ?? null, v.id, v.decision, codes(v.reasons), v.reasons.map((r) => `${r.code}: ${r.detail}`).join(' | '),
        v.told?.decision ?? null, v.told ? codes(v.told.reasons) : null,
        point?.[0] ?? null, point?.[1] ?? null, v.radiusM, JSON.stringify(v.target), v.at, v.requestingPartyId, v.note, v.requestedAt,
      ]);
    }),
  ]);
}

/** A FeatureCollection: each target as its geometry, the decision and the rest as properties. */
export function resultsGeoJson(items: VettingBatchItem[], sources: string[]): string {
  return `${JSON.stringify(
    {
      type: 'FeatureCollection',
      features: items.map(({ target, ...properties }) => ({ type: 'Feature', id: properties.id, geometry: target, properties: { ...properties, source: sources[properties.index] ?? null } })),
    },
    null,
    1,
  )}\n`;
}
