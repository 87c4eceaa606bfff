// The history of vetting decisions (issue 12), for the task force: filter by requesting party,
// decision, reason and time (all in the hash: #/vetting/history?party=&decision=&reason=&from=&to=),
// newest first; each row links to its ledger entry and replays the decision in place; the same
// list as a file (CSV, GeoJSON) from the server's export, with the same filters.
import { api, errorMessage, withQuery } from '../api.ts';
import { partyOptions } from '../desk/widgets.ts';
import { addDays, parseDay } from '../map/days.ts';
import { href, navigate, type Route } from '../router.ts';
import { REASON_CODES, RULES } from '../../../src/vetting/model.ts';
import { getSession } from '../session.ts';
import type { Party, VettingHistory, VettingHistoryItem, VettingReason, VettingReplay } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, humanize } from '../ui/format.ts';
import { HISTORY_READERS, vettingTabs } from '../vetting/tabs.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

interface Filters {
  party: string;
  decision: string;
  reason: string;
  from: string;
  to: string;
}

const DECISIONS = ['prohibited', 'review', 'permitted'];
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

function readFilters(r: Route): Filters {
  const p = r.params;
  const day = (k: string) => (parseDay(p.get(k)) ? p.get(k)! : '');
  return {
    party: p.get('party') ?? '',
    decision: DECISIONS.includes(p.get('decision') ?? '') ? p.get('decision')! : '',
    reason: (REASON_CODES as string[]).includes(p.get('reason') ?? '') ? p.get('reason')! : '',
    from: day('from'),
    to: day('to'),
  };
}

/** The list's (and the export's) query for the filters; `to` is a day, inclusive. */
export function historyQuery(f: Filters): Record<string, string | undefined> {
  const to = parseDay(f.to);
  return {
    requestingPartyId: f.party || undefined,
    decision: f.decision || undefined,
    reason: f.reason || undefined,
    from: f.from ? `${f.from}T00:00:00.000Z` : undefined,
    to: to ? addDays(to, 1).toISOString() : undefined,
  };
}

const fmt5 = (x: number) => x.toFixed(5);
/** A target in a few words: a point (latitude first, as the console writes it) with its radius, or a polygon's vertex count. */
function targetText(v: VettingHistoryItem): string {
  if (v.target.type === 'Point') {
    const [lon, lat] = v.target.coordinates;
    return `${fmt5(lat)}, ${fmt5(lon)}${v.radiusM ? ` · r ${Math.round(v.radiusM)} m` : ''}`;
  }
  return `polygon, ${v.target.coordinates[0].length - 1} vertices`;
}

const codeList = (reasons: VettingReason[]): HTMLElement =>
  h('span', { class: 'codes' }, reasons.length ? reasons.map((r) => h('span', { class: `code ${RULES[r.code as keyof typeof RULES] ?? ''}`, title: r.detail, 'data-code': r.code }, r.code)) : h('span', { class: 'muted' }, 'none'));

