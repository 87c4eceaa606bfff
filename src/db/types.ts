// How both engines turn PostgreSQL's text form of a value into JavaScript.

/**
 * timestamptz / timestamp text ("0001-02-27 00:00:00+00", "2016-02-27 10:00:00.123456+02:30",
 * "... BC") to a Date. Hand-written: the drivers' parsers go through `new Date(string)` or
 * Date.UTC, which read years 0-99 as 1900-1999 (year 0001 came back as 2027-01-02); a
 * timestamp without zone is UTC. 'infinity' stays ±Infinity, as in pg.
 */
export function parseTimestamp(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/.exec(text);
  if (!m) return new Date(NaN);
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]); // 1 BC is year 0
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    d.setTime(d.getTime() - (m[8] === '+' ? offset : -offset));
  }
  return d;
}

export const TIMESTAMPTZ = 1184;
export const TIMESTAMP = 1114;
