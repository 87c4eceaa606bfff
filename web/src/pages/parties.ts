import { api, ApiError, errorMessage, withQuery } from '../api.ts';
import { navigate, type Route } from '../router.ts';
import { verifyEntityProof } from '../ledger/verify.ts';
import type { CommitmentEvent, EntityProof, Page as ListPage, Party, PartyDetail, PartyStatus } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, humanize, kindLabel, toUtcInputValue } from '../ui/format.ts';
import type { Page } from './page.ts';

const STATUS_LABELS: Record<PartyStatus, string> = {
  committed: 'Committed',
  designated: 'Designated',
  withdrawn: 'Withdrawn',
  suspended: 'Suspended',
  not_committed: 'Not committed',
};
const STATUS_ORDER: PartyStatus[] = ['committed', 'designated', 'suspended', 'withdrawn', 'not_committed'];

/** Aliases come in several scripts (Arabic, Russian); <bdi> keeps each one's direction to itself. */
function aliasList(aliases: string[]): Node[] {
  return aliases.flatMap((a, i) => (i ? [document.createTextNode(' · '), h('bdi', {}, a)] : [h('bdi', {}, a)]));
}

function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, STATUS_LABELS[status as PartyStatus] ?? humanize(status));
}

/** Pages through the list; the server caps a page at 200. */
export async function fetchParties(at: Date, signal: AbortSignal): Promise<Party[]> {
  const items: Party[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: ListPage<Party> = await api<ListPage<Party>>(
      'GET',
      withQuery('/api/v1/parties', { at: at.toISOString(), limit: 200, sort: 'name', cursor }),
      undefined,
      { signal },
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

export function partiesPage(outlet: HTMLElement, route: Route): Page {
  let at: Date | null = null; // null: "now", re-read at every load
  let selectedId: string | null = null;
  let parties: Party[] = [];
  let listCtrl: AbortController | null = null;
  let detailCtrl: AbortController | null = null;
  let verifyCtrl: AbortController | null = null;
  const names = new Map<string, string>(); // party id -> name, for the "via" column

  const atInput = h('input', { type: 'datetime-local', name: 'at', id: 'parties-at', step: '60', 'aria-describedby': 'parties-at-zone' });
  const filterInput = h('input', { type: 'search', name: 'filter', placeholder: 'Filter by name or alias', 'aria-label': 'Filter parties', class: 'filter' });
  const summary = h('div', { class: 'summary', 'data-testid': 'parties-summary' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table parties-table', 'data-testid': 'parties-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Party'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Designation basis'))),
    tbody,
  );
  const listError = h('div', { class: 'inline-error', role: 'alert', hidden: true });
  const detail = h('aside', { class: 'detail', 'data-testid': 'party-detail', 'aria-label': 'Party detail', hidden: true });

  const apply = (): void => {
    const chosen = fromUtcInputValue(atInput.value);
    if (!chosen) return;
    navigate('/parties', { at: chosen.toISOString(), party: selectedId });
  };

  const toolbar = h(
    'form',
    { class: 'toolbar', onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), apply()) },
    h('h1', { class: 'page-title' }, 'Parties'),
    h('label', { for: 'parties-at', class: 'toolbar-label' }, 'Status at'),
    atInput,
    h('span', { id: 'parties-at-zone', class: 'zone' }, 'UTC'),
    h('button', { type: 'submit', class: 'btn', 'data-action': 'apply-at' }, 'Apply'),
    h('button', { type: 'button', class: 'btn btn-ghost-dark', 'data-action': 'now', onclick: () => (at ? navigate('/parties', { party: selectedId }) : void loadList()) }, 'Now'),
    h('span', { class: 'toolbar-spacer' }),
    filterInput,
  );
  atInput.addEventListener('change', apply);
  filterInput.addEventListener('input', () => renderRows());

  replace(
    outlet,
    h(
      'div',
      { class: 'parties-page' },
      toolbar,
      summary,
      h('div', { class: 'split' }, h('div', { class: 'table-wrap' }, listError, table), detail),
    ),
  );

  function renderSummary(): void {
    const counts = new Map<string, number>();
    for (const p of parties) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
    replace(
      summary,
      h('span', { class: 'summary-at' }, `Status at ${formatUtc((at ?? new Date()).toISOString())}${at ? '' : ' (now)'}`),
      h('span', { class: 'summary-total' }, `${parties.length} parties`),
      STATUS_ORDER.filter((s) => counts.get(s)).map((s) => h('span', { class: 'summary-count' }, statusBadge(s), String(counts.get(s)))),
    );
  }

  function renderRows(): void {
    const q = filterInput.value.trim().toLowerCase();
    const shown = q ? parties.filter((p) => [p.name, ...p.aliases].some((n) => n.toLowerCase().includes(q))) : parties;
    if (!shown.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: 4, class: 'empty' }, parties.length ? 'No party matches the filter.' : 'No parties recorded.')));
      return;
    }
    replace(
      tbody,
      shown.map((p) => {
        const open = (): void => navigate('/parties', { at: at?.toISOString(), party: p.id });
        return h(
          'tr',
          {
            'data-party-id': p.id,
            class: p.id === selectedId ? 'selected' : '',
            tabindex: 0,
            'aria-selected': p.id === selectedId ? 'true' : 'false',
            onclick: open,
            onkeydown: (ev: KeyboardEvent) => {
              if (ev.key === 'Enter' || ev.key === ' ') (ev.preventDefault(), open());
            },
          },
          h(
            'td',
            { class: 'col-name' },
            h('div', { class: 'party-name' }, p.name, p.isCochair ? h('span', { class: 'tag tag-cochair', title: 'Co-chair of the mechanism' }, 'Co-chair') : null),
            p.aliases.length ? h('div', { class: 'aliases' }, aliasList(p.aliases)) : null,
          ),
          h('td', { class: 'col-kind' }, kindLabel(p.kind)),
          h('td', { class: 'col-status', 'data-status': p.status }, statusBadge(p.status)),
          h(
            'td',
            { class: 'col-basis' },
            p.designation.basis ?? (p.designation.designated ? 'Designated' : h('span', { class: 'muted' }, '—')),
            p.designation.since ? h('div', { class: 'muted small' }, `since ${formatUtc(p.designation.since)}`) : null,
          ),
        );
      }),
    );
  }

  async function loadList(): Promise<void> {
    listCtrl?.abort();
    const ctrl = (listCtrl = new AbortController());
    table.setAttribute('aria-busy', 'true');
    listError.hidden = true;
    try {
      parties = await fetchParties(at ?? new Date(), ctrl.signal);
      for (const p of parties) names.set(p.id, p.name);
    } catch (e) {
      if (isAbort(e)) return;
      parties = [];
      listError.textContent = `Parties could not be loaded: ${errorMessage(e)}`;
      listError.hidden = false;
    } finally {
      if (listCtrl === ctrl) table.removeAttribute('aria-busy');
    }
    renderSummary();
    renderRows();
  }

  /** Names of co-chairs not in the current list (e.g. filtered out), fetched once each. */
  async function resolveNames(ids: string[], signal: AbortSignal): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !names.has(id));
    await Promise.all(
      missing.map(async (id) => {
        try {
          names.set(id, (await api<Party>('GET', `/api/v1/parties/${encodeURIComponent(id)}`, undefined, { signal })).name);
        } catch (e) {
          if (isAbort(e)) throw e;
        }
      }),
    );
  }

  function historyTable(history: CommitmentEvent[]): HTMLElement {
    if (!history.length) return h('p', { class: 'muted' }, 'No commitment recorded.');
    return h(
      'table',
      { class: 'data-table history-table', 'data-testid': 'party-history' },
      h('thead', {}, h('tr', {}, h('th', {}, 'At (UTC)'), h('th', {}, 'Event'), h('th', {}, 'Via'), h('th', {}, 'Late'))),
      h(
        'tbody',
        {},
        // The note gets a full-width line of its own under its event: notes are prose.
        history.flatMap((ev) => [
          h(
            'tr',
            { 'data-history-type': ev.type, 'data-late': String(ev.late), class: ev.note ? 'has-note' : '' },
            h('td', { class: 'nowrap', title: `Recorded ${formatUtc(ev.recordedAt)}` }, formatUtc(ev.at)),
            h('td', {}, h('span', { class: `event event-${ev.type}` }, humanize(ev.type))),
            h('td', { class: 'col-via' }, ev.viaPartyId ? (names.get(ev.viaPartyId) ?? ev.viaPartyId) : h('span', { class: 'muted' }, '—')),
            h('td', {}, ev.late ? h('span', { class: 'tag tag-late', title: 'Received after the deadline' }, 'Late') : h('span', { class: 'muted' }, '—')),
          ),
          ev.note ? h('tr', { class: 'note-row' }, h('td', { colspan: 4, class: 'col-note' }, ev.note)) : null,
        ]),
      ),
    );
  }

  /** Fetches the party's ledger leaf and inclusion proof, and checks both here, with WebCrypto. */
  async function verifyRecord(id: string, button: HTMLButtonElement, result: HTMLElement): Promise<void> {
    verifyCtrl?.abort();
    const ctrl = (verifyCtrl = new AbortController());
    button.disabled = true;
    result.hidden = false;
    result.className = 'verify-result muted';
    result.removeAttribute('data-verified');
    result.textContent = 'Verifying…';
    try {
      const proof = await api<EntityProof>('GET', `/api/v1/entities/party/${encodeURIComponent(id)}/proof`, undefined, { signal: ctrl.signal });
      const v = await verifyEntityProof(proof);
      if (ctrl.signal.aborted) return;
      if (v.ok) {
        result.className = 'verify-result verify-ok';
        result.textContent = `Recorded in leaf ${v.index}, included in the signed head of size ${v.size} (root ${v.rootHash.slice(0, 16)}…, signed at ${formatUtc(v.timestamp)}): verified in your browser.`;
      } else {
        result.className = 'verify-result inline-error';
        result.textContent = `Verification failed: ${v.reason}`;
      }
      result.dataset.verified = String(v.ok);
    } catch (e) {
      if (isAbort(e)) return;
      result.className = 'verify-result inline-error';
      result.dataset.verified = 'false';
      result.textContent = `The record could not be checked: ${errorMessage(e)}`;
    } finally {
      if (verifyCtrl === ctrl) button.disabled = false;
    }
  }

  function renderDetail(p: PartyDetail): void {
    const row = (label: string, value: Node | Node[] | string): HTMLElement[] => [h('dt', {}, label), h('dd', {}, value)];
    const verifyBlock = (id: string): HTMLElement => {
      const result = h('div', { class: 'verify-result', 'data-testid': 'verify-result', role: 'status', hidden: true });
      const button = h('button', { type: 'button', class: 'btn', 'data-action': 'verify-record', onclick: () => void verifyRecord(id, button, result) }, 'Verify record');
      return h('div', { class: 'verify' }, button, result);
    };
    const designation = p.designation.designated
      ? `Designated${p.designation.since ? ` since ${formatUtc(p.designation.since)}` : ''}${p.designation.basis ? ` — ${p.designation.basis}` : ''}`
      : 'Not designated';
    replace(
      detail,
      h(
        'header',
        { class: 'detail-head' },
        h('div', {}, h('h2', {}, p.name), h('div', { class: 'detail-status', 'data-status': p.status }, statusBadge(p.status), h('span', { class: 'muted small' }, `at ${formatUtc((at ?? new Date()).toISOString())}`))),
        h('button', { type: 'button', class: 'btn-icon', 'aria-label': 'Close detail', onclick: () => navigate('/parties', { at: at?.toISOString() }) }, '×'),
      ),
      h(
        'dl',
        { class: 'facts' },
        row('Aliases', p.aliases.length ? aliasList(p.aliases) : '—'),
        row('Kind', kindLabel(p.kind)),
        row('Co-chair', p.isCochair ? 'Yes: accepts commitments from other parties' : 'No'),
        row('Home state', p.homeState ?? '—'),
        row('Operates in', p.operatesIn.length ? p.operatesIn.join(', ') : '—'),
        row('Designation', designation),
        row('Record', `created ${formatUtc(p.createdAt)}, updated ${formatUtc(p.updatedAt)}`),
      ),
      verifyBlock(p.id),
      h('h3', {}, 'Commitment history'),
      historyTable(p.history),
    );
    detail.dataset.partyId = p.id;
  }

  async function loadDetail(): Promise<void> {
    detailCtrl?.abort();
    verifyCtrl?.abort();
    if (!selectedId) {
      detail.hidden = true;
      delete detail.dataset.partyId;
      return;
    }
    const id = selectedId;
    const ctrl = (detailCtrl = new AbortController());
    detail.hidden = false;
    detail.setAttribute('aria-busy', 'true');
    try {
      const party = await api<PartyDetail>('GET', withQuery(`/api/v1/parties/${encodeURIComponent(id)}`, { at: (at ?? new Date()).toISOString() }), undefined, { signal: ctrl.signal });
      await resolveNames(party.history.flatMap((ev) => (ev.viaPartyId ? [ev.viaPartyId] : [])), ctrl.signal);
      renderDetail(party);
    } catch (e) {
      if (isAbort(e)) return;
      const message = e instanceof ApiError && e.status === 404 ? 'This party does not exist (any more).' : `The party could not be loaded: ${errorMessage(e)}`;
      replace(detail, h('div', { class: 'inline-error', role: 'alert' }, message));
    } finally {
      if (detailCtrl === ctrl) detail.removeAttribute('aria-busy');
    }
  }

  function readRoute(r: Route): { atChanged: boolean; partyChanged: boolean } {
    const atParam = r.params.get('at');
    const parsed = atParam ? new Date(atParam) : null;
    const nextAt = parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
    const nextParty = r.params.get('party');
    const atChanged = (nextAt?.getTime() ?? null) !== (at?.getTime() ?? null);
    const partyChanged = nextParty !== selectedId;
    at = nextAt;
    selectedId = nextParty;
    atInput.value = toUtcInputValue(at ?? new Date());
    return { atChanged, partyChanged };
  }

  readRoute(route);
  void loadList();
  void loadDetail();

  return {
    update(r) {
      const { atChanged, partyChanged } = readRoute(r);
      if (atChanged) void loadList();
      else if (partyChanged) renderRows(); // only the highlighted row moves
      if (atChanged || partyChanged) void loadDetail();
    },
    destroy() {
      listCtrl?.abort();
      detailCtrl?.abort();
      verifyCtrl?.abort();
    },
  };
}