export function vettingHistoryPage(outlet: HTMLElement, route: Route): Page {
  const role = getSession()?.account.role ?? 'public';
  const tabs = vettingTabs('/vetting/history', role);
  if (!HISTORY_READERS.includes(role)) {
    replace(outlet, h('div', { class: 'vet-view', 'data-testid': 'vet-history' }, tabs, h('div', { class: 'notice' }, h('h1', { class: 'page-title' }, 'Vetting history'), h('p', {}, 'Only the task force (admin, co-chairs, secretariat) reads the history of decisions: it says who asked about where.'))));
    return {};
  }
  let filters = readFilters(route);
  let rows: VettingHistoryItem[] = [];
  let next: string | null = null;
  let names = new Map<string, string>();
  let ctrl: AbortController | null = null;
  const pageCtrl = new AbortController();

  const partySel = h('select', { name: 'party', id: 'vh-party', 'data-testid': 'vh-party' }, h('option', { value: '' }, 'Any party'));
  const decisionSel = h('select', { name: 'decision', id: 'vh-decision', 'data-testid': 'vh-decision' }, h('option', { value: '' }, 'Any decision'), DECISIONS.map((d) => h('option', { value: d }, humanize(d))));
  const reasonSel = h('select', { name: 'reason', id: 'vh-reason', 'data-testid': 'vh-reason' }, h('option', { value: '' }, 'Any reason'), REASON_CODES.map((c) => h('option', { value: c }, humanize(c.toLowerCase()))));
  const fromIn = h('input', { type: 'date', name: 'from', id: 'vh-from', 'data-testid': 'vh-from' });
  const toIn = h('input', { type: 'date', name: 'to', id: 'vh-to', 'data-testid': 'vh-to' });
  const apply = (): void => navigate('/vetting/history', { party: partySel.value, decision: decisionSel.value, reason: reasonSel.value, from: fromIn.value, to: toIn.value });
  for (const el of [partySel, decisionSel, reasonSel, fromIn, toIn]) el.addEventListener('change', apply);
  const clearBtn = h('button', { type: 'button', class: 'btn btn-ghost-dark', 'data-action': 'clear-filters', onclick: () => navigate('/vetting/history', {}) }, 'Clear');
  const exportCsv = h('a', { class: 'btn', 'data-testid': 'vh-export-csv', download: '' }, 'Export CSV');
  const exportGeo = h('a', { class: 'btn', 'data-testid': 'vh-export-geojson', download: '' }, 'Export GeoJSON');

  const summary = h('div', { class: 'muted small', 'data-testid': 'vh-summary', role: 'status' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table vet-table', 'data-testid': 'vh-table' },
    h('thead', {}, h('tr', {}, ['Asked (UTC)', 'Requesting party', 'Target', 'Strike time', 'Decision', 'Reasons', 'Record'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody,
  );
  const more = h('button', { type: 'button', class: 'btn', 'data-action': 'load-more', hidden: true, onclick: () => void load(true) }, 'Load more');
  const error = h('div', { class: 'inline-error', role: 'alert', hidden: true });
  const field = (label: string, forId: string, el: HTMLElement): HTMLElement => h('div', { class: 'inbox-filter' }, h('label', { for: forId }, label), el);

  const root = h(
    'div',
    { class: 'vet-view', 'data-testid': 'vet-history', 'data-state': 'loading' },
    tabs,
    h('div', { class: 'vet-view-head' }, h('h1', { class: 'page-title' }, 'Vetting history'), summary, h('span', { class: 'spacer' }), h('div', { class: 'vet-exports' }, exportCsv, exportGeo)),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), apply()) },
      field('Requesting party', 'vh-party', partySel),
      field('Decision', 'vh-decision', decisionSel),
      field('Reason', 'vh-reason', reasonSel),
      field('Asked from', 'vh-from', fromIn),
      field('Asked to', 'vh-to', toIn),
      clearBtn,
    ),
    error,
    h('div', { class: 'table-scroll' }, table, h('div', { class: 'inbox-more' }, more)),
  );
  replace(outlet, root);

  function syncControls(): void {
    partySel.value = filters.party;
    decisionSel.value = filters.decision;
    reasonSel.value = filters.reason;
    fromIn.value = filters.from;
    toIn.value = filters.to;
    const q = historyQuery(filters);
    exportCsv.setAttribute('href', withQuery('/api/v1/exports/vetting', { format: 'csv', ...q }));
    exportGeo.setAttribute('href', withQuery('/api/v1/exports/vetting', { format: 'geojson', ...q }));
  }

  async function replay(v: VettingHistoryItem, button: HTMLButtonElement, out: HTMLElement): Promise<void> {
    button.disabled = true;
    out.className = 'replay-out muted';
    out.textContent = 'Replaying…';
    try {
      const r = await api<VettingReplay>('GET', v.links?.replay ?? `/api/v1/vetting/${encodeURIComponent(v.id)}/replay`);
      out.dataset.same = String(r.same);
      out.className = `replay-out ${r.same ? 'same' : 'differs'}`;
      out.textContent = r.same ? `Replay matches: ${r.decision}, from the data of version ${r.dataVersion}.` : `Replay differs: now ${r.decision} (${r.reasons.map((x) => x.code).join(', ') || 'no reasons'}).`;
    } catch (e) {
      out.dataset.same = 'error';
      out.className = 'replay-out inline-error';
      out.textContent = `The replay failed: ${errorMessage(e)}`;
    } finally {
      button.disabled = false;
    }
  }

  function row(v: VettingHistoryItem): HTMLTableRowElement {
    const out = h('span', { class: 'replay-out', 'data-testid': 'vh-replay-out', role: 'status' });
    const replayBtn = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'replay' }, 'Replay');
    replayBtn.addEventListener('click', () => void replay(v, replayBtn, out));
    const toldDiffers = v.told && (v.told.decision !== v.decision || v.told.reasons.map((r) => r.code).join() !== v.reasons.map((r) => r.code).join());
    const seq = v.ledgerSeq ?? null;
    return h(
      'tr',
      { 'data-vetting-id': v.id, 'data-decision': v.decision, 'data-seq': seq ?? '' },
      h('td', { class: 'nowrap', 'data-label': 'Asked' }, formatUtc(v.requestedAt)),
      h('td', { 'data-label': 'Party' }, names.get(v.requestingPartyId) ?? h('span', { class: 'mono small' }, v.requestingPartyId.slice(0, 8))),
      h('td', { 'data-label': 'Target', class: 'mono small' }, targetText(v), v.note ? h('div', { class: 'muted small' }, v.note) : null),
      h('td', { class: 'nowrap', 'data-label': 'Strike time' }, formatUtc(v.at)),
      h(
        'td',
        { 'data-label': 'Decision' },
        h('span', { class: `effect effect-${v.decision}`, 'data-testid': 'vh-decision-cell' }, v.decision),
        toldDiffers ? h('span', { class: 'told muted small', title: `Told as ${v.told!.basis ?? 'recorded before 009'}` }, `told ${v.told!.decision}`) : null,
      ),
      h('td', { 'data-label': 'Reasons', class: 'wide-cell' }, codeList(v.reasons), toldDiffers ? h('span', { class: 'told small' }, 'told: ', codeList(v.told!.reasons)) : null),
      h(
        'td',
        { 'data-label': 'Record', class: 'wide-cell' },
        h(
          'span',
          { class: 'links' },
          seq === null ? h('span', { class: 'muted small' }, 'no ledger entry') : h('a', { href: href('/record', { seq: String(seq) }), 'data-testid': 'vh-ledger-link' }, `Ledger entry #${seq}`),
          replayBtn,
          out,
        ),
      ),
    );
  }

  function render(): void {
    if (!rows.length) replace(tbody, h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No decision matches these filters.')));
    else replace(tbody, rows.map(row));
    more.hidden = !next;
    replace(summary, `${rows.length}${next ? '+' : ''} decision${rows.length === 1 ? '' : 's'}`);
  }

  async function load(append = false): Promise<void> {
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    root.dataset.state = 'loading';
    table.setAttribute('aria-busy', 'true');
    error.hidden = true;
    try {
      const page = await api<VettingHistory>('GET', withQuery('/api/v1/vetting', { ...historyQuery(filters), limit: 100, cursor: append ? next : null }), undefined, { signal: c.signal });
      rows = append ? [...rows, ...page.items] : page.items;
      next = page.nextCursor;
      render();
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      error.textContent = `The history could not be loaded: ${errorMessage(e)}`;
      error.hidden = false;
      root.dataset.state = 'failed';
    } finally {
      if (ctrl === c) table.removeAttribute('aria-busy');
    }
  }

  syncControls();
  void load();
  void fetchParties(new Date(), pageCtrl.signal)
    .then((list: Party[]) => {
      names = new Map(list.map((p) => [p.id, p.name]));
      replace(partySel, partyOptions(list, 'Any party'));
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
    },
  };
}
