// The query parameters of OGC API – Features, Part 1 (pure): bbox and datetime as the standard
// writes them, refused with a problem naming the parameter and why. `limit` and unknown
// parameters are the route schema's (src/ogc/schemas.ts).
import { ApiError } from '../http/errors.ts';
import { isPlainDate, isTime } from '../http/validation.ts';

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** A decimal number as text, nothing else (no "", " 1", "0x10", "Infinity"). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const badBbox = (reason: string) => new ApiError('VALIDATION_FAILED', `bbox ${reason}.`, 'bbox');

/**
 * `minLon,minLat,maxLon,maxLat` in CRS84, or with heights `minLon,minLat,minH,maxLon,maxLat,maxH`
 * (the heights are checked as numbers and then ignored: every geometry here is 2D). A box across
 * the antimeridian (minLon > maxLon), which the standard allows, is refused here as the API
 * refuses it: no deployment's data crosses it.
 */
export function parseBbox(s: string): BBox {
  const parts = s.split(',');
  if (parts.length !== 4 && parts.length !== 6) throw badBbox(`must be 4 numbers (minLon,minLat,maxLon,maxLat) or 6 (with heights), not ${parts.length}`);
  const bad = parts.findIndex((p) => !NUMBER.test(p.trim()));
  if (bad >= 0) throw badBbox(`value ${bad + 1} is not a number`);
  const n = parts.map((p) => Number(p.trim()));
  if (n.some((x) => !Number.isFinite(x))) throw badBbox('must have finite numbers');
  const [w, so, e, no] = n.length === 4 ? n : [n[0], n[1], n[3], n[4]];
  if (n.length === 6 && n[2] > n[5]) throw badBbox('must have the lower height first');
  if ([w, e].some((x) => x < -180 || x > 180)) throw badBbox('must have longitudes within -180..180');
  if ([so, no].some((y) => y < -90 || y > 90)) throw badBbox('must have latitudes within -90..90');
  if (so > no) throw badBbox('must have the southern latitude first (minLat ≤ maxLat)');
  if (w > e) throw badBbox('must have minLon ≤ maxLon (a box across the antimeridian is not supported)');
  return [w, so, e, no];
}

/**
 * What a datetime parameter asks for. An instant covers from..to (a date-time: one moment; a date
 * alone: that UTC day). An interval has one open end at most (`..` or empty).
 */
export type DateTimeQuery = { kind: 'instant'; from: Date; to: Date } | { kind: 'interval'; from: Date | null; to: Date | null };

const badDatetime = (reason: string) => new ApiError('VALIDATION_FAILED', `datetime ${reason}.`, 'datetime');
const DAY_MS = 86_400_000;

/** One end of a datetime: a date-time with a zone (RFC 3339), or a date (its first or last millisecond, UTC). */
function instant(s: string, end: 'start' | 'end', which: string): Date {
  if (isTime(s)) return new Date(s);
  if (isPlainDate(s)) {
    const start = Date.parse(`${s}T00:00:00Z`);
    return new Date(end === 'start' ? start : start + DAY_MS - 1);
  }
  throw badDatetime(`${which} "${s.slice(0, 40)}" is not an RFC 3339 date-time with a time zone (e.g. 2016-02-27T00:00:00Z) or a date (2016-02-27)`);
}

export function parseDatetime(s: string): DateTimeQuery {
  const parts = s.split('/');
  if (parts.length > 2) throw badDatetime('must be an instant or one interval "start/end"');
  if (parts.length === 1) {
    if (s === '' || s === '..') throw badDatetime('must be an instant or an interval "start/end" (an open end is ".." or empty)');
    return { kind: 'instant', from: instant(s, 'start', 'the instant'), to: instant(s, 'end', 'the instant') };
  }
  const open = (x: string) => x === '' || x === '..';
  const [a, b] = parts;
  if (open(a) && open(b)) throw badDatetime('must have at least one end of the interval');
  const from = open(a) ? null : instant(a, 'start', 'the start');
  const to = open(b) ? null : instant(b, 'end', 'the end');
  if (from && to && from > to) throw badDatetime('must not end before it starts');
  return { kind: 'interval', from, to };
}
