// The incident inbox: the review queue, filtered by status, type, party and time (all in the
// hash: #/incidents?status=&type=&party=&from=&to=), newest first, kept current by the live
// stream (a changed incident is updated in its row; a new one that matches goes on top).
import { api, errorMessage, withQuery } from '../api.ts';
import { casualtyText, whenText, gradeBadge, partyList, partyNamer, placeOf, statusBadge, type PartyNames } from '../desk/format.ts';
import { EVENT_TYPES, eventTypeLabel, STATUSES } from '../desk/labels.ts';
import { partyOptions } from '../desk/widgets.ts';
import { subscribe } from '../live/stream.ts';
import { addDays, parseDay } from '../map/days.ts';
import { href, navigate, type Route } from '../router.ts';
import type { Incident, IncidentList, Party } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc } from '../ui/format.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

/** The review queue: what still waits for a reviewer. */
export const QUEUE = 'queue';
const QUEUE_STATUSES = ['reported', 'under_review'];

interface Filters {
  status: string;
  type: string;
  party: string;
  from: string;
  to: string;
}

const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

function readFilters(r: Route): Filters {
  const p = r.params;
  return { status: p.get('status') ?? QUEUE, type: p.get('type') ?? '', party: p.get('party') ?? '', from: parseDay(p.get('from')) ? p.get('from')! : '', to: parseDay(p.get('to')) ? p.get('to')! : '' };
}

/** The list query for the filters (the queue is one query per status); `to` is a day, inclusive. */
export function listQuery(f: Filters): Record<string, string | undefined> {
  const to = parseDay(f.to);
  return {
    status: f.status === QUEUE ? undefined : f.status || undefined,
    type: f.type || undefined,
    partyId: f.party || undefined,
    from: f.from ? `${f.from}T00:00:00.000Z` : undefined,
    to: to ? addDays(to, 1).toISOString() : undefined,
  };
}

/** Whether an incident arriving on the stream belongs in the list as filtered. */
export function matches(i: Incident, f: Filters): boolean {
  if (i.status === 'merged') return false;
  if (f.status === QUEUE ? !QUEUE_STATUSES.includes(i.status) : f.status && i.status !== f.status) return false;
  if (f.type && i.eventType !== f.type) return false;
  if (f.party && !i.perpetratorPartyIds.includes(f.party) && !i.targetPartyIds.includes(f.party)) return false;
  const q = listQuery(f);
  if (q.from && Date.parse(i.occurredTo) < Date.parse(q.from)) return false;
  if (q.to && Date.parse(i.occurredFrom) >= Date.parse(q.to)) return false;
  return true;
}

