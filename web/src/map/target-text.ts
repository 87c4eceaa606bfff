// A vetting target typed or pasted by an officer (issue 12): a latitude and longitude in decimal
// degrees or degrees-minutes-seconds, an MGRS grid reference, or GeoJSON (a Point or Polygon, as
// a geometry, a Feature or a collection of one). Pure: text in, a target or a reason out. The
// degree and grid conversions are geodesy's (Chris Veness, MIT); only the choice of reading is ours.
import Dms from 'geodesy/dms.js';
import Mgrs, { Utm } from 'geodesy/mgrs.js';

export type TextTarget = { type: 'Point'; coordinates: [number, number] } | { type: 'Polygon'; coordinates: [number, number][][] };
export type TargetReading =
  | { ok: true; target: TextTarget; /** What the text was read as, in words, for the officer to check. */ read: string; kind: 'degrees' | 'mgrs' | 'geojson' }
  | { ok: false; reason: string };

const fail = (reason: string): TargetReading => ({ ok: false, reason });
const deg = (x: number, pos: string, neg: string, places = 5) => `${Math.abs(x).toFixed(places)}° ${x < 0 ? neg : pos}`;
const describePoint = ([lon, lat]: [number, number]): string => `${deg(lat, 'N', 'S')}, ${deg(lon, 'E', 'W')}`;
const inRange = ([lon, lat]: number[]) => Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;

/** Reads what an officer typed or pasted; the first reading that fits wins (GeoJSON, MGRS, degrees). */
export function readTarget(text: string): TargetReading {
  const s = text.trim();
  if (!s) return fail('Type a latitude and longitude, an MGRS grid reference, or paste GeoJSON.');
  if (s.startsWith('{')) return readGeoJson(s);
  const grid = s.replace(/\s+/g, '').toUpperCase();
  if (/^\d{1,2}[C-HJ-NP-X][A-HJ-NP-Z]{2}\d*$/.test(grid)) return readMgrs(grid);
  return readDegrees(s);
}

// ---- MGRS

function readMgrs(grid: string): TargetReading {
  const digits = grid.replace(/^\d{1,2}[A-Z]{3}/, '');
  if (digits.length % 2 !== 0 || digits.length > 10) return fail(`The grid reference ${grid} has ${digits.length} digits after the square; it needs an even number, at most 10 (5 for the easting, 5 for the northing).`);
  let m: Mgrs;
  try {
    m = Mgrs.parse(grid);
  } catch {
    return fail(`${grid} is not a valid MGRS grid reference.`);
  }
  // A reference names a square (1 m for 10 digits, 100 km for none); its centre is the target.
  const half = 10 ** (5 - digits.length / 2) / 2;
  const sw = m.toUtm();
  const p = new Utm(sw.zone, sw.hemisphere, sw.easting + half, sw.northing + half).toLatLon();
  const at: [number, number] = [round6(p.lon), round6(p.lat)];
  const zone = grid.slice(0, grid.length - digits.length - 2);
  const spaced = [zone, grid.slice(zone.length, zone.length + 2), digits.slice(0, digits.length / 2), digits.slice(digits.length / 2)].filter(Boolean).join(' ');
  const size = half * 2 >= 1000 ? `${(half * 2) / 1000} km` : `${half * 2} m`;
  return { ok: true, kind: 'mgrs', target: { type: 'Point', coordinates: at }, read: `MGRS ${spaced}: the centre of its ${size} square, ${describePoint(at)}` };
}

// ---- degrees

/** The two halves of a position: at a comma or semicolon, else by the hemisphere letters (N33.5 E36.3, 33.5N 36.3E), else at the one space. */
function halves(s: string): [string, string] | null {
  const sep = s.split(/\s*[,;]\s*/);
  if (sep.length === 2) return [sep[0], sep[1]];
  if (sep.length > 2) return null;
  const m = /^([NSEW][^NSEW]+?)\s+([NSEW].+)$/i.exec(s) ?? /^(.*?\d[^NSEW]*[NSEW])\s*(.+)$/i.exec(s);
  if (m) return [m[1], m[2]];
  const plain = s.split(/\s+/);
  return plain.length === 2 ? [plain[0], plain[1]] : null;
}

