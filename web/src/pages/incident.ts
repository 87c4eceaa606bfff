// One incident (#/incident?id=): its reports, each side's claims side by side (one column per
// party), the requests for information and their answers, the determinations and their
// concurrences, its history, and the forms for what the signed-in role may do. The server
// decides; the forms shown are only those the role could be allowed.
import { api, ApiError, errorMessage, withQuery } from '../api.ts';
import { casualtyText, whenText, gradeBadge, partyList, partyNamer, placeOf, statusBadge, type PartyNames } from '../desk/format.ts';
import { CLAIM_RECORDERS, eventTypeLabel, FINDINGS, findingLabel, GRADES, GRADES_OF, LOCATION_PRECISIONS, NEXT_STATUSES, REVIEWERS, SECRETARIAT, STATUSES, statusLabel } from '../desk/labels.ts';
import { partyChecklist, partyOptions } from '../desk/widgets.ts';
import { DESK_TYPES, subscribe } from '../live/stream.ts';
import { addDays } from '../map/days.ts';
import { href, type Route } from '../router.ts';
import { getSession } from '../session.ts';
import type { Determination, Incident, IncidentClaim as Claim, IncidentDetail, IncidentList, IncidentReport, InfoRequest, Party, ReportEnrichment } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import { formatUtc, fromUtcInputValue, humanize, toUtcInputValue } from '../ui/format.ts';
import type { Page } from './page.ts';
import { fetchParties } from './parties.ts';

const isAbort = (e: unknown): boolean => (e as Error | undefined)?.name === 'AbortError';
const MERGERS = ['admin', 'secretariat', 'cochair'];
const DESK = new Set<string>(DESK_TYPES);

/** The problem document's words, with the field it names. */
function problemText(e: unknown): string {
  const p = e instanceof ApiError ? e.problem : null;
  const fields = p?.errors?.map((x) => `${x.field}: ${x.reason}`).join('; ');
  return `${errorMessage(e)}${fields ? ` (${fields})` : p?.field ? ` (${p.field})` : ''}`;
}

interface Terms {
  startsAt: string;
  cochairPartyIds: string[];
}

