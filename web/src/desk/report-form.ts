// Filing a report: the fields of POST /api/v1/reports, with the location set by clicking the
// map (the page passes the click in) or by a place name looked up in the gazetteer
// (GET /api/v1/places?q=). A name left unresolved is sent as `placeName` alone: the server
// locates it when it is unambiguous, or keeps the candidates for the reviewer.
import { api, ApiError, errorMessage, withQuery } from '../api.ts';
import { href } from '../router.ts';
import type { Incident, LocationPrecision, OccurredPrecision, Party, Place, Report, ReportInput } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { fromUtcInputValue, humanize, toUtcInputValue } from '../ui/format.ts';
import { EVENT_TYPES, LOCATION_PRECISIONS, OCCURRED_PRECISIONS } from './labels.ts';
import { partyChecklist } from './widgets.ts';

export interface ReportFormOptions {
  parties(): Party[];
  /** When the report's time starts: the map's day, or now. */
  defaultTime(): { at: Date; precision: OccurredPrecision };
  /** The pin on the map moved (null: removed). */
  onLocation(lonLat: [number, number] | null): void;
  onFiled(report: Report, incident: Incident | null): void;
  onClose(): void;
}

export interface ReportForm {
  root: HTMLElement;
  /** A click on the map. */
  setLocation(lonLat: [number, number]): void;
  /** Fresh form (times from the map's day). */
  reset(): void;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** A random Idempotency-Key (getRandomValues works outside secure contexts too). */
function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function reportForm(opts: ReportFormOptions): ReportForm {
  let location: [number, number] | null = null;
  let lastAttempt: { key: string; body: string } | null = null;
  let searchCtrl: AbortController | null = null;
  let searchTimer = 0;

  const id = (s: string): string => `rf-${s}`;
  const select = (name: string, options: [string, string][], value?: string): HTMLSelectElement => {
    const el = h('select', { name, id: id(name) }, options.map(([v, label]) => h('option', { value: v }, label)));
    if (value) el.value = value;
    return el;
  };
  const num = (name: string, placeholder = ''): HTMLInputElement => h('input', { type: 'number', name, id: id(name), min: '0', step: '1', inputmode: 'numeric', placeholder, class: 'input-num' });

  const eventType = select('eventType', [['', 'Choose…'], ...EVENT_TYPES]);
  const occurredAt = h('input', { type: 'datetime-local', name: 'occurredAt', id: id('occurredAt'), step: '60', required: true });
  const occurredPrecision = select('occurredPrecision', OCCURRED_PRECISIONS, 'exact');
  const placeInput = h('input', { type: 'search', name: 'placeName', id: id('placeName'), placeholder: 'e.g. Darayya, Douma, دير الزور', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-controls': id('places') });
  const placeList = h('ul', { class: 'place-results', id: id('places'), role: 'listbox', 'data-testid': 'place-results', hidden: true });
  const locationInfo = h('div', { class: 'small rf-location', 'data-testid': 'report-location' });
  const clearLocation = h('button', { type: 'button', class: 'btn btn-ghost-dark btn-small', 'data-action': 'clear-location', hidden: true, onclick: () => setLocation(null) }, 'Remove pin');
  const locationPrecision = select('locationPrecision', LOCATION_PRECISIONS, 'exact');
  const perpetrators = partyChecklist('perpetrators', opts.parties);
  const targets = partyChecklist('targets', opts.parties);
  const killed = num('killed', 'best estimate');
  const killedCivilians = num('killedCivilians');
  const injured = num('injured', 'best estimate');
  const sourceUrl = h('input', { type: 'url', name: 'sourceUrl', id: id('sourceUrl'), placeholder: 'https://…' });
  const sourceDescription = h('input', { type: 'text', name: 'sourceDescription', id: id('sourceDescription'), placeholder: 'e.g. video of the impact, witness' });
  const text = h('textarea', { name: 'text', id: id('text'), rows: 4, placeholder: 'What happened, as reported' });
  const error = h('div', { class: 'inline-error', role: 'alert', 'data-testid': 'report-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'file-report' }, 'File the report');
  const done = h('div', { class: 'rf-done', 'data-testid': 'report-filed', role: 'status', hidden: true });

  const field = (label: string, name: string, ...control: (Node | string)[]): HTMLElement => h('div', { class: 'field' }, h('label', { for: id(name) }, label), ...control);

  function renderLocation(): void {
    clearLocation.hidden = !location;
    if (location) replace(locationInfo, h('span', { class: 'mono' }, `${location[1].toFixed(5)}, ${location[0].toFixed(5)}`), ' (lat, lon)');
    else replace(locationInfo, h('span', { class: 'muted' }, 'Click the map to set the place, or type its name.'));
  }

  function setLocation(ll: [number, number] | null): void {
    location = ll ? [round6(ll[0]), round6(ll[1])] : null;
    renderLocation();
    opts.onLocation(location);
  }

  function showPlaces(places: Place[]): void {
    placeList.hidden = !places.length && !placeInput.value.trim();
    if (!places.length) {
      replace(placeList, h('li', { class: 'muted place-none' }, 'No place of that name: it is sent as typed, for the reviewer to locate.'));
      return;
    }
    replace(
      placeList,
      places.slice(0, 8).map((p) =>
        h(
          'li',
          {
            role: 'option',
            tabindex: 0,
            'data-place': p.name,
            onclick: () => pick(p),
            onkeydown: (ev: KeyboardEvent) => ev.key === 'Enter' && (ev.preventDefault(), pick(p)),
          },
          h('span', { class: 'place-name' }, p.name),
          p.nameAr ? h('span', { class: 'place-ar', lang: 'ar', dir: 'rtl' }, p.nameAr) : null,
          h('span', { class: 'muted small' }, ` ${[humanize(p.kind), p.adm2?.name ?? p.adm1?.name, p.country !== 'SYR' ? p.country : null].filter(Boolean).join(' · ')}`),
        ),
      ),
    );
  }

  function pick(p: Place): void {
    placeInput.value = p.name;
    placeList.hidden = true;
    setLocation([p.lon, p.lat]);
    // A gazetteer point is the place's centre, not the spot: "near" unless the user says otherwise.
    if (locationPrecision.value === 'exact') locationPrecision.value = 'near';
  }

  async function search(q: string): Promise<void> {
    searchCtrl?.abort();
    if (q.trim().length < 2) {
      placeList.hidden = true;
      return;
    }
    const ctrl = (searchCtrl = new AbortController());
    try {
      const res = await api<{ items: Place[] }>('GET', withQuery('/api/v1/places', { q: q.trim(), limit: 8 }), undefined, { signal: ctrl.signal });
      if (ctrl.signal.aborted) return;
      showPlaces(res.items);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      placeList.hidden = false;
      replace(placeList, h('li', { class: 'inline-error' }, `The gazetteer could not be searched: ${errorMessage(e)}`));
    }
  }
  // A time typed by hand is a time: the day's precision of the default gives way, unless chosen.
  let precisionChosen = false;
  occurredPrecision.addEventListener('change', () => (precisionChosen = true));
  occurredAt.addEventListener('input', () => {
    if (!precisionChosen) occurredPrecision.value = 'exact';
  });
  placeInput.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void search(placeInput.value), 200);
  });
  placeInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') placeList.hidden = true;
    if (ev.key === 'ArrowDown') (placeList.querySelector('li[role="option"]') as HTMLElement | null)?.focus();
  });

