// How the desk shows places, parties, casualties and statuses.
import type { Casualties, Incident, Party } from '../types.ts';
import { h } from '../ui/dom.ts';
import { formatUtc } from '../ui/format.ts';
import { gradeLabel, statusLabel } from './labels.ts';

export type PartyNames = (id: string) => string;

export const partyNamer = (parties: Party[]): PartyNames => {
  const byId = new Map(parties.map((p) => [p.id, p.name]));
  return (id) => byId.get(id) ?? 'Unknown party';
};

/** "2016-02-27 14:30Z", "2016-02-27 (that day)", or a range. */
export function whenText(from: string, to: string): string {
  if (from === to) return formatUtc(from);
  const f = new Date(from);
  const t = new Date(to);
  if (f.getUTCHours() === 0 && f.getUTCMinutes() === 0 && t.getTime() - f.getTime() === 86_400_000) return `${from.slice(0, 10)} (that day)`;
  return `${formatUtc(from)} – ${formatUtc(to)}`;
}

export const partyList = (ids: string[] | undefined, name: PartyNames, none = '—'): string => (ids?.length ? ids.map(name).join(', ') : none);

export function placeOf(i: Pick<Incident, 'pcodes'>): string {
  const p = i.pcodes ?? {};
  const parts = [p.adm3?.name, p.adm1?.name].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}

/** "12 killed (9 civilians), 30 injured", or "—". */
export function casualtyText(c: Casualties | undefined | null): string {
  if (!c) return '—';
  const part = (word: string, f: Casualties['killed']): string | null => {
    if (!f || f.best === undefined || f.best === null) return null;
    const range = f.low != null || f.high != null ? ` [${f.low ?? '?'}–${f.high ?? '?'}]` : '';
    return `${f.best}${range} ${word}${f.civilians != null ? ` (${f.civilians} civilian${f.civilians === 1 ? '' : 's'})` : ''}`;
  };
  const out = [part('killed', c.killed), part('injured', c.injured)].filter(Boolean);
  return out.length ? out.join(', ') : '—';
}

export const statusBadge = (status: string): HTMLElement => h('span', { class: `status-badge status-${status}`, 'data-status': status }, statusLabel(status));
export const gradeBadge = (grade: string | null): HTMLElement => h('span', { class: `grade-badge grade-${grade ?? 'none'}`, 'data-grade': grade ?? '' }, gradeLabel(grade));
