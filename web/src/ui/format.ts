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
