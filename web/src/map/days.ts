// UTC days for the map's day slider (pure). A day is [00:00Z, next 00:00Z).
export const DAY_MS = 86_400_000;

export const startOfDay = (d: Date): Date => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
export const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);
/** The first whole UTC day from `t` on: a cessation starting 27 Feb 00:00 Damascus (26 Feb 22:00Z) gives 27 Feb. */
export const firstWholeDay = (t: Date): Date => {
  const s = startOfDay(t);
  return s.getTime() === t.getTime() ? s : addDays(s, 1);
};
export const daysBetween = (a: Date, b: Date): number => Math.round((startOfDay(b).getTime() - startOfDay(a).getTime()) / DAY_MS);
/** "2016-02-27" */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
/** A "YYYY-MM-DD" of the hash, or null. */
export function parseDay(s: string | null | undefined): Date | null {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || isoDay(d) !== s ? null : d;
}
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Sat 27 Feb 2016" */
export const formatDay = (d: Date): string => `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

/** How much of the past the map shows up to the chosen day. */
export type Span = 'day' | 'week' | 'all';
/** The window [from, to) for `day` and `span` (`all`: since `start`). */
export function windowOf(day: Date, span: Span, start: Date): { from: Date; to: Date } {
  const to = addDays(day, 1);
  if (span === 'day') return { from: day, to };
  if (span === 'week') return { from: addDays(day, -6), to };
  return { from: start < day ? start : day, to };
}
