// A list of vetting targets from a file an officer chooses or pastes (issue 12, batch vetting):
// CSV with a header row (latitude and longitude columns, or one column holding a position as the
// console reads typed targets: degrees, DMS, MGRS or GeoJSON), or GeoJSON (a FeatureCollection of
// Points and Polygons, a Feature, or a geometry). Pure: text in, targets or the rows at fault out.
// Parsed here rather than by the server so the API takes one form (JSON, each target a GeoJSON
// geometry) and every fault is shown, row by row, before anything is sent or counted.
import { parse } from 'csv-parse/browser/esm/sync';
import { readTarget, type TextTarget } from '../map/target-text.ts';

export interface FileTarget {
  target: TextTarget;
  radiusM?: number;
  at?: string;
  note?: string;
}

export interface TargetsReading {
  kind: 'csv' | 'geojson' | 'empty';
  targets: FileTarget[];
  /** Where each target came from, in words (e.g. "row 3" or "feature 2"), for the results table. */
  sources: string[];
  /** Every fault found, each naming its row or feature; the batch is sent only when there is none. */
  errors: string[];
}

/** Header names as a person writes them: case, spaces, dashes and underscores do not matter. */
const key = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
const COLUMNS = {
  lat: ['lat', 'latitude', 'y'],
  lon: ['lon', 'lng', 'long', 'longitude', 'x'],
  position: ['target', 'position', 'location', 'coordinates', 'mgrs', 'grid', 'geometry', 'geojson'],
  radius: ['radiusm', 'radius', 'r'],
  at: ['at', 'time', 'datetime', 'when', 'date'],
  note: ['note', 'name', 'label', 'ref', 'reference', 'id', 'description'],
} as const;
type Column = keyof typeof COLUMNS;

/** A time as the API takes it, or a reason. */
function timeOf(s: string): { at?: string; fault?: string } {
  if (!s.trim()) return {};
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s.trim()) ? `${s.trim()}T00:00:00Z` : s.trim());
  return Number.isNaN(t) ? { fault: `“${s}” is not a time (write it as ISO 8601, e.g. 2016-03-02T12:00:00Z)` } : { at: new Date(t).toISOString() };
}

function radiusOf(v: unknown): { radiusM?: number; fault?: string } {
  if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) return {};
  const r = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(r) || r < 0) return { fault: `the radius “${String(v)}” is not a number of metres` };
  return r > 0 ? { radiusM: r } : {};
}

/** Reads a file's text: GeoJSON when it starts with { or [, else CSV. At most `max` targets. */
export function readTargetsFile(text: string, max: number): TargetsReading {
  const s = text.replace(/^\uFEFF/, '').trim();
  if (!s) return { kind: 'empty', targets: [], sources: [], errors: ['The file is empty.'] };
  const out = s.startsWith('{') || s.startsWith('[') ? readGeoJson(s) : readCsv(s);
  if (out.targets.length > max) out.errors.unshift(`The file holds ${out.targets.length} targets; a batch takes at most ${max}.`);
  if (!out.targets.length && !out.errors.length) out.errors.push('The file holds no target.');
  return out;
}

function readCsv(s: string): TargetsReading {
  let rows: string[][];
  try {
    rows = parse(s, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as string[][]; // a quote inside a cell is taken as written
  } catch (e) {
    return { kind: 'csv', targets: [], sources: [], errors: [`The CSV cannot be read: ${(e as Error).message}`] };
  }
  const head = rows[0].map(key);
  const col = (c: Column) => head.findIndex((h) => (COLUMNS[c] as readonly string[]).includes(h));
  const at = { lat: col('lat'), lon: col('lon'), position: col('position'), radius: col('radius'), at: col('at'), note: col('note') };
  const out: TargetsReading = { kind: 'csv', targets: [], sources: [], errors: [] };
  if ((at.lat < 0 || at.lon < 0) && at.position < 0) {
    out.errors.push(`The header row (${rows[0].join(', ')}) names no position: give latitude and longitude columns (lat, lon), or one column named target holding a position.`);
    return out;
  }
  for (const [k, row] of rows.slice(1).entries()) {
    const where = `row ${k + 1} (line ${k + 2})`;
    const cell = (i: number) => (i >= 0 ? (row[i] ?? '') : '');
    const typed = at.lat >= 0 && at.lon >= 0 && (cell(at.lat) || cell(at.lon)) ? `${cell(at.lat)}, ${cell(at.lon)}` : cell(at.position);
    const read = readTarget(typed);
    const r = radiusOf(cell(at.radius));
    const t = timeOf(cell(at.at));
    const faults = [read.ok ? null : read.reason, r.fault, t.fault].filter(Boolean);
    if (read.ok && read.target.type === 'Polygon' && r.radiusM) faults.push('a radius applies to a point only');
    if (faults.length || !read.ok) {
      out.errors.push(`${where}: ${faults.join('; ')}`);
      continue;
    }
    const note = cell(at.note);
    out.targets.push({ target: read.target, ...(r.radiusM ? { radiusM: r.radiusM } : {}), ...(t.at ? { at: t.at } : {}), ...(note ? { note } : {}) });
    out.sources.push(`row ${k + 1}`);
  }
  return out;
}

const prop = (p: Record<string, unknown>, c: Column): unknown => {
  const k = Object.keys(p).find((x) => (COLUMNS[c] as readonly string[]).includes(key(x)));
  return k === undefined ? undefined : p[k];
};

function readGeoJson(s: string): TargetsReading {
  const out: TargetsReading = { kind: 'geojson', targets: [], sources: [], errors: [] };
  let doc: { type?: string; features?: unknown; geometry?: unknown };
  try {
    doc = JSON.parse(s);
  } catch (e) {
    out.errors.push(`The file is not valid JSON (${(e as Error).message}).`);
    return out;
  }
  const features: { geometry?: unknown; properties?: Record<string, unknown> | null }[] =
    doc?.type === 'FeatureCollection' ? (Array.isArray(doc.features) ? doc.features : []) : doc?.type === 'Feature' ? [doc as never] : [{ geometry: doc }];
  if (doc?.type === 'FeatureCollection' && !Array.isArray(doc.features)) out.errors.push('The FeatureCollection has no features list.');
  for (const [k, f] of features.entries()) {
    const where = `feature ${k + 1}`;
    const p = f?.properties ?? {};
    const read = readTarget(JSON.stringify(f?.geometry ?? null));
    const r = radiusOf(prop(p, 'radius'));
    const atv = prop(p, 'at');
    const t = typeof atv === 'string' ? timeOf(atv) : {};
    const faults = [read.ok ? null : `${read.reason}${(f?.geometry as { type?: string } | null)?.type ? '' : ' (it has no Point or Polygon geometry)'}`, r.fault, t.fault].filter(Boolean);
    if (read.ok && read.target.type === 'Polygon' && r.radiusM) faults.push('a radius applies to a point only');
    if (faults.length || !read.ok) {
      out.errors.push(`${where}: ${faults.join('; ')}`);
      continue;
    }
    const note = prop(p, 'note');
    out.targets.push({ target: read.target, ...(r.radiusM ? { radiusM: r.radiusM } : {}), ...(t.at ? { at: t.at } : {}), ...(note !== undefined && note !== null && String(note) ? { note: String(note) } : {}) });
    out.sources.push(where);
  }
  return out;
}