export async function incidentPage(outlet: HTMLElement, route: Route): Promise<Page> {
  const account = getSession()?.account;
  const role = account?.role ?? 'public';
  const ownParty = account?.partyId ?? null;
  let id = route.params.get('id') ?? '';
  let incident: IncidentDetail | null = null;
  let parties: Party[] = [];
  let name: PartyNames = () => '…';
  let cochairs: string[] = [];
  let ctrl: AbortController | null = null;
  const pageCtrl = new AbortController();

  const root = h('div', { class: 'incident-page', 'data-testid': 'incident-page', 'data-state': 'loading' }, h('div', { class: 'notice muted' }, 'Loading…'));
  replace(outlet, root);

  // ---- helpers for the forms ----
  /** The last action's success, shown again by the form re-rendered after the reload. */
  let flash: { testid: string; text: string; at: number } | null = null;
  const FLASH_MS = 15_000;

  /** Runs an action, shows its outcome in `out`, and reloads the incident. */
  async function act(out: HTMLElement, button: HTMLButtonElement, run: () => Promise<unknown>, ok: string): Promise<boolean> {
    flash = null;
    delete out.dataset.outcome;
    out.hidden = false;
    out.className = 'form-outcome muted';
    out.textContent = 'Sending…';
    button.disabled = true;
    try {
      await run();
      out.className = 'form-outcome ok';
      out.dataset.outcome = 'ok';
      out.textContent = ok;
      flash = { testid: out.dataset.testid ?? '', text: ok, at: Date.now() };
      await load();
      return true;
    } catch (e) {
      out.className = 'form-outcome inline-error';
      out.dataset.outcome = 'error';
      out.textContent = problemText(e);
      return false;
    } finally {
      button.disabled = false;
    }
  }
  const outcome = (testid: string): HTMLElement => {
    const el = h('div', { class: 'form-outcome', role: 'status', 'data-testid': testid, hidden: true });
    if (flash && flash.testid === testid && Date.now() - flash.at < FLASH_MS) {
      el.hidden = false;
      el.className = 'form-outcome ok';
      el.dataset.outcome = 'ok';
      el.textContent = flash.text;
    }
    return el;
  };
  const fid = (s: string): string => `inc-${s}`;
  const labelled = (label: string, forId: string, el: HTMLElement): HTMLElement => h('div', { class: 'field' }, h('label', { for: forId }, label), el);

  // ---- sections ----
  function header(i: IncidentDetail): HTMLElement {
    const [lon, lat] = i.location?.coordinates ?? [];
    const precision = LOCATION_PRECISIONS.find(([k]) => k === i.locationPrecision)?.[1];
    const facts: [string, Node | string][] = [
      ['When (UTC)', whenText(i.occurredFrom, i.occurredTo)],
      ['Where', h('span', {}, placeOf(i), i.pcodes?.adm3?.code ? h('span', { class: 'muted mono small' }, ` ${i.pcodes.adm3.code}`) : null)],
      ['Position', i.location ? h('span', {}, h('a', { href: href('/map', { day: i.occurredFrom.slice(0, 10) }) }, `${lat.toFixed(4)}, ${lon.toFixed(4)}`), precision ? ` (${precision.toLowerCase()})` : '') : 'not yet located'],
      ['Perpetrator named', partyList(i.perpetratorPartyIds, name, 'not named')],
      ['Target', partyList(i.targetPartyIds, name)],
      ['Casualties (highest reported)', casualtyText(i.casualties)],
      ['Reports', String(i.reportCount)],
      ['Published', i.publishedAt ? formatUtc(i.publishedAt) : 'not published'],
    ];
    return h(
      'header',
      { class: 'incident-head' },
      h('a', { href: href('/incidents'), class: 'back-link' }, '← Incidents'),
      h('h1', { class: 'page-title' }, `${eventTypeLabel(i.eventType)}`, h('span', { class: 'muted' }, ` · ${placeOf(i)}`)),
      h('div', { class: 'incident-badges' }, statusBadge(i.status), gradeBadge(i.grade), i.publishedAt ? h('span', { class: 'tag tag-published' }, 'published') : null),
      i.status === 'merged' && i.mergedInto ? h('p', { class: 'notice-inline' }, 'Merged into ', h('a', { href: href('/incident', { id: i.mergedInto }) }, 'another incident'), '.') : null,
      i.reasoning ? h('blockquote', { class: 'reasoning', 'data-testid': 'incident-reasoning' }, i.reasoning) : null,
      h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    );
  }

  /** One column per party with a claim, beside what the reports say. */
  function sides(i: IncidentDetail): HTMLElement {
    const byParty = new Map<string, Claim[]>();
    for (const c of [...i.claims].sort((a, b) => a.claimedAt.localeCompare(b.claimedAt))) byParty.set(c.partyId, [...(byParty.get(c.partyId) ?? []), c]);
    const reportsCol = h(
      'div',
      { class: 'side side-reports', 'data-side': 'reports' },
      h('h3', {}, `Reports (${i.reports.length || i.reportCount})`),
      h('dl', { class: 'side-facts' }, h('dt', {}, 'Perpetrator named'), h('dd', {}, partyList(i.perpetratorPartyIds, name, 'not named')), h('dt', {}, 'Casualties'), h('dd', {}, casualtyText(i.casualties))),
    );
    const cols = [...byParty].map(([partyId, claims]) =>
      h(
        'div',
        { class: 'side', 'data-side': 'party', 'data-party-id': partyId },
        h('h3', {}, name(partyId)),
        claims.map((c) =>
          h(
            'article',
            { class: 'claim', 'data-claim-id': c.id },
            h('div', { class: 'muted small' }, `Claimed ${formatUtc(c.claimedAt)}`),
            h('p', { class: 'claim-text' }, c.text),
            h('dl', { class: 'side-facts' }, h('dt', {}, 'Names as perpetrator'), h('dd', {}, partyList(c.perpetratorPartyIds, name, 'no one')), h('dt', {}, 'Casualties'), h('dd', {}, casualtyText(c.casualties))),
            c.source ? h('div', { class: 'small muted' }, 'Source: ', c.source) : null,
          ),
        ),
      ),
    );
    return h(
      'section',
      { class: 'incident-section', 'data-testid': 'claims' },
      h('h2', {}, 'Each side’s account'),
      cols.length ? null : h('p', { class: 'muted' }, 'No party has made a claim about this incident yet.'),
      h('div', { class: 'sides', style: `--sides: ${cols.length + 1}` }, reportsCol, cols),
    );
  }

  function reportCard(r: IncidentReport, selectable: boolean): HTMLElement {
    const e = (r.enrichment ?? {}) as ReportEnrichment;
    const pick = selectable ? h('input', { type: 'checkbox', name: 'split', value: r.id, 'aria-label': 'Select for a split' }) : null;
    const facts: [string, string][] = [
      ['Occurred', `${formatUtc(r.occurredWindow?.from ?? r.occurredAt)}${r.occurredPrecision && r.occurredPrecision !== 'exact' ? ` (${r.occurredPrecision})` : ''}`],
      ['Place', [...new Set([r.placeName, e.pcodes?.adm3?.name]), r.location ? `${r.location.coordinates[1].toFixed(4)}, ${r.location.coordinates[0].toFixed(4)}` : null].filter(Boolean).join(' · ') || '—'],
      ['Perpetrator named', partyList(r.perpetratorPartyIds, name, 'not named')],
      ['Casualties', casualtyText(r.casualties)],
    ];
    if (e.territory) facts.push(['Held by then', `${name(e.territory.partyId)} (${humanize(e.territory.status).toLowerCase()})`]);
    if (e.nearestSite) facts.push(['Nearest protected site', `${e.nearestSite.name}, ${Math.round(e.nearestSite.distanceM)} m`]);
    if (e.notifiedSiteHit) facts.push(['In a notified site’s buffer', `notified ${formatUtc(e.notifiedSiteHit.notifiedAt)} (leaf ${e.notifiedSiteHit.leafIndex})`]);
    if (r.reporter) facts.push(['Reporter', `${humanize(r.reporter.role)}${r.reporter.partyId ? `, ${name(r.reporter.partyId)}` : ''}${r.reporter.organisation ? `, ${r.reporter.organisation}` : ''}`]);
    return h(
      'article',
      { class: 'report-card', 'data-report-id': r.id },
      h('div', { class: 'report-card-head' }, pick, h('strong', {}, eventTypeLabel(r.eventType)), h('span', { class: 'muted small' }, ` via ${humanize(r.channel).toLowerCase()}, filed ${formatUtc(r.filedAt)}`)),
      r.text ? h('p', { class: 'report-text' }, r.text) : null,
      h('dl', { class: 'side-facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      r.sources?.length ? h('ul', { class: 'sources small' }, r.sources.map((s) => h('li', {}, s.url ? h('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank' }, s.description || s.url) : s.description ?? '', s.sha256 ? h('span', { class: 'mono muted' }, ` sha256 ${s.sha256.slice(0, 12)}…`) : null))) : null,
      e.placeCandidates?.length ? h('div', { class: 'small' }, 'Place candidates: ', e.placeCandidates.map((c) => c.name).join('; ')) : null,
    );
  }

  function reportsSection(i: IncidentDetail): HTMLElement {
    const mayMove = MERGERS.includes(role) && i.status !== 'merged';
    const out = outcome('split-outcome');
    const splitBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'split' }, 'Split the selected into a new incident');
    splitBtn.addEventListener('click', () => {
      const ids = [...section.querySelectorAll<HTMLInputElement>('input[name="split"]:checked')].map((x) => x.value);
      if (!ids.length) {
        out.hidden = false;
        out.className = 'form-outcome inline-error';
        out.textContent = 'Select the reports to move first.';
        return;
      }
      void act(out, splitBtn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/split`, { reportIds: ids }), `Split: ${ids.length} report${ids.length === 1 ? '' : 's'} moved to a new incident.`);
    });
    const section = h(
      'section',
      { class: 'incident-section', 'data-testid': 'reports' },
      h('h2', {}, `Reports (${i.reports.length})`),
      i.reports.length ? i.reports.map((r) => reportCard(r, mayMove && i.reports.length > 1)) : h('p', { class: 'muted' }, 'The reports of this incident are not shown to your role.'),
      mayMove && i.reports.length > 1 ? h('div', { class: 'field-row' }, splitBtn) : null,
      out,
    );
    return section;
  }

  function requestsSection(i: IncidentDetail): HTMLElement {
    const item = (r: InfoRequest): HTMLElement => {
      const mayAnswer = role === 'liaison' && ownParty === r.addressedToPartyId;
      let form: HTMLElement | null = null;
      if (mayAnswer) {
        const text = h('textarea', { name: 'answer', rows: 3, id: fid(`answer-${r.id}`), placeholder: 'The party’s answer' });
        const out = outcome('answer-outcome');
        const btn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'answer' }, 'Send the answer');
        form = h(
          'form',
          {
            class: 'answer-form',
            onsubmit: (ev: SubmitEvent) => {
              ev.preventDefault();
              void act(out, btn, () => api('POST', `/api/v1/requests/${encodeURIComponent(r.id)}/answer`, { text: text.value.trim() }), 'Answer sent.');
            },
          },
          labelled('Answer', fid(`answer-${r.id}`), text),
          btn,
          out,
        );
      }
      return h(
        'article',
        { class: `request${r.overdue ? ' overdue' : ''}`, 'data-request-id': r.id, 'data-overdue': String(r.overdue) },
        h('div', { class: 'request-head' }, h('strong', {}, `To ${name(r.addressedToPartyId)}`), h('span', { class: 'muted small' }, ` asked ${formatUtc(r.askedAt)}, due ${formatUtc(r.dueAt)}`), r.overdue ? h('span', { class: 'tag tag-overdue' }, 'overdue') : null),
        h('p', { class: 'request-q' }, r.question),
        r.answers.length
          ? h('ul', { class: 'answers' }, r.answers.map((a) => h('li', { 'data-answer-id': a.id }, h('div', { class: 'muted small' }, `Answered ${formatUtc(a.answeredAt)}`), h('p', {}, a.text))))
          : h('p', { class: 'muted small' }, 'No answer yet.'),
        form,
      );
    };
    return h('section', { class: 'incident-section', 'data-testid': 'requests' }, h('h2', {}, 'Requests for information'), i.requests.length ? i.requests.map(item) : h('p', { class: 'muted' }, 'None asked.'));
  }

  function determinationsSection(i: IncidentDetail): HTMLElement {
    const list = i.determinations;
    const item = (d: Determination): HTMLElement => {
      const needed = d.cochairPartyIds?.length ? d.cochairPartyIds : cochairs;
      const mayConcur = role === 'cochair' && ownParty && needed.includes(ownParty) && !d.concurredBy.includes(ownParty) && !d.superseded;
      const out = outcome('concur-outcome');
      const btn = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'concur' }, `Concur for ${name(ownParty ?? '')}`);
      btn.addEventListener('click', () => void act(out, btn, () => api('POST', `/api/v1/determinations/${encodeURIComponent(d.id)}/concur`, {}), 'Concurrence recorded.'));
      return h(
        'article',
        { class: `determination${d.standing ? ' standing' : ''}`, 'data-determination-id': d.id, 'data-standing': String(d.standing) },
        h('div', { class: 'request-head' }, h('strong', {}, findingLabel(d.finding)), d.violatorPartyIds.length ? ` by ${partyList(d.violatorPartyIds, name)}` : '', h('span', { class: `tag ${d.standing ? 'tag-standing' : 'tag-pending'}` }, d.standing ? 'stands' : 'awaiting concurrence')),
        d.reasoning ? h('p', {}, d.reasoning) : null,
        h('ul', { class: 'concurrences' }, needed.map((p) => h('li', { 'data-party-id': p, 'data-concurred': String(d.concurredBy.includes(p)) }, d.concurredBy.includes(p) ? '✓ ' : '… ', name(p), d.concurredBy.includes(p) ? ' concurred' : ' has not concurred'))),
        mayConcur ? h('div', {}, btn, out) : null,
      );
    };
    return h('section', { class: 'incident-section', 'data-testid': 'determinations' }, h('h2', {}, 'Determination'), list.length ? list.map(item) : h('p', { class: 'muted' }, 'None proposed.'));
  }

  function historySection(i: IncidentDetail): HTMLElement {
    return h(
      'section',
      { class: 'incident-section', 'data-testid': 'history' },
      h('h2', {}, 'History'),
      i.history.length
        ? h('ol', { class: 'history' }, i.history.map((e) => h('li', { 'data-type': e.type }, h('span', { class: 'mono small' }, formatUtc(e.at)), ' ', h('strong', {}, humanize(e.type)), e.status ? ` → ${statusLabel(e.status)}` : '', e.grade ? ` (${e.grade})` : '', e.reasoning ? h('div', { class: 'small' }, e.reasoning) : null)))
        : h('p', { class: 'muted' }, 'Nothing recorded yet.'),
    );
  }

  // ---- the action forms ----
  function reviewForm(i: IncidentDetail): HTMLElement {
    // Only the steps the review allows from here, and only the grades that fit the status chosen.
    const next = NEXT_STATUSES[i.status] ?? [];
    const status = h('select', { name: 'status', id: fid('status') }, STATUSES.filter(([s]) => next.includes(s)).map(([v, l]) => h('option', { value: v }, l)));
    const grade = h('select', { name: 'grade', id: fid('grade') });
    const gradeHint = h('p', { class: 'muted small grade-hint' });
    const hint = (): void =>
      void (gradeHint.textContent = GRADES.find(([g]) => g === grade.value)?.[2] ?? (status.value === 'under_review' ? 'Graded when the review decides.' : ''));
    const grades = (): void => {
      const fits = GRADES_OF[status.value] ?? [];
      replace(grade, fits.length ? GRADES.filter(([g]) => fits.includes(g)).map(([v, l]) => h('option', { value: v }, l)) : h('option', { value: '' }, 'No grade yet'));
      grade.disabled = !fits.length;
      hint();
    };
    status.addEventListener('change', grades);
    grade.addEventListener('change', hint);
    grades();
    const reasoning = h('textarea', { name: 'reasoning', id: fid('reasoning'), rows: 4, placeholder: 'Why: the sources, what agrees and what does not' });
    const out = outcome('review-outcome');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'review' }, 'Record the review');
    return h(
      'form',
      {
        class: 'action-form',
        'data-testid': 'review-form',
        onsubmit: (ev: SubmitEvent) => {
          ev.preventDefault();
          void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/review`, { status: status.value, ...(grade.value ? { grade: grade.value } : {}), reasoning: reasoning.value.trim() }), 'Review recorded.');
        },
      },
      h('h3', {}, 'Review'),
      labelled('Status', fid('status'), status),
      labelled('Grade', fid('grade'), grade),
      gradeHint,
      labelled('Reasoning', fid('reasoning'), reasoning),
      btn,
      out,
    );
  }

  function claimForm(i: IncidentDetail): HTMLElement {
    const own = role === 'liaison' ? ownParty : null;
    const party = h('select', { name: 'partyId', id: fid('claim-party'), disabled: Boolean(own) }, partyOptions(own ? parties.filter((p) => p.id === own) : parties, own ? undefined : 'Which party claims…'));
    if (own) party.value = own;
    const at = h('input', { type: 'datetime-local', name: 'claimedAt', id: fid('claim-at'), step: '60', value: toUtcInputValue(new Date()) });
    const text = h('textarea', { name: 'text', id: fid('claim-text'), rows: 3, placeholder: 'What the party says happened' });
    const names = partyChecklist('claim-perpetrators', () => parties);
    const killed = h('input', { type: 'number', name: 'killed', id: fid('claim-killed'), min: '0', step: '1', class: 'input-num', placeholder: 'killed' });
    const source = h('input', { type: 'text', name: 'source', id: fid('claim-source'), placeholder: 'e.g. ministry statement, press conference' });
    const out = outcome('claim-outcome');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'add-claim' }, 'Record the claim');
    return h(
      'form',
      {
        class: 'action-form',
        'data-testid': 'claim-form',
        onsubmit: (ev: SubmitEvent) => {
          ev.preventDefault();
          const when = fromUtcInputValue(at.value);
          const body = {
            partyId: party.value,
            claimedAt: when ? when.toISOString() : at.value,
            text: text.value.trim(),
            ...(names.value().length ? { perpetratorPartyIds: names.value() } : {}),
            ...(killed.value.trim() ? { casualties: { killed: { best: Number(killed.value) } } } : {}),
            ...(source.value.trim() ? { source: source.value.trim() } : {}),
          };
          void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/claims`, body), 'Claim recorded.');
        },
      },
      h('h3', {}, 'Add a claim'),
      labelled('Party', fid('claim-party'), party),
      labelled('Claimed at (UTC)', fid('claim-at'), at),
      labelled('What it says', fid('claim-text'), text),
      h('fieldset', { class: 'field' }, h('legend', {}, 'It names as perpetrator'), names.root),
      labelled('Killed, by its count', fid('claim-killed'), killed),
      labelled('Source', fid('claim-source'), source),
      btn,
      out,
    );
  }

  function requestForm(i: IncidentDetail): HTMLElement {
    const party = h('select', { name: 'addressedToPartyId', id: fid('rq-party') }, partyOptions(parties, 'Ask which party…'));
    const question = h('textarea', { name: 'question', id: fid('rq-question'), rows: 3, placeholder: 'What the task force needs to know' });
    const due = h('input', { type: 'datetime-local', name: 'dueAt', id: fid('rq-due'), step: '60', value: toUtcInputValue(addDays(new Date(), 3)) });
    const out = outcome('request-outcome');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'ask' }, 'Ask');
    return h(
      'form',
      {
        class: 'action-form',
        'data-testid': 'request-form',
        onsubmit: (ev: SubmitEvent) => {
          ev.preventDefault();
          const when = fromUtcInputValue(due.value);
          void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/requests`, { addressedToPartyId: party.value, question: question.value.trim(), dueAt: when ? when.toISOString() : due.value }), 'Request sent.');
        },
      },
      h('h3', {}, 'Request information'),
      labelled('Addressed to', fid('rq-party'), party),
      labelled('Question', fid('rq-question'), question),
      labelled('Due (UTC)', fid('rq-due'), due),
      btn,
      out,
    );
  }

  function determinationForm(i: IncidentDetail): HTMLElement {
    const finding = h('select', { name: 'finding', id: fid('det-finding') }, FINDINGS.map(([v, l]) => h('option', { value: v }, l)));
    const violators = partyChecklist('violators', () => parties);
    const reasoning = h('textarea', { name: 'reasoning', id: fid('det-reasoning'), rows: 4 });
    const out = outcome('determination-outcome');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-action': 'propose' }, 'Propose');
    return h(
      'form',
      {
        class: 'action-form',
        'data-testid': 'determination-form',
        onsubmit: (ev: SubmitEvent) => {
          ev.preventDefault();
          const body = { finding: finding.value, ...(finding.value === 'violation' ? { violatorPartyIds: violators.value() } : {}), reasoning: reasoning.value.trim() };
          void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/determinations`, body), 'Determination proposed; your co-chair party concurs with it.');
        },
      },
      h('h3', {}, 'Propose a determination'),
      labelled('Finding', fid('det-finding'), finding),
      h('fieldset', { class: 'field' }, h('legend', {}, 'Violated by (for a violation)'), violators.root),
      labelled('Reasoning', fid('det-reasoning'), reasoning),
      btn,
      out,
    );
  }

  function publishForm(i: IncidentDetail): HTMLElement {
    const out = outcome('publish-outcome');
    const btn = h('button', { type: 'button', class: 'btn btn-block', 'data-action': 'publish' }, 'Publish');
    btn.addEventListener('click', () => void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/publish`, {}), 'Published: analysts and the public now see it.'));
    return h('div', { class: 'action-form' }, h('h3', {}, 'Publication'), h('p', { class: 'muted small' }, 'Analysts and the public see an incident only once it is published; never reporters or the reports’ text.'), btn, out);
  }

  function mergeForm(i: IncidentDetail): HTMLElement {
    const list = h('div', { class: 'merge-candidates', 'data-testid': 'merge-candidates' }, h('span', { class: 'muted small' }, 'Looking for incidents of the same type within three days…'));
    const out = outcome('merge-outcome');
    const btn = h('button', { type: 'button', class: 'btn btn-block', 'data-action': 'merge' }, 'Merge the selected into this one');
    btn.addEventListener('click', () => {
      const ids = [...list.querySelectorAll<HTMLInputElement>('input[name="merge"]:checked')].map((x) => x.value);
      if (!ids.length) {
        out.hidden = false;
        out.className = 'form-outcome inline-error';
        out.textContent = 'Select the incidents to merge first.';
        return;
      }
      void act(out, btn, () => api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/merge`, { incidentIds: ids }), `Merged ${ids.length} incident${ids.length === 1 ? '' : 's'} into this one.`);
    });
    void (async () => {
      try {
        const res = await api<IncidentList>(
          'GET',
          withQuery('/api/v1/incidents', { type: i.eventType, from: addDays(new Date(i.occurredFrom), -3).toISOString(), to: addDays(new Date(i.occurredTo), 3).toISOString(), limit: 50 }),
          undefined,
          { signal: pageCtrl.signal },
        );
        const others = res.items.filter((x: Incident) => x.id !== i.id && x.status !== 'merged');
        replace(
          list,
          others.length
            ? others.map((x) => h('label', { class: 'check merge-candidate', 'data-incident-id': x.id }, h('input', { type: 'checkbox', name: 'merge', value: x.id }), h('span', {}, `${formatUtc(x.occurredFrom)} · ${placeOf(x)} · ${x.reportCount} report${x.reportCount === 1 ? '' : 's'} `, h('a', { href: href('/incident', { id: x.id }) }, 'open'))))
            : h('span', { class: 'muted small' }, 'No other incident of this type within three days.'),
        );
      } catch (e) {
        if (!isAbort(e)) replace(list, h('span', { class: 'inline-error' }, problemText(e)));
      }
    })();
    return h('div', { class: 'action-form', 'data-testid': 'merge-form' }, h('h3', {}, 'Merge'), h('p', { class: 'muted small' }, 'Reports of the same event filed apart: their reports join this incident, and grouping never moves them back.'), list, btn, out);
  }

  function actions(i: IncidentDetail): HTMLElement | null {
    if (i.status === 'merged') return null;
    const forms: HTMLElement[] = [];
    if (REVIEWERS.includes(role) && (NEXT_STATUSES[i.status] ?? []).length) forms.push(reviewForm(i));
    if (CLAIM_RECORDERS.includes(role) && (role !== 'liaison' || ownParty)) forms.push(claimForm(i));
    if (SECRETARIAT.includes(role)) forms.push(requestForm(i));
    if (role === 'cochair') forms.push(determinationForm(i));
    if (SECRETARIAT.includes(role) && !i.publishedAt) forms.push(publishForm(i));
    if (MERGERS.includes(role)) forms.push(mergeForm(i));
    if (!forms.length) return null;
    return h('aside', { class: 'incident-actions', 'aria-label': 'Actions', 'data-testid': 'incident-actions' }, forms);
  }

  function render(): void {
    const i = incident!;
    const side = actions(i);
    root.dataset.status = i.status;
    root.dataset.incidentId = i.id;
    root.dataset.reportCount = String(i.reportCount);
    replace(
      root,
      h('div', { class: `incident-layout${side ? '' : ' no-actions'}` }, h('div', { class: 'incident-main' }, header(i), sides(i), reportsSection(i), requestsSection(i), determinationsSection(i), historySection(i)), side),
    );
  }

  async function load(): Promise<void> {
    ctrl?.abort();
    const c = (ctrl = new AbortController());
    try {
      const next = await api<IncidentDetail>('GET', `/api/v1/incidents/${encodeURIComponent(id)}`, undefined, { signal: c.signal });
      if (c.signal.aborted) return;
      // Keep what the user is typing: re-render only the parts outside the forms when one is in use.
      const typing = root.contains(document.activeElement) && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? '');
      incident = next;
      if (typing) {
        const main = root.querySelector('.incident-main');
        if (main) {
          replace(main, header(next), sides(next), reportsSection(next), requestsSection(next), determinationsSection(next), historySection(next));
          root.dataset.status = next.status;
          root.dataset.reportCount = String(next.reportCount);
        } else render();
      } else render();
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      root.dataset.state = 'failed';
      const gone = e instanceof ApiError && e.status === 404;
      replace(root, h('div', { class: 'notice' }, h('h1', {}, gone ? 'No such incident' : 'The incident could not be loaded'), h('p', {}, gone ? 'It does not exist, or your role may not see it.' : problemText(e)), h('p', {}, h('a', { href: href('/incidents') }, 'Back to the incidents'))));
    }
  }

  // Live: anything the desk writes may concern this incident; reload once the burst settles.
  let reloadTimer = 0;
  const unsubscribe = subscribe((ev, type) => {
    if (ev.incident ? ev.incident.id !== id : !DESK.has(type)) return;
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => {
      root.dataset.liveUpdates = String(Number(root.dataset.liveUpdates ?? 0) + 1);
      void load();
    }, 300);
  });

  const [partyList_, terms] = await Promise.all([
    fetchParties(new Date(), pageCtrl.signal).catch(() => [] as Party[]),
    api<{ items: Terms[] }>('GET', withQuery('/api/v1/terms', { limit: 100 }), undefined, { signal: pageCtrl.signal }).catch(() => ({ items: [] as Terms[] })),
  ]);
  parties = partyList_;
  name = partyNamer(parties);
  // The co-chairs of the latest terms: whose concurrence a determination needs.
  cochairs = [...terms.items].sort((a, b) => b.startsAt.localeCompare(a.startsAt))[0]?.cochairPartyIds ?? [];
  await load();

  return {
    update(r) {
      const next = r.params.get('id') ?? '';
      if (next !== id) {
        id = next;
        void load();
      }
    },
    destroy() {
      ctrl?.abort();
      pageCtrl.abort();
      window.clearTimeout(reloadTimer);
      unsubscribe();
    },
  };
}
