// The export formats of incidents (pure): each incident as the caller gets it from GET
// /api/v1/incidents (the same JSON, so the same fields and redactions), written as a GeoJSON
// Feature, a row of ACLED's 31-column layout, a row of HXL-tagged CSV, or a row of the list's
// fields. Plain data in, plain data out; the service streams the rows (src/exports/service.ts).
import { toAcled, EVENT_TYPES, type AcledEventType, type EventType } from '../incidents/acled.ts';

export const FORMATS = ['geojson', 'acled', 'hxl', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** An incident as the list gives it (src/incidents/service.ts incidentJson): only what is read here. */
export interface ExportIncident {
  id: string;
  status: string;
  grade: string | null;
  reasoning: string | null;
  eventType: string;
  occurredFrom: string;
  occurredTo: string;
  location: { type: 'Point'; coordinates: number[] } | null;
  locationPrecision: string | null;
  pcodes: Record<string, unknown>;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Record<string, unknown>;
  reportCount: number;
  mergedInto: string | null;
  publishedAt: string | null;
  determination: { id: string; finding: string; violatorPartyIds: string[]; standing: boolean; concurredBy: string[] } | null;
  createdAt: string;
  updatedAt: string;
}

export interface PartyInfo {
  name: string;
  kind: string;
  homeState: string | null;
}

/** What a row needs beyond the incident: party names and kinds, and the country (ISO alpha-3, English name, numeric) of a place. */
export interface RowContext {
  party(id: string): PartyInfo | undefined;
  /** The incident's country: from its P-codes or its point; null when neither tells. */
  country(i: ExportIncident): { iso3: string; name: string; numeric: number | null } | null;
}

export type Cell = string | number | null;

// ---- spreadsheet safety

/**
 * A text cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
 * return that hides one) is written with a leading apostrophe, as OWASP advises: spreadsheets show
 * it as text and keep the apostrophe out of the value shown. Numbers are written as numbers (a
 * negative longitude stays -12.5); only text, which may come from people (names, reasoning), is guarded.
 */
export function safeText(s: string): string {
  const c = s.charCodeAt(0); // = + - @ tab CR (a hot path: a character test, not a regular expression)
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 ? `'${s}` : s;
}

const cell = (v: Cell | undefined): string | number => (v === null || v === undefined ? '' : typeof v === 'number' ? v : safeText(v));

/** A row of cells as csv-stringify takes it: numbers as numbers, text guarded, nothing as empty. */
export const csvRow = (cells: (Cell | undefined)[]): (string | number)[] => cells.map(cell);

/**
 * CSV text of rows (RFC 4180: a field holding a comma, a quote, CR or LF is quoted, its quotes
 * doubled; CRLF after each record), as csv-stringify writes them. Written by hand because it is
 * the hot path of a million-row export: csv-stringify took about three times as long for the same
 * rows (20,000 ACLED rows: 3.5 s against 1.2 s, on the project's VM). formats.test.ts holds the two
 * to the same bytes (csv-stringify is the oracle), and the exports' tests read every file back with csv-parse.
 */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  let out = '';
  for (const r of rows) {
    for (let k = 0; k < r.length; k++) {
      const c = r[k];
      if (k) out += ',';
      if (typeof c === 'number') out += String(c);
      else out += NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
    }
    out += '\r\n';
  }
  return out;
}
const NEEDS_QUOTES = /[",\r\n]/;

// ---- shared pieces

interface Count {
  best?: number;
  low?: number | null;
  high?: number | null;
  civilians?: number | null;
}
const count = (i: ExportIncident, k: 'killed' | 'injured'): Count => (i.casualties[k] as Count | undefined) ?? {};
const unit = (i: ExportIncident, level: 'adm1' | 'adm2' | 'adm3') => (i.pcodes[level] as { code: string; name: string } | null | undefined) ?? null;
const lon = (i: ExportIncident) => i.location?.coordinates[0] ?? null;
const lat = (i: ExportIncident) => i.location?.coordinates[1] ?? null;
const names = (ids: string[], ctx: RowContext) => ids.map((id) => ctx.party(id)?.name ?? id);
const acledOf = (t: string) => toAcled((EVENT_TYPES as readonly string[]).includes(t) ? (t as EventType) : 'other');

// ---- GeoJSON (RFC 7946)

/** A Feature as the list's GeoJSON gives it: the point (or null) as geometry, every other field a property. */
export function feature(i: ExportIncident) {
  const { location, ...properties } = i;
  return { type: 'Feature' as const, id: i.id, geometry: location, properties };
}

// ---- the list's fields, flat

export const CSV_COLUMNS = [
  'id', 'status', 'grade', 'reasoning', 'eventType', 'occurredFrom', 'occurredTo', 'longitude', 'latitude', 'locationPrecision',
  'adm1Code', 'adm1Name', 'adm2Code', 'adm2Name', 'adm3Code', 'adm3Name',
  'perpetratorPartyIds', 'perpetrators', 'targetPartyIds', 'targets',
  'killedBest', 'killedLow', 'killedHigh', 'killedCivilians', 'injuredBest', 'injuredLow', 'injuredHigh', 'injuredCivilians',
  'reportCount', 'mergedInto', 'publishedAt',
  'determinationId', 'determinationFinding', 'determinationViolatorPartyIds', 'determinationStanding', 'determinationConcurredBy',
  'createdAt', 'updatedAt',
] as const;

/** The list's fields, one cell each (lists joined by ";", party names by "; "). */
export function csvCells(i: ExportIncident, ctx: RowContext): Cell[] {
  const k = count(i, 'killed');
  const j = count(i, 'injured');
  const d = i.determination;
  const u = (l: 'adm1' | 'adm2' | 'adm3') => unit(i, l);
  return [
    i.id, i.status, i.grade, i.reasoning, i.eventType, i.occurredFrom, i.occurredTo, lon(i), lat(i), i.locationPrecision,
    u('adm1')?.code ?? null, u('adm1')?.name ?? null, u('adm2')?.code ?? null, u('adm2')?.name ?? null, u('adm3')?.code ?? null, u('adm3')?.name ?? null,
    i.perpetratorPartyIds.join(';'), names(i.perpetratorPartyIds, ctx).join('; '), i.targetPartyIds.join(';'), names(i.targetPartyIds, ctx).join('; '),
    k.best ?? null, k.low ?? null, k.high ?? null, k.civilians ?? null, j.best ?? null, j.low ?? null, j.high ?? null, j.civilians ?? null,
    i.reportCount, i.mergedInto, i.publishedAt,
    d?.id ?? null, d?.finding ?? null, d ? d.violatorPartyIds.join(';') : null, d ? String(d.standing) : null, d ? d.concurredBy.join(';') : null,
    i.createdAt, i.updatedAt,
  ];
}

// ---- ACLED (31 columns, shared/data/FORMATS.md)

export const ACLED_COLUMNS = [
  'event_id_cnty', 'event_date', 'year', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type', 'actor1', 'assoc_actor_1', 'inter1',
  'actor2', 'assoc_actor_2', 'inter2', 'interaction', 'civilian_targeting', 'iso', 'region', 'country', 'admin1', 'admin2',
  'admin3', 'location', 'latitude', 'longitude', 'geo_precision', 'source', 'source_scale', 'notes', 'fatalities', 'tags', 'timestamp',
] as const;

const DISORDER: Record<AcledEventType, string> = {
  Battles: 'Political violence',
  'Violence against civilians': 'Political violence',
  'Explosions/Remote violence': 'Political violence',
  Protests: 'Demonstrations',
  Riots: 'Demonstrations',
  'Strategic developments': 'Strategic developments',
};

const DAY_MS = 86_400_000;

/** ACLED's time precision: 1 the day is known, 2 the week, 3 only the month (or a longer window). */
export function timePrecision(from: string, to: string): 1 | 2 | 3 {
  const a = Date.parse(from);
  const b = Math.max(a, Date.parse(to) - 1); // windows end exclusive
  if (Math.floor(a / DAY_MS) === Math.floor(b / DAY_MS)) return 1;
  return b - a < 8 * DAY_MS ? 2 : 3;
}

/** ACLED's geo precision: 1 the place itself, 2 near it or a small unit (sub-district), 3 a larger region; null without a place. */
export function geoPrecision(p: string | null): 1 | 2 | 3 | null {
  switch (p) {
    case 'exact':
      return 1;
    case 'near':
    case 'adm3':
      return 2;
    case 'adm2':
    case 'adm1':
      return 3;
    default:
      return null;
  }
}

/**
 * ACLED's actor type (inter code) of a party: 1 state forces in their own country, 2 a non-state
 * armed group (ACLED's "rebel group"; political and identity militias are not told apart here),
 * 8 external/other forces (a state force or group outside its home state, coalitions, others).
 */
export function interCode(p: PartyInfo | undefined, countryIso3: string | null): number | null {
  if (!p) return null;
  const abroad = p.homeState !== null && countryIso3 !== null && p.homeState !== countryIso3;
  if (p.kind === 'state_force') return abroad || p.homeState === null ? 8 : 1;
  if (p.kind === 'non_state_armed_group') return abroad ? 8 : 2;
  return 8;
}
/** Civilians as ACLED codes them. */
const CIVILIANS = 7;

/** ACLED's interaction: the two actor types, the lower first (12); a sole actor's type times ten (20). */
export function interaction(a: number | null, b: number | null): number | null {
  if (a === null) return b === null ? null : b * 10;
  if (b === null) return a * 10;
  return Math.min(a, b) * 10 + Math.max(a, b);
}

export function acledCells(i: ExportIncident, ctx: RowContext): Cell[] {
  const acled = acledOf(i.eventType);
  const c = ctx.country(i);
  const perps = names(i.perpetratorPartyIds, ctx);
  const targets = names(i.targetPartyIds, ctx);
  const civilianTargeting = i.eventType === 'attack_on_civilians';
  const inter1 = interCode(ctx.party(i.perpetratorPartyIds[0]), c?.iso3 ?? null);
  let actor2: string | null = targets[0] ?? null;
  let inter2 = interCode(ctx.party(i.targetPartyIds[0]), c?.iso3 ?? null);
  if (actor2 === null && civilianTargeting) {
    actor2 = c ? `Civilians (${c.name})` : 'Civilians';
    inter2 = CIVILIANS;
  }
  const [a1, a2, a3] = [unit(i, 'adm1'), unit(i, 'adm2'), unit(i, 'adm3')];
  const tags = [`status=${i.status}`, ...(i.grade ? [`grade=${i.grade}`] : []), `reports=${i.reportCount}`, ...(i.determination?.standing ? [`determination=${i.determination.finding}`] : [])];
  const date = i.occurredFrom.slice(0, 10);
  return [
    i.id,
    date,
    Number(date.slice(0, 4)),
    timePrecision(i.occurredFrom, i.occurredTo),
    DISORDER[acled.eventType],
    acled.eventType,
    acled.subEventType,
    perps[0] ?? null,
    perps.slice(1).join('; '),
    inter1,
    actor2,
    targets.slice(1).join('; '),
    inter2,
    interaction(inter1, inter2),
    civilianTargeting ? 'Civilian targeting' : null,
    c?.numeric ?? null,
    null, // region: ACLED's own regions are not kept here
    c?.name ?? null,
    a1?.name ?? null,
    a2?.name ?? null,
    a3?.name ?? null,
    (a3 ?? a2 ?? a1)?.name ?? null,
    lat(i),
    lon(i),
    i.location ? geoPrecision(i.locationPrecision) : null,
    null, // source and source scale: an incident's sources are its reports', which the list does not show
    null,
    i.reasoning,
    count(i, 'killed').best ?? 0,
    tags.join('; '),
    Math.floor(Date.parse(i.updatedAt) / 1000),
  ];
}

// ---- HXL (1.1): the human header row, then the hashtag row

export const HXL_COLUMNS: readonly [header: string, tag: string][] = [
  ['Incident ID', '#event+id'],
  ['Event type', '#event+type'],
  ['ACLED event type', '#event+type+acled'],
  ['ACLED sub-event type', '#event+type+acled+sub'],
  ['Occurred from', '#date+occurred'],
  ['Occurred to', '#date+occurred+end'],
  ['Country', '#country+name'],
  ['Country code', '#country+code'],
  ['Governorate', '#adm1+name'],
  ['Governorate P-code', '#adm1+code'],
  ['District', '#adm2+name'],
  ['District P-code', '#adm2+code'],
  ['Sub-district', '#adm3+name'],
  ['Sub-district P-code', '#adm3+code'],
  ['Latitude', '#geo+lat'],
  ['Longitude', '#geo+lon'],
  ['Location precision', '#geo+precision'],
  ['Perpetrators', '#group+perpetrator'],
  ['Perpetrator IDs', '#group+perpetrator+id'],
  ['Targets', '#group+targeted'],
  ['Target IDs', '#group+targeted+id'],
  ['Killed', '#affected+killed'],
  ['Civilians killed', '#affected+killed+civilians'],
  ['Injured', '#affected+injured'],
  ['Civilians injured', '#affected+injured+civilians'],
  ['Status', '#status'],
  ['Grade', '#status+grade'],
  ['Determination', '#status+determination'],
  ['Reasoning', '#description+reasoning'],
  ['Reports', '#meta+reports'],
  ['Published', '#date+published'],
  ['Updated', '#date+updated'],
];

export function hxlCells(i: ExportIncident, ctx: RowContext): Cell[] {
  const acled = acledOf(i.eventType);
  const c = ctx.country(i);
  const [a1, a2, a3] = [unit(i, 'adm1'), unit(i, 'adm2'), unit(i, 'adm3')];
  const k = count(i, 'killed');
  const j = count(i, 'injured');
  const d = i.determination;
  return [
    i.id, i.eventType, acled.eventType, acled.subEventType, i.occurredFrom, i.occurredTo,
    c?.name ?? null, c?.iso3 ?? null,
    a1?.name ?? null, a1?.code ?? null, a2?.name ?? null, a2?.code ?? null, a3?.name ?? null, a3?.code ?? null,
    lat(i), lon(i), i.location ? i.locationPrecision : null,
    names(i.perpetratorPartyIds, ctx).join('; '), i.perpetratorPartyIds.join(';'), names(i.targetPartyIds, ctx).join('; '), i.targetPartyIds.join(';'),
    k.best ?? null, k.civilians ?? null, j.best ?? null, j.civilians ?? null,
    i.status, i.grade, d?.standing ? d.finding : null, i.reasoning, i.reportCount, i.publishedAt, i.updatedAt,
  ];
}

// ---- what each format writes

export interface FormatSpec {
  mediaType: string;
  extension: string;
  /** The header rows of a CSV format (none for GeoJSON). */
  header: string[][];
  cells: ((i: ExportIncident, ctx: RowContext) => Cell[]) | null;
}

export const SPECS: Record<Format, FormatSpec> = {
  geojson: { mediaType: 'application/geo+json', extension: 'geojson', header: [], cells: null },
  acled: { mediaType: 'text/csv; charset=utf-8', extension: 'acled.csv', header: [[...ACLED_COLUMNS]], cells: acledCells },
  hxl: { mediaType: 'text/csv; charset=utf-8', extension: 'hxl.csv', header: [HXL_COLUMNS.map(([h]) => h), HXL_COLUMNS.map(([, t]) => t)], cells: hxlCells },
  csv: { mediaType: 'text/csv; charset=utf-8', extension: 'csv', header: [[...CSV_COLUMNS]], cells: csvCells },
};

/** The attachment's name: the format and the time of the export (UTC, to the second). */
export const fileName = (f: Format, at: Date) => `truce-incidents-${at.toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-')}.${SPECS[f].extension}`;