function readDegrees(s: string): TargetReading {
  const parts = halves(s.replace(/[′’‘`]/g, "'").replace(/[″”“]/g, '"'));
  if (!parts) return fail(`“${s}” is not a position: write the latitude, then the longitude (33.5138, 36.2765 or 33°30′50″N 36°16′35″E), an MGRS reference, or GeoJSON.`);
  const [a, b] = parts.map((x) => x.trim());
  // a hemisphere letter leads or ends a half that holds a number (the S of "Damascus" is none)
  const letter = (x: string) => (/\d/.test(x) ? (/^[NSEW]/i.exec(x) ?? /[NSEW]$/i.exec(x))?.[0].toUpperCase() ?? '' : '');
  const [la, lb] = [letter(a), letter(b)];
  const isLon = (l: string) => l === 'E' || l === 'W';
  const isLat = (l: string) => l === 'N' || l === 'S';
  if ((isLat(la) && isLat(lb)) || (isLon(la) && isLon(lb))) return fail(`Both halves of “${s}” name the same axis (${la} and ${lb}): give one latitude (N or S) and one longitude (E or W).`);
  // latitude first, as the console writes positions, unless the letters say otherwise
  const [latText, lonText] = isLon(la) || isLat(lb) ? [b, a] : [a, b];
  // geodesy reads a hemisphere letter after the number only
  const trailing = (x: string) => x.replace(/^([NSEW])\s*(.+)$/i, '$2$1');
  const lat = Dms.parse(trailing(latText));
  const lon = Dms.parse(trailing(lonText));
  if (!Number.isFinite(lat)) return fail(`The latitude “${latText}” is not a number of degrees (decimal, or degrees, minutes and seconds).`);
  if (!Number.isFinite(lon)) return fail(`The longitude “${lonText}” is not a number of degrees (decimal, or degrees, minutes and seconds).`);
  if (Math.abs(lat) > 90) return fail(`The latitude ${lat} is beyond 90°: is it the longitude? Write the latitude first.`);
  if (Math.abs(lon) > 180) return fail(`The longitude ${lon} is beyond 180°.`);
  const at: [number, number] = [round6(lon), round6(lat)];
  return { ok: true, kind: 'degrees', target: { type: 'Point', coordinates: at }, read: describePoint(at) };
}

// ---- GeoJSON

function readGeoJson(s: string): TargetReading {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    return fail(`The pasted text is not valid JSON (${(e as Error).message}).`);
  }
  const o = v as { type?: unknown; geometry?: unknown; features?: unknown[] };
  if (o?.type === 'FeatureCollection') {
    if (!Array.isArray(o.features) || o.features.length !== 1) return fail(`Paste one target: the collection holds ${Array.isArray(o.features) ? o.features.length : 'no'} features.`);
    return geometryOf((o.features[0] as { geometry?: unknown })?.geometry);
  }
  return geometryOf(o?.type === 'Feature' ? o.geometry : o);
}

function geometryOf(g: unknown): TargetReading {
  const x = g as { type?: unknown; coordinates?: unknown };
  if (x?.type === 'Point') {
    const c = x.coordinates as number[];
    if (!Array.isArray(c) || c.length < 2 || !inRange(c)) return fail('The Point needs [longitude, latitude] within -180..180 and -90..90.');
    const at: [number, number] = [round6(c[0]), round6(c[1])];
    return { ok: true, kind: 'geojson', target: { type: 'Point', coordinates: at }, read: `a point at ${describePoint(at)}` };
  }
  if (x?.type === 'Polygon') {
    const rings = x.coordinates as number[][][];
    if (!Array.isArray(rings) || rings.length === 0 || !rings.every((r) => Array.isArray(r) && r.every((p) => Array.isArray(p) && p.length >= 2 && inRange(p))))
      return fail('The Polygon needs rings of [longitude, latitude] positions within -180..180 and -90..90.');
    for (const [i, r] of rings.entries()) {
      if (r.length < 4) return fail(`Ring ${i + 1} of the Polygon has ${r.length} positions; a ring needs at least 4 (the first repeated last).`);
      const [f, l] = [r[0], r[r.length - 1]];
      if (f[0] !== l[0] || f[1] !== l[1]) return fail(`Ring ${i + 1} of the Polygon is not closed: its last position must repeat its first.`);
    }
    const coordinates = rings.map((r) => r.map((p) => [round6(p[0]), round6(p[1])] as [number, number]));
    return { ok: true, kind: 'geojson', target: { type: 'Polygon', coordinates }, read: `a polygon of ${coordinates[0].length - 1} vertices${coordinates.length > 1 ? ` with ${coordinates.length - 1} hole${coordinates.length > 2 ? 's' : ''}` : ''}` };
  }
  return fail(`A target is a Point or a Polygon; the pasted GeoJSON is ${typeof x?.type === 'string' ? `a ${x.type}` : 'neither'}.`);
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
