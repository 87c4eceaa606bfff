import '../vetting/views.css'; // the mark of an entry a vetting decision links to
import { api, errorMessage, withQuery } from '../api.ts';
import type { LedgerEntries, LedgerEntry, LedgerHead } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, humanize } from '../ui/format.ts';
import type { Route } from '../router.ts';
import type { Page } from './page.ts';

const LATEST = 25;
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';

/** The ledger: the current signed tree head and its latest entries, newest first; with `?seq=` the entries around that one, marked (a link from a vetting decision). */
export function recordPage(outlet: HTMLElement, route?: Route): Page {
  const ctrl = new AbortController();
  const raw = route?.params.get('seq');
  const focus = raw && /^\d+$/.test(raw) ? Number(raw) : null;
  const head = h('section', { class: 'record-head', 'data-testid': 'record-head', 'aria-label': 'Signed head', 'aria-busy': 'true' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table record-table', 'data-testid': 'record-entries', 'aria-busy': 'true' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Seq'), h('th', { scope: 'col' }, 'Time (UTC)'), h('th', { scope: 'col' }, 'Actor'), h('th', { scope: 'col' }, 'Action'), h('th', { scope: 'col' }, 'Entity')),
    ),
    tbody,
  );
  const error = h('div', { class: 'inline-error', role: 'alert', hidden: true });

  replace(
    outlet,
    h(
      'div',
      { class: 'record-page' },
      h('div', { class: 'toolbar' }, h('h1', { class: 'page-title' }, 'Record')),
      h('div', { class: 'table-wrap' }, error, head, h('h2', { class: 'record-subtitle' }, focus === null ? `Latest ${LATEST} entries` : `Entries around #${focus}`), table),
    ),
  );

  function renderHead(hd: LedgerHead): void {
    const row = (label: string, value: Node | string, attrs: Record<string, string> = {}): HTMLElement[] => [h('dt', {}, label), h('dd', attrs, value)];
    replace(
      head,
      h(
        'dl',
        { class: 'facts' },
        row('Size', String(hd.size), { 'data-testid': 'head-size', 'data-size': String(hd.size) }),
        row('Root hash', h('code', { class: 'hash' }, hd.rootHash)),
        row('Signed at', formatUtc(hd.timestamp)),
        row('Key id', h('code', { class: 'hash' }, hd.keyId)),
        row(
          'Cosignatures',
          hd.cosignatures.length
            ? h(
                'ul',
                { class: 'cosignatures' },
                hd.cosignatures.map((c) => h('li', {}, c.accountName, ' ', h('span', { class: 'muted small' }, `key ${c.keyId.slice(0, 16)}…, ${formatUtc(c.at)}`))),
              )
            : h('span', { class: 'muted' }, 'none'),
        ),
      ),
    );
  }

  function renderEntries(items: LedgerEntry[]): void {
    if (!items.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'The ledger is empty.')));
      return;
    }
    replace(
      tbody,
      [...items]
        .sort((a, b) => b.seq - a.seq)
        .map((e) =>
          h(
            'tr',
            { 'data-seq': e.seq, class: e.seq === focus ? 'row-focus' : '', ...(e.seq === focus ? { 'aria-current': 'true', 'data-testid': 'record-focus' } : {}) },
            h('td', { class: 'nowrap' }, String(e.seq)),
            h('td', { class: 'nowrap' }, formatUtc(e.time)),
            h('td', {}, e.actor ? humanize(e.actor.role) : h('span', { class: 'muted', title: 'Not shown to your role' }, 'withheld')),
            h('td', {}, h('code', {}, e.action)),
            h('td', {}, e.entity.type, ' ', e.entity.id ? h('code', { class: 'muted small' }, e.entity.id) : h('span', { class: 'muted small', title: 'Not shown to your role' }, 'withheld')),
          ),
        ),
    );
  }

  async function load(): Promise<void> {
    try {
      const hd = await api<LedgerHead>('GET', '/api/v1/ledger/head', undefined, { signal: ctrl.signal });
      renderHead(hd);
      head.removeAttribute('aria-busy');
      const around = focus !== null && focus < hd.size;
      const end = around ? Math.min(hd.size, focus + Math.ceil(LATEST / 2)) : hd.size;
      const entries = await api<LedgerEntries>('GET', withQuery('/api/v1/ledger/entries', { start: Math.max(0, end - LATEST), end }), undefined, { signal: ctrl.signal });
      renderEntries(entries.items);
      tbody.querySelector('.row-focus')?.scrollIntoView({ block: 'center' });
    } catch (e) {
      if (isAbort(e)) return;
      error.textContent = `The record could not be loaded: ${errorMessage(e)}`;
      error.hidden = false;
    } finally {
      head.removeAttribute('aria-busy');
      table.removeAttribute('aria-busy');
    }
  }

  void load();
  return {
    destroy() {
      ctrl.abort();
    },
  };
}