export function incidentsPage(outlet: HTMLElement, route: Route): Page {
  let filters = readFilters(route);
  let parties: Party[] = [];
  let name: PartyNames = () => '…';
  let rows: Incident[] = [];
  /** Per status asked (the queue asks two), the cursor of its next page; null: no more. */
  let cursors = new Map<string, string | null>();
  let next: string | null = null;
  let ctrl: AbortController | null = null;
  const pageCtrl = new AbortController();

  const statusSel = h('select', { name: 'status', id: 'f-status', 'data-testid': 'filter-status' }, h('option', { value: QUEUE }, 'Review queue (reported, under review)'), h('option', { value: '' }, 'Any status'), STATUSES.map(([v, l]) => h('option', { value: v }, l)));
  const typeSel = h('select', { name: 'type', id: 'f-type', 'data-testid': 'filter-type' }, h('option', { value: '' }, 'Any type'), EVENT_TYPES.map(([v, l]) => h('option', { value: v }, l)));
  const partySel = h('select', { name: 'party', id: 'f-party', 'data-testid': 'filter-party' }, h('option', { value: '' }, 'Any party'));
  const fromIn = h('input', { type: 'date', name: 'from', id: 'f-from', 'data-testid': 'filter-from' });
  const toIn = h('input', { type: 'date', name: 'to', id: 'f-to', 'data-testid': 'filter-to' });
  const apply = (): void => navigate('/incidents', { status: statusSel.value === QUEUE ? null : statusSel.value || 'any', type: typeSel.value, party: partySel.value, from: fromIn.value, to: toIn.value });
  for (const el of [statusSel, typeSel, partySel, fromIn, toIn]) el.addEventListener('change', apply);
  const clearBtn = h('button', { type: 'button', class: 'btn btn-ghost-dark', 'data-action': 'clear-filters', onclick: () => navigate('/incidents', {}) }, 'Clear');

  const summary = h('div', { class: 'muted small inbox-summary', 'data-testid': 'inbox-summary', role: 'status' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table inbox-table', 'data-testid': 'inbox' },
    h('thead', {}, h('tr', {}, ['When (UTC)', 'Type', 'Where', 'Perpetrator named', 'Target', 'Reports', 'Casualties', 'Status', 'Grade'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody,
  );
  const more = h('button', { type: 'button', class: 'btn', 'data-action': 'load-more', hidden: true, onclick: () => void load(true) }, 'Load more');
  const error = h('div', { class: 'inline-error', role: 'alert', hidden: true });

  const field = (label: string, forId: string, el: HTMLElement): HTMLElement => h('div', { class: 'inbox-filter' }, h('label', { for: forId }, label), el);
  const root = h(
    'div',
    { class: 'inbox-page', 'data-testid': 'inbox-page', 'data-state': 'loading' },
    h('div', { class: 'inbox-head' }, h('h1', { class: 'page-title' }, 'Incidents'), summary),
    h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), apply()) }, field('Status', 'f-status', statusSel), field('Type', 'f-type', typeSel), field('Party', 'f-party', partySel), field('From', 'f-from', fromIn), field('To', 'f-to', toIn), clearBtn),
    error,
    h('div', { class: 'table-scroll inbox-scroll' }, table, h('div', { class: 'inbox-more' }, more)),
  );
  replace(outlet, root);

  // "any" in the hash: an explicit choice of every status (no parameter means the queue).
  function syncControls(): void {
    statusSel.value = filters.status === 'any' ? '' : filters.status;
    typeSel.value = filters.type;
    partySel.value = filters.party;
    fromIn.value = filters.from;
    toIn.value = filters.to;
  }
  const effective = (): Filters => ({ ...filters, status: filters.status === 'any' ? '' : filters.status });

  function row(i: Incident, fresh = false): HTMLTableRowElement {
    const open = (): void => navigate('/incident', { id: i.id });
    return h(
      'tr',
      { 'data-incident-id': i.id, 'data-status': i.status, class: fresh ? 'row-fresh' : '', tabindex: 0, onclick: open, onkeydown: (ev: KeyboardEvent) => ev.key === 'Enter' && open() },
      h('td', { class: 'nowrap', 'data-label': 'When' }, h('a', { href: href('/incident', { id: i.id }), onclick: (ev: MouseEvent) => ev.stopPropagation() }, whenText(i.occurredFrom, i.occurredTo))),
      h('td', { 'data-label': 'Type' }, eventTypeLabel(i.eventType)),
      h('td', { 'data-label': 'Where' }, placeOf(i)),
      h('td', { 'data-label': 'Perpetrator' }, partyList(i.perpetratorPartyIds, name, 'not named')),
      h('td', { 'data-label': 'Target' }, partyList(i.targetPartyIds, name)),
      h('td', { class: 'num', 'data-label': 'Reports' }, String(i.reportCount)),
      h('td', { 'data-label': 'Casualties' }, casualtyText(i.casualties)),
      h('td', { 'data-label': 'Status' }, statusBadge(i.status), i.publishedAt ? h('span', { class: 'tag tag-published', title: `Published ${formatUtc(i.publishedAt)}` }, 'published') : null),
      h('td', { 'data-label': 'Grade' }, gradeBadge(i.grade)),
    );
  }

  function render(): void {
    if (!rows.length) replace(tbody, h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'No incident matches these filters.')));
    else replace(tbody, rows.map((i) => row(i)));
    more.hidden = !next;
    replace(summary, `${rows.length}${next ? '+' : ''} incident${rows.length === 1 ? '' : 's'}`);
  }

  async function load(append = false): Promise<void> {
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    root.dataset.state = 'loading';
    table.setAttribute('aria-busy', 'true');
    error.hidden = true;
    try {
      const f = effective();
      const statuses = f.status === QUEUE ? QUEUE_STATUSES : [f.status];
      if (!append) cursors = new Map(statuses.map((st) => [st, '']));
      const asked = [...cursors].filter(([, cur]) => cur !== null) as [string, string][];
      const pages = await Promise.all(
        asked.map(([st, cur]) => api<IncidentList>('GET', withQuery('/api/v1/incidents', { ...listQuery(f), status: st || undefined, limit: 50, cursor: cur || null }), undefined, { signal: c.signal })),
      );
      asked.forEach(([st], k) => cursors.set(st, pages[k].next));
      const got = pages.flatMap((p) => p.items);
      rows = append ? [...rows, ...got] : got;
      // Two statuses come as two lists: one order, the newest event first.
      if (statuses.length > 1) rows.sort((a, b) => b.occurredFrom.localeCompare(a.occurredFrom));
      next = [...cursors.values()].find((cur) => cur) ?? null;
      render();
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      error.textContent = `The incidents could not be loaded: ${errorMessage(e)}`;
      error.hidden = false;
      root.dataset.state = 'failed';
    } finally {
      if (ctrl === c) table.removeAttribute('aria-busy');
    }
  }

  const unsubscribe = subscribe((ev) => {
    const i = ev.incident;
    if (!i) return;
    const at = rows.findIndex((r) => r.id === i.id);
    const fits = matches(i, effective());
    if (at >= 0) {
      const old = tbody.querySelector(`tr[data-incident-id="${CSS.escape(i.id)}"]`);
      if (!fits) {
        rows.splice(at, 1);
        old?.remove();
      } else {
        rows[at] = i;
        old?.replaceWith(row(i, true));
      }
    } else if (fits) {
      rows.unshift(i);
      if (rows.length === 1) render();
      else tbody.prepend(row(i, true));
    }
    replace(summary, `${rows.length}${next ? '+' : ''} incident${rows.length === 1 ? '' : 's'}`);
    root.dataset.liveUpdates = String(Number(root.dataset.liveUpdates ?? 0) + 1);
  });

  syncControls();
  void load();
  void fetchParties(new Date(), pageCtrl.signal)
    .then((list) => {
      parties = list;
      name = partyNamer(parties);
      replace(partySel, partyOptions(parties, 'Any party'));
      partySel.value = filters.party;
      render();
    })
    .catch(() => undefined);

  return {
    update(r) {
      filters = readFilters(r);
      syncControls();
      void load();
    },
    destroy() {
      ctrl?.abort();
      pageCtrl.abort();
      unsubscribe();
    },
  };
}

