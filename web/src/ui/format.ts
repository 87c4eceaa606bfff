// Every time in the ops room is shown in UTC: the parties and the task force sit in
// different time zones, and a ceasefire deadline must read the same for all of them.

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2016-02-26 10:00Z", or an em dash for no time. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
}

/** The value for an <input type="datetime-local"> that shows `date` in UTC. */
export function toUtcInputValue(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** Reads a datetime-local value as UTC ("2016-03-01T00:00" or with seconds); null if unusable. */
export function fromUtcInputValue(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const d = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const KIND_LABELS: Record<string, string> = {
  state_force: 'State force',
  coalition: 'Coalition',
  non_state_armed_group: 'Non-state armed group',
  other: 'Other',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** "task_force_secretariat" -> "Task force secretariat". */
export function humanize(code: string): string {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A piece of text the server wrote with ISO 8601 times in it: plain runs and the times, each with its page form. */
export type TimePart = string | { iso: string; text: string };

// A date and time with its zone, as the server writes them (toISOString), or with an offset.
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;

/**
 * Splits `text` at its ISO times, each shown as `formatUtc` does, so a reason reads
 * "committed at 2016-02-27 00:00Z" like the rest of the page; the machine time is kept in `iso`.
 * A time that is no real date (2016-02-30...) stays as written.
 */
export function timeParts(text: string): TimePart[] {
  const out: TimePart[] = [];
  let last = 0;
  for (const m of text.matchAll(ISO_TIME)) {
    const iso = m[0];
    const shown = formatUtc(iso);
    if (shown === iso || !sameDay(iso)) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ iso, text: shown });
    last = m.index + iso.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Date() rolls 2016-02-30 over to 1 March: only a date that is what it says counts as a time. */
function sameDay(iso: string): boolean {
  const [y, mo, d] = iso.slice(0, 10).split('-').map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