  function body(): ReportInput | string {
    const at = fromUtcInputValue(occurredAt.value);
    if (!eventType.value) return 'Choose the type of event.';
    if (!at) return 'Give the time it happened (UTC).';
    const place = placeInput.value.trim();
    if (!location && !place) return 'Set the place: click the map or type its name.';
    const n = (el: HTMLInputElement): number | undefined => (el.value.trim() === '' ? undefined : Number(el.value));
    const casualties: ReportInput['casualties'] = {};
    if (n(killed) !== undefined) casualties.killed = { best: n(killed)!, ...(n(killedCivilians) !== undefined ? { civilians: n(killedCivilians) } : {}) };
    if (n(injured) !== undefined) casualties.injured = { best: n(injured)! };
    const source = { ...(sourceUrl.value.trim() ? { url: sourceUrl.value.trim() } : {}), ...(sourceDescription.value.trim() ? { description: sourceDescription.value.trim() } : {}) };
    return {
      channel: 'web',
      occurredAt: at.toISOString(),
      occurredPrecision: occurredPrecision.value as OccurredPrecision,
      ...(location ? { location: { type: 'Point', coordinates: location }, locationPrecision: locationPrecision.value as LocationPrecision } : {}),
      ...(place ? { placeName: place } : {}),
      eventType: eventType.value as ReportInput['eventType'],
      ...(perpetrators.value().length ? { perpetratorPartyIds: perpetrators.value() } : {}),
      ...(targets.value().length ? { targetPartyIds: targets.value() } : {}),
      ...(Object.keys(casualties).length ? { casualties } : {}),
      ...(Object.keys(source).length ? { sources: [source] } : {}),
      ...(text.value.trim() ? { text: text.value.trim() } : {}),
    };
  }

