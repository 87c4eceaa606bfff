// What the ACLED and UCDP parsers share (pure): a header read by column name, cells with R's and
// spreadsheets' `NA` read as empty, numbers and dates read strictly, and the row an import makes
// of a record before actors are matched to parties.
import type { EventType } from '../incidents/acled.ts';
import type { LocationPrecision, OccurredPrecision } from '../incidents/group.ts';

export const SOURCES = ['acled', 'ucdp'] as const;
export type Source = (typeof SOURCES)[number];

/** A record read from the file, before actors are matched: what a report is made of. */
export interface ImportedRow {
  /** The source's event id, prefixed with the source (`acled:SYR1234`, `ucdp:244657`): a rerun imports nothing twice. */
  sourceRef: string;
  /** ISO 8601, the start of the UTC day the source gives. */
  occurredAt: string;
  occurredPrecision: OccurredPrecision;
  lon: number;
  lat: number;
  locationPrecision: LocationPrecision;
  placeName: string | null;
  eventType: EventType;
  /** Actor names as the file spells them: who did it, and who was attacked. */
  perpetrators: string[];
  targets: string[];
  casualties: { killed?: { best: number; low?: number; high?: number; civilians?: number } };
  sources: { description: string }[];
  text: string | null;
}

export type RowResult = { ok: true; row: ImportedRow } | { ok: false; reason: string };

/** A file's header as a format reads it: the column of each name it uses, and which layout it is. */
export interface Layout {
  source: Source;
  /** e.g. "ACLED current (31 columns)", for the summary. */
  variant: string;
  columns: Map<string, number>;
  width: number;
}

/** Header names as compared: trimmed, lower case (exports agree on the names, not always on their case). */
export const headerName = (s: string) => s.trim().toLowerCase();

/** The header's columns by name, or why it cannot be one (a name twice, an empty name). */
export function indexHeader(header: string[]): Map<string, number> | string {
  const out = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = headerName(header[i]);
    if (!name) return `column ${i + 1} of the header has no name`;
    if (out.has(name)) return `the header names the column "${clip(name, 40)}" twice (columns ${out.get(name)! + 1} and ${i + 1})`;
    out.set(name, i);
  }
  return out;
}

/** The first of `required` the header lacks, or null. */
export const missing = (columns: Map<string, number>, required: readonly string[]) => required.find((c) => !columns.has(c)) ?? null;

/** A value cut to a readable length for a reason: a 50 KB cell must not come back whole. */
export const clip = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** Thrown inside a row's parse: the reason the row is skipped. */
export class RowFault extends Error {}
export const fault = (reason: string): never => {
  throw new RowFault(reason);
};

/** Reads the cells of one record by column name; `NA` and blanks are empty (null). */
export class Cells {
  constructor(
    private readonly layout: Layout,
    private readonly cells: string[],
  ) {}

  /** The trimmed cell, or null when the column is absent, blank or `NA`. */
  get(name: string): string | null {
    const i = this.layout.columns.get(name);
    if (i === undefined) return null;
    const v = (this.cells[i] ?? '').trim();
    return v === '' || v === 'NA' ? null : v;
  }

  need(name: string): string {
    return this.get(name) ?? fault(`${name} is empty`);
  }

  /** A number (a plain decimal, as both sources write them), or null when empty. */
  number(name: string, o: { min?: number; max?: number; integer?: boolean } = {}): number | null {
    const v = this.get(name);
    if (v === null) return null;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) fault(`${name} "${clip(v)}" is not a number`);
    const n = Number(v);
    if (o.integer && !Number.isInteger(n)) fault(`${name} "${clip(v)}" is not a whole number`);
    if (o.min !== undefined && n < o.min) fault(`${name} ${v} is below ${o.min}`);
    if (o.max !== undefined && n > o.max) fault(`${name} ${v} is above ${o.max}`);
    return n;
  }

  /** A small code among `allowed` (e.g. a precision 1 to 3), or null when empty. */
  code(name: string, allowed: readonly number[]): number | null {
    const v = this.get(name);
    if (v === null) return null;
    const n = /^\d+(\.0+)?$/.test(v) ? Number(v) : NaN;
    if (!allowed.includes(n)) fault(`${name} "${clip(v)}" is not one of ${allowed.join(', ')}`);
    return n;
  }
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A real calendar day as epoch milliseconds (UTC midnight), or null (31 February is not one). */
function day(y: number, m: number, d: number): number | null {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t : null;
}

/**
 * A date as the sources write it: `2016-02-27` (a time of day after it, as UCDP's
 * `2016-02-27 00:00:00.000`, is ignored: both sources date to the day), or ACLED's older
 * `27 February 2016` (month names in English, full or three letters). UTC midnight, or null.
 */
export function parseDay(v: string): number | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/.exec(v);
  if (iso) return day(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const long = /^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$/.exec(v);
  if (long) {
    const name = long[2].toLowerCase();
    const m = MONTHS.findIndex((x) => x === name || (name.length === 3 && x.startsWith(name)));
    return m < 0 ? null : day(Number(long[3]), m + 1, Number(long[1]));
  }
  return null;
}

export function needDay(c: Cells, name: string): number {
  const v = c.need(name);
  return parseDay(v) ?? fault(`${name} "${clip(v)}" is not a date (2016-02-27 or 27 February 2016)`);
}

/** Latitude and longitude in WGS 84 (both sources give decimal degrees). */
export function position(c: Cells): { lon: number; lat: number } {
  const lat = c.number('latitude', { min: -90, max: 90 });
  const lon = c.number('longitude', { min: -180, max: 180 });
  if (lat === null || lon === null) fault(`${lat === null ? 'latitude' : 'longitude'} is empty`);
  return { lon: lon!, lat: lat! };
}

/** Longest text kept of a source's notes (a report's text holds 20,000 characters) and of a source description (2,000). */
export const TEXT_MAX = 20_000;
export const SOURCE_MAX = 2_000;
export const cut = (s: string | null, max: number) => (s === null ? null : s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A list cell (ACLED's associated actors: `A; B`), its items trimmed, empties and repeats dropped. */
export const list = (v: string | null) => [...new Set((v ?? '').split(';').map((x) => x.trim()).filter((x) => x && x !== 'NA'))];
