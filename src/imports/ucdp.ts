// UCDP GED CSV read into report rows (pure). Columns are found by name: the current 49 columns
// (`id` … `gwnob`) and the older 42-column order (19.1 and before: no `relid`, `code_status` or
// `_dset_id` columns). A file without a header row (some candidate releases) is refused: a row
// of values is not read by position. See shared/data/FORMATS.md.
import type { EventType } from '../incidents/acled.ts';
import { occurredWindow, type LocationPrecision, type OccurredPrecision } from '../incidents/group.ts';
import { Cells, clip, cut, fault, indexHeader, missing, needDay, position, RowFault, SOURCE_MAX, TEXT_MAX, type Layout, type RowResult } from './cells.ts';

export const UCDP_REQUIRED = ['id', 'type_of_violence', 'date_start', 'date_end', 'latitude', 'longitude'] as const;

/** type_of_violence: 1 state-based and 2 non-state conflict are fighting between armed groups; 3 one-sided violence is against civilians. */
export const UCDP_VIOLENCE: Record<number, EventType> = { 1: 'ground_attack', 2: 'ground_attack', 3: 'attack_on_civilians' };

/**
 * where_prec: 1 the exact place, 2 within about 25 km of it, 3 a second-order administrative
 * unit, 4 a first-order one, 5 a named area or linear feature (a front, a road) within one.
 * 6 (only the country) and 7 (international waters or airspace) place nothing a ceasefire can
 * check: such rows are refused.
 */
export const UCDP_WHERE: Record<number, LocationPrecision> = { 1: 'exact', 2: 'near', 3: 'adm2', 4: 'adm1', 5: 'adm1' };

/** Reads a UCDP GED header: its layout, or why it is not one. */
export function ucdpLayout(header: string[]): Layout | string {
  if (/^\d+$/.test((header[0] ?? '').trim())) {
    return `the first row holds values (it starts "${clip(header[0].trim(), 20)}"), not column names: a UCDP GED file without a header row is not read by position; add the header`;
  }
  const columns = indexHeader(header);
  if (typeof columns === 'string') return columns;
  const gone = missing(columns, UCDP_REQUIRED);
  if (gone) {
    if (columns.has('event_id_cnty')) return 'this is an ACLED export (it has event_id_cnty): import it as acled';
    return `the header has no column ${gone} (a UCDP GED file has ${UCDP_REQUIRED.join(', ')}, found by name)`;
  }
  const current = columns.has('relid') || columns.has('code_status');
  return { source: 'ucdp', variant: `UCDP GED ${current ? 'current' : 'older'} layout (${header.length} columns)`, columns, width: header.length };
}

const DAY = 86_400_000;
const CIVILIANS = /^civilians\b/i;

/** The finest precision whose window around date_start holds date_end's whole day. */
export function ucdpWindow(start: number, end: number): OccurredPrecision | null {
  for (const p of ['day', 'week', 'month'] as const) {
    if (end + DAY <= occurredWindow(new Date(start), p).to.getTime()) return p;
  }
  return null;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** One UCDP GED record as a report row, or the reason it is skipped. */
export function ucdpRow(layout: Layout, cells: string[]): RowResult {
  try {
    const c = new Cells(layout, cells);
    const id = c.need('id');
    if (id.length > 190) fault(`id "${clip(id)}" is longer than 190 characters`);
    const violence = c.code('type_of_violence', [1, 2, 3]) ?? fault('type_of_violence is empty');
    const start = needDay(c, 'date_start');
    const end = needDay(c, 'date_end');
    if (end < start) fault(`date_end ${iso(end)} is before date_start ${iso(start)}`);
    const precision = ucdpWindow(start, end) ?? fault(`date_start ${iso(start)} to date_end ${iso(end)} spans more than a calendar month`);
    const where = c.code('where_prec', [1, 2, 3, 4, 5, 6, 7]);
    if (where === 6 || where === 7) fault(`where_prec ${where}: the event is placed ${where === 6 ? 'only in its country' : 'in international waters or airspace'}, too coarse to check`);
    const { lon, lat } = position(c);
    const count = (name: string) => c.number(name, { min: 0, max: 10_000_000, integer: true });
    const best = count('best');
    const low = count('low');
    const high = count('high');
    const civilians = count('deaths_civilians');
    if (best === null && (low !== null || high !== null || civilians !== null)) fault('best is empty while low, high or deaths_civilians is given');
    const sideA = c.get('side_a');
    const sideB = c.get('side_b');
    // a dyad names no direction: in a conflict (1, 2) both sides used force; in one-sided violence (3) side_a did, against side_b (civilians)
    const perpetrators = violence === 3 ? [sideA] : [sideA, sideB];
    const office = c.get('source_office');
    const date = c.get('source_date');
    const text = [c.get('dyad_name') ?? c.get('conflict_name'), c.get('where_description'), c.get('source_headline')].filter(Boolean).join(' — ');
    return {
      ok: true,
      row: {
        sourceRef: `ucdp:${id}`,
        occurredAt: new Date(start).toISOString(),
        occurredPrecision: precision,
        lon,
        lat,
        locationPrecision: where === null ? 'near' : UCDP_WHERE[where],
        placeName: cut(c.get('where_coordinates'), 300),
        eventType: UCDP_VIOLENCE[violence],
        perpetrators: [...new Set(perpetrators.filter((x): x is string => x !== null))],
        targets: violence === 3 && sideB && !CIVILIANS.test(sideB) ? [sideB] : [], // UCDP's side_b of one-sided violence is "Civilians": no party
        casualties:
          best === null
            ? {}
            : { killed: { best, ...(low !== null ? { low } : {}), ...(high !== null ? { high } : {}), ...(civilians !== null ? { civilians } : {}) } },
        sources: office ? [{ description: cut(`${office}${date ? ` (${date})` : ''}`, SOURCE_MAX)! }] : [],
        text: cut(text || null, TEXT_MAX),
      },
    };
  } catch (e) {
    if (e instanceof RowFault) return { ok: false, reason: e.message };
    throw e;
  }
}

export const UCDP_FIELDS: Record<string, string> = {
  occurredAt: 'date_start',
  occurredPrecision: 'date_start/date_end',
  location: 'latitude/longitude',
  locationPrecision: 'where_prec',
  placeName: 'where_coordinates',
  eventType: 'type_of_violence',
  perpetratorPartyIds: 'side_a/side_b',
  targetPartyIds: 'side_b',
  casualties: 'best/low/high/deaths_civilians',
  sources: 'source_office',
  text: 'where_description',
  sourceRef: 'id',
};