  async function file(): Promise<void> {
    error.hidden = true;
    done.hidden = true;
    const b = body();
    if (typeof b === 'string') return showError(b);
    const json = JSON.stringify(b);
    // The same body again (a retry after a lost answer) reuses its key: the server answers as the first time.
    if (!lastAttempt || lastAttempt.body !== json) lastAttempt = { key: newKey(), body: json };
    submit.disabled = true;
    submit.textContent = 'Filing…';
    try {
      const report = await api<Report>('POST', '/api/v1/reports', b, { headers: { 'Idempotency-Key': lastAttempt.key } });
      let incident: Incident | null = null;
      if (report.incidentId) {
        try {
          incident = await api<Incident>('GET', `/api/v1/incidents/${encodeURIComponent(report.incidentId)}`);
        } catch {
          // the report stands; the incident may not be the filer's to read
        }
      }
      showDone(report, incident);
      opts.onFiled(report, incident);
    } catch (e) {
      const p = e instanceof ApiError ? e.problem : null;
      const fields = p?.errors?.map((x) => `${x.field}: ${x.reason}`).join('; ');
      showError(`Not filed: ${errorMessage(e)}${fields ? ` (${fields})` : p?.field ? ` (${p.field})` : ''}`);
    } finally {
      submit.disabled = false;
      submit.textContent = 'File the report';
    }
  }

  function showDone(report: Report, incident: Incident | null): void {
    done.hidden = false;
    done.dataset.reportId = report.id;
    done.dataset.incidentId = report.incidentId ?? '';
    done.dataset.reportCount = String(incident?.reportCount ?? '');
    const grouped = incident && incident.reportCount > 1;
    replace(
      done,
      h('strong', {}, 'Report filed.'),
      ' ',
      report.incidentId
        ? grouped
          ? [`Grouped with ${incident.reportCount - 1} other report${incident.reportCount === 2 ? '' : 's'} into `, h('a', { href: href('/incident', { id: report.incidentId }), 'data-testid': 'filed-incident' }, 'an incident'), '.']
          : ['It opened ', h('a', { href: href('/incident', { id: report.incidentId }), 'data-testid': 'filed-incident' }, 'a new incident'), '.']
        : 'It waits to be located before it joins an incident.',
      report.enrichment?.placeCandidates?.length ? h('div', { class: 'small muted' }, `The place name matched ${report.enrichment.placeCandidates.length} places: a reviewer will choose.`) : null,
      h('div', {}, h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'another-report', onclick: () => reset() }, 'File another')),
    );
    lastAttempt = null;
  }

  function showError(message: string): void {
    error.textContent = message;
    error.hidden = false;
  }

  function reset(): void {
    const t = opts.defaultTime();
    occurredAt.value = toUtcInputValue(t.at);
    occurredPrecision.value = t.precision;
    precisionChosen = false;
    for (const el of [placeInput, killed, killedCivilians, injured, sourceUrl, sourceDescription]) el.value = '';
    text.value = '';
    eventType.value = '';
    locationPrecision.value = 'exact';
    perpetrators.clear();
    targets.clear();
    error.hidden = true;
    done.hidden = true;
    placeList.hidden = true;
    lastAttempt = null;
    setLocation(null);
  }

  const root = h(
    'aside',
    { class: 'report-panel', 'aria-label': 'File a report', 'data-testid': 'report-form' },
    h('div', { class: 'report-head' }, h('h2', {}, 'Report a violation'), h('button', { type: 'button', class: 'btn-icon', 'aria-label': 'Close', 'data-action': 'close-report', onclick: () => opts.onClose() }, '×')),
    h(
      'form',
      { class: 'report-form', novalidate: true, onsubmit: (ev: SubmitEvent) => (ev.preventDefault(), void file()) },
      field('What happened', 'eventType', eventType),
      h('div', { class: 'field' }, h('label', { for: id('occurredAt') }, 'When (UTC)'), h('div', { class: 'field-row' }, occurredAt, occurredPrecision)),
      h('fieldset', { class: 'field rf-where' }, h('legend', {}, 'Where'), locationInfo, h('div', { class: 'field-row' }, h('label', { for: id('locationPrecision'), class: 'small muted' }, 'Precision'), locationPrecision, clearLocation), h('label', { for: id('placeName'), class: 'small muted' }, 'Place name'), h('div', { class: 'place-search' }, placeInput, placeList)),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Perpetrator named'), perpetrators.root),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Party targeted'), targets.root),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Casualties'), h('div', { class: 'rf-casualties' }, h('label', { for: id('killed') }, 'Killed'), killed, h('label', { for: id('killedCivilians') }, 'of them civilians'), killedCivilians, h('label', { for: id('injured') }, 'Injured'), injured)),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Source'), sourceUrl, sourceDescription),
      field('Account', 'text', text),
      error,
      submit,
      done,
    ),
  );
  reset();
  return { root, setLocation: (ll) => setLocation(ll), reset };
}
