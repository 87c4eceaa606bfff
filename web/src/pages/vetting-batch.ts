// Batch vetting (issue 12): choose or paste a file of targets (CSV or GeoJSON, up to 1,000), read
// it here (every fault named by its row before anything is sent), vet them in one request for
// one requesting party, see the decisions as a table, and take them away as CSV or GeoJSON.
import { api, ApiError, errorMessage } from '../api.ts';
import { getSession } from '../session.ts';
import type { Party, VettingBatchItem, VettingBatchResult } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, humanize } from '../ui/format.ts';
import { readTargetsFile, type TargetsReading } from '../vetting/targets-file.ts';
import { resultsCsv, resultsGeoJson } from '../vetting/results-file.ts';
import { vettingTabs } from '../vetting/tabs.ts';
import { RULES } from '../../../src/vetting/model.ts';
import type { Route } from '../router.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

/** The server's bound (TRUCE_VETTING_BATCH_TARGETS_MAX); a larger file is refused here before it is sent. */
export const BATCH_MAX = 1000;
const VETTERS = ['admin', 'cochair', 'secretariat', 'liaison'];
const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';
const stamp = () => new Date().toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-');

export function vettingBatchPage(outlet: HTMLElement, _route: Route): Page {
  const account = getSession()?.account;
  const role = account?.role ?? 'public';
  const fixedParty = role === 'liaison' ? (account?.partyId ?? null) : null;
  const ctrl = new AbortController();
  let reading: TargetsReading | null = null;
  let result: VettingBatchResult | null = null;
  let sources: string[] = [];
  let names = new Map<string, string>();
  const urls: string[] = [];

  const partySel = h('select', { name: 'party', id: 'vb-party', 'data-testid': 'vb-party', required: true }, h('option', { value: fixedParty ?? '' }, fixedParty ? 'Your party' : 'Choose the requesting party…'));
  partySel.disabled = Boolean(fixedParty);
  const atInput = h('input', { type: 'datetime-local', name: 'at', id: 'vb-at', step: '60', 'data-testid': 'vb-at' });
  const fileInput = h('input', { type: 'file', name: 'file', id: 'vb-file', accept: '.csv,.geojson,.json,text/csv,application/geo+json,application/json', 'data-testid': 'vb-file' });
  const pasted = h('textarea', {
    name: 'pasted',
    id: 'vb-paste',
    spellcheck: 'false',
    'data-testid': 'vb-paste',
    placeholder: 'lat,lon,radius_m,note\n33.5138,36.2765,500,Target 1\n… or a GeoJSON FeatureCollection of Points and Polygons',
  });
  const readOut = h('div', { class: 'vet-read', 'data-testid': 'vb-read', 'aria-live': 'polite' });
  const vetBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'vet-batch', disabled: true }, 'Vet');
  const formError = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'vb-error', hidden: true });
  const resultBox = h('section', { class: 'vet-batch-result', 'data-testid': 'vb-result', 'aria-live': 'polite' });

  const form = h(
    'form',
    { class: 'vet-batch-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void send()) },
    h('div', { class: 'field' }, h('label', { for: 'vb-party' }, 'Requesting party'), partySel),
    h('div', { class: 'field' }, h('label', { for: 'vb-at' }, 'Time of the strikes (UTC; empty: now; a time column overrides it)'), atInput),
    h('div', { class: 'field wide' }, h('label', { for: 'vb-file' }, `A file of targets: CSV (lat, lon, radius_m, at, note; or a target column) or GeoJSON, up to ${BATCH_MAX}`), fileInput),
    h('div', { class: 'field wide' }, h('label', { for: 'vb-paste' }, 'Or paste them'), pasted),
    h('div', { class: 'wide' }, readOut),
    h('div', { class: 'vet-batch-actions wide' }, vetBtn, formError),
  );
  const root = h(
    'div',
    { class: 'vet-view', 'data-testid': 'vet-batch', 'data-state': 'idle' },
    vettingTabs('/vetting/batch', role),
    h('div', { class: 'vet-view-head' }, h('h1', { class: 'page-title' }, 'Batch vetting')),
    VETTERS.includes(role) ? form : h('div', { class: 'notice' }, `The ${humanize(role).toLowerCase()} role may not ask for vetting decisions.`),
    resultBox,
  );
  replace(outlet, root);

  function showReading(): void {
    vetBtn.disabled = !reading || Boolean(reading.errors.length) || !reading.targets.length;
    vetBtn.textContent = reading?.targets.length ? `Vet ${reading.targets.length} target${reading.targets.length === 1 ? '' : 's'}` : 'Vet';
    if (!reading) {
      replace(readOut);
      return;
    }
    readOut.dataset.targets = String(reading.targets.length);
    readOut.dataset.errors = String(reading.errors.length);
    const kinds = { csv: 'CSV', geojson: 'GeoJSON', empty: '' };
    replace(
      readOut,
      h('p', { class: reading.errors.length ? 'inline-error' : 'muted' }, `${kinds[reading.kind]} read: ${reading.targets.length} target${reading.targets.length === 1 ? '' : 's'}${reading.errors.length ? `, ${reading.errors.length} problem${reading.errors.length === 1 ? '' : 's'} to fix first` : ''}.`),
      reading.errors.length ? h('ul', { class: 'vet-read-errors', 'data-testid': 'vb-read-errors' }, reading.errors.slice(0, 50).map((e) => h('li', {}, e))) : null,
    );
  }

  function read(text: string): void {
    reading = text.trim() ? readTargetsFile(text, BATCH_MAX) : null;
    result = null;
    renderResult();
    showReading();
  }
  fileInput.addEventListener('change', async () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    const text = await f.text();
    pasted.value = text.length <= 200_000 ? text : '';
    read(text);
  });
  pasted.addEventListener('input', () => {
    fileInput.value = ''; // what is read is what the box holds now, not the file chosen before
    read(pasted.value);
  });

  function cellCodes(v: VettingBatchItem): HTMLElement {
    return h('span', { class: 'codes' }, v.reasons.map((r) => h('span', { class: `code ${RULES[r.code as keyof typeof RULES] ?? ''}`, title: r.detail, 'data-code': r.code }, r.code)));
  }

  /** A download link for text made here (an object URL, freed when the page goes). */
  function download(label: string, text: string, type: string, name: string, testid: string): HTMLAnchorElement {
    const url = URL.createObjectURL(new Blob([text], { type }));
    urls.push(url);
    return h('a', { class: 'btn', href: url, download: name, 'data-testid': testid }, label);
  }

  function renderResult(): void {
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    if (!result) {
      replace(resultBox);
      return;
    }
    const r = result;
    const fmt = (v: VettingBatchItem) =>
      v.target.type === 'Point' ? `${v.target.coordinates[1].toFixed(5)}, ${v.target.coordinates[0].toFixed(5)}${v.radiusM ? ` · r ${Math.round(v.radiusM)} m` : ''}` : `polygon, ${v.target.coordinates[0].length - 1} vertices`;
    replace(
      resultBox,
      h(
        'div',
        { class: 'vet-batch-summary', 'data-testid': 'vb-summary' },
        h('strong', {}, `${r.count} decision${r.count === 1 ? '' : 's'} recorded for ${names.get(r.requestingPartyId) ?? 'the party'}:`),
        (['prohibited', 'review', 'permitted'] as const).map((d) => h('span', { class: `effect effect-${d}`, 'data-count': d }, `${r.decisions[d]} ${d}`)),
        h('span', { class: 'spacer' }),
        download('Results CSV', resultsCsv(r.items, sources), 'text/csv;charset=utf-8', `truce-vetting-batch-${stamp()}.csv`, 'vb-download-csv'),
        download('Results GeoJSON', resultsGeoJson(r.items, sources), 'application/geo+json', `truce-vetting-batch-${stamp()}.geojson`, 'vb-download-geojson'),
      ),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data-table vet-table', 'data-testid': 'vb-table' },
          h('thead', {}, h('tr', {}, ['#', 'From', 'Target', 'Strike time', 'Decision', 'Reasons', 'Note', 'Decision id'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            r.items.map((v) =>
              h(
                'tr',
                { 'data-vetting-id': v.id, 'data-decision': v.decision, 'data-index': v.index },
                h('td', { 'data-label': '#' }, String(v.index + 1)),
                h('td', { 'data-label': 'From' }, sources[v.index] ?? ''),
                h('td', { 'data-label': 'Target', class: 'mono small' }, fmt(v)),
                h('td', { class: 'nowrap', 'data-label': 'Strike time' }, formatUtc(v.at)),
                h('td', { 'data-label': 'Decision' }, h('span', { class: `effect effect-${v.decision}` }, v.decision)),
                h('td', { 'data-label': 'Reasons', class: 'wide-cell' }, cellCodes(v)),
                h('td', { 'data-label': 'Note' }, v.note ?? ''),
                h('td', { 'data-label': 'Decision id', class: 'mono small' }, v.id),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function send(): Promise<void> {
    formError.hidden = true;
    if (!reading || reading.errors.length || !reading.targets.length) return;
    const requestingPartyId = partySel.value;
    if (!requestingPartyId) {
      formError.textContent = 'Choose the requesting party.';
      formError.hidden = false;
      return;
    }
    const at = atInput.value ? fromUtcInputValue(atInput.value) : null;
    if (atInput.value && !at) {
      formError.textContent = 'The time is not a valid date and time.';
      formError.hidden = false;
      return;
    }
    const sent = reading;
    vetBtn.disabled = true;
    vetBtn.textContent = 'Vetting…';
    root.dataset.state = 'sending';
    try {
      result = await api<VettingBatchResult>('POST', '/api/v1/vetting/batch', { requestingPartyId, at: (at ?? new Date()).toISOString(), targets: sent.targets }, { signal: ctrl.signal });
      sources = sent.sources;
      renderResult();
      root.dataset.state = 'done';
    } catch (e) {
      if (isAbort(e)) return;
      const p = e instanceof ApiError ? e.problem : null;
      // a target the server refused is named by its index: say which row of the file it was
      const m = p?.field ? /^targets\.(\d+)\.?(.*)$/.exec(p.field) : null;
      const where = m ? ` (${sent.sources[Number(m[1])] ?? `target ${Number(m[1]) + 1}`}${m[2] ? `: ${m[2]}` : ''})` : p?.field ? ` (${p.field})` : '';
      formError.textContent = `Not vetted: ${errorMessage(e)}${where}`;
      formError.hidden = false;
      root.dataset.state = 'failed';
    } finally {
      showReading();
    }
  }

  void fetchParties(new Date(), ctrl.signal)
    .then((list: Party[]) => {
      names = new Map(list.map((p) => [p.id, p.name]));
      const shown = fixedParty ? list.filter((p) => p.id === fixedParty) : list;
      replace(partySel, [...(fixedParty ? [] : [h('option', { value: '' }, 'Choose the requesting party…')]), ...shown.map((p) => h('option', { value: p.id }, `${p.name} (${humanize(p.status).toLowerCase()})`))]);
      if (fixedParty) partySel.value = fixedParty;
      if (result) renderResult();
    })
    .catch(() => undefined);

  return {
    destroy() {
      ctrl.abort();
      for (const u of urls) URL.revokeObjectURL(u);
    },
  };
}
