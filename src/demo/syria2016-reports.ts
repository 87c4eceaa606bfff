// ILLUSTRATIVE reports and claims for the first week of the cessation (27 February – 5 March
// 2016): accusations and denials between the demo parties, a shelling across the Turkish border,
// a strike near a notified demo site, requests for information, determinations. Invented to show
// the desk at work: they are not real reports, real casualty figures or real statements of any
// party. Every report's text starts "[Illustrative]" and its source says so.
//
// Filed through intake (enrichment and grouping as for any report), by demo reporter accounts
// that have no usable credential; then reviewed, claimed, asked, determined and published through
// the desk's rules. The desk's own steps are dated when the demo is loaded; reports, claims,
// requests and answers carry their 2016 times.
import { createServiceToken } from '../auth/service.ts';
import type { Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { enricherFor } from '../incidents/enrich.ts';
import { fileReports, prepareAll, type Reporter } from '../incidents/intake.ts';
import { hasReportWithSource } from '../incidents/lookup.ts';
import type { ReportCreate } from '../incidents/report-schemas.ts';
import { addClaim, answer, concur, propose, publish, requestInfo, review } from '../incidents/service.ts';
import { SYSTEM, write, type Actor, type Writer } from '../ledger/ledger.ts';
import { DEMO_PARTIES } from './syria2016.ts';

const id = (key: string) => DEMO_PARTIES.find((p) => p.key === key)!.id;

/** Every demo report names this source: how a reader (and a second load) knows it is illustrative. */
export const DEMO_REPORT_SOURCE = 'Illustrative demo data of truce: not a real report';
const SOURCES = [{ description: DEMO_REPORT_SOURCE }];

/** The demo's reporters and desk officers; their tokens' clear values are never kept, so nobody can use them. */
const PEOPLE: Record<string, { name: string; role: Role; party?: string; organisation?: string }> = {
  monitor: { name: 'Demo field monitor (illustrative)', role: 'monitor' },
  jai: { name: 'Demo liaison of Jaysh al-Islam (illustrative)', role: 'liaison', party: 'jai' },
  saaf: { name: 'Demo liaison of the Syrian Arab Armed Forces (illustrative)', role: 'liaison', party: 'saaf' },
  sdf: { name: 'Demo liaison of the Syrian Democratic Forces (illustrative)', role: 'liaison', party: 'sdf' },
  fsa: { name: 'Demo liaison of the Southern Front (illustrative)', role: 'liaison', party: 'fsa' },
  agency: { name: 'Demo medical NGO (illustrative)', role: 'agency', organisation: 'Demo medical NGO' },
  usa: { name: 'Demo US co-chair officer (illustrative)', role: 'cochair', party: 'usa' },
  rus: { name: 'Demo Russian co-chair officer (illustrative)', role: 'cochair', party: 'rus' },
};
type Who = keyof typeof PEOPLE;

interface DemoReport {
  by: Who;
  body: Omit<ReportCreate, 'sources'>;
}

interface DemoIncident {
  key: string;
  reports: DemoReport[];
  claims?: { party: string; at: string; text: string; blames?: string[]; killed?: number; by?: Who; source: string }[];
  review?: { status: 'under_review' | 'verified' | 'unverified' | 'disputed' | 'discounted'; grade?: 'confirmed' | 'fair' | 'weak' | 'contested' | 'discounted'; reasoning: string };
  request?: { to: string; question: string; asked: string; due: string; answer?: { by: Who; at: string; text: string } };
  determination?: { by: Who; finding: 'violation' | 'no_violation' | 'inconclusive'; violators?: string[]; reasoning: string; concurredBy?: Who };
  publish?: boolean;
}

const report = (by: Who, body: DemoReport['body']): DemoReport => ({ by, body });
const point = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] });

export const DEMO_INCIDENTS: DemoIncident[] = [
  {
    // an accusation and a denial, reviewed as disputed, asked about and answered, published
    key: 'douma-shelling',
    reports: [
      report('jai', {
        channel: 'hotline',
        occurredAt: '2016-02-27T09:40:00.000Z',
        location: point(36.4012, 33.5745),
        eventType: 'shelling',
        perpetratorPartyIds: [id('saaf')],
        targetPartyIds: [id('jai')],
        casualties: { killed: { best: 2, civilians: 2 }, injured: { best: 7 } },
        text: '[Illustrative] Artillery shells struck a residential street in Douma on the first morning of the cessation.',
      }),
      report('monitor', {
        channel: 'web',
        occurredAt: '2016-02-27T10:15:00.000Z',
        location: point(36.4031, 33.5738),
        eventType: 'shelling',
        perpetratorPartyIds: [id('saaf')],
        targetPartyIds: [id('jai')],
        casualties: { killed: { best: 3, low: 2, high: 4, civilians: 3 } },
        text: '[Illustrative] Impact craters seen in the Douma market area; the direction of fire points to positions to the west.',
      }),
    ],
    claims: [
      { party: 'jai', at: '2016-02-27T13:00:00.000Z', text: '[Illustrative] Government artillery shelled Douma hours into the cessation.', blames: ['saaf'], killed: 3, by: 'jai', source: 'Statement to the hotline' },
      { party: 'saaf', at: '2016-02-27T18:00:00.000Z', text: '[Illustrative] Our units returned fire on a mortar position that had fired first; no residential area was targeted.', by: 'saaf', source: 'Statement to the task force' },
    ],
    review: { status: 'disputed', grade: 'contested', reasoning: 'Two accounts of who fired first; the impacts are confirmed by a monitor.' },
    request: {
      to: 'saaf',
      question: 'Which units fired on Douma on the morning of 27 February, at what, and on whose order?',
      asked: '2016-02-28T08:00:00.000Z',
      due: '2016-03-02T08:00:00.000Z',
      answer: { by: 'saaf', at: '2016-03-01T16:00:00.000Z', text: '[Illustrative] A battery returned fire on a mortar team at the edge of Douma; the coordinates are attached to the original record.' },
    },
    publish: true,
  },
  {
    // a strike near the notified Douma field hospital (demo site), reported by an agency; the
    // request to the suspected party is past due and unanswered (GET /requests?overdue=true)
    key: 'douma-hospital-strike',
    reports: [
      report('agency', {
        channel: 'api',
        occurredAt: '2016-02-29T11:20:00.000Z',
        location: point(36.4071, 33.5722),
        eventType: 'airstrike',
        perpetratorPartyIds: [id('vks')],
        targetPartyIds: [id('jai')],
        casualties: { killed: { best: 1, civilians: 1 }, injured: { best: 6, civilians: 6 } },
        text: '[Illustrative] An airstrike hit about 300 m from our field hospital; patients were moved to the basement.',
      }),
    ],
    claims: [
      { party: 'rus', at: '2016-02-29T17:00:00.000Z', text: '[Illustrative] No Russian aircraft flew over Eastern Ghouta on 29 February.', source: 'Ministry briefing' },
    ],
    review: { status: 'under_review', reasoning: 'Near a notified site: the desk asks the suspected party before grading.' },
    request: { to: 'vks', question: 'Did any of your aircraft operate over Douma between 11:00 and 12:00 on 29 February?', asked: '2016-03-01T09:00:00.000Z', due: '2016-03-04T09:00:00.000Z' },
  },
  {
    // shelling across the Turkish border onto the Syrian Democratic Forces near Afrin; a
    // proposed determination waits for the other co-chair
    key: 'afrin-cross-border',
    reports: [
      report('sdf', {
        channel: 'hotline',
        occurredAt: '2016-02-29T06:30:00.000Z',
        location: point(36.87, 36.51),
        eventType: 'cross_border_fire',
        perpetratorPartyIds: [id('tsk')],
        targetPartyIds: [id('sdf')],
        casualties: { injured: { best: 4 } },
        text: '[Illustrative] Artillery fire from across the Turkish border hit our positions near Afrin at dawn.',
      }),
      report('monitor', {
        channel: 'open_source',
        occurredAt: '2016-02-29T07:00:00.000Z',
        location: point(36.872, 36.515),
        eventType: 'cross_border_fire',
        perpetratorPartyIds: [id('tsk')],
        targetPartyIds: [id('sdf')],
        text: '[Illustrative] Local media show shell impacts near Afrin; the launch site is reported north of the border.',
      }),
    ],
    claims: [
      { party: 'sdf', at: '2016-02-29T09:00:00.000Z', text: '[Illustrative] Turkish artillery shelled our positions in violation of the cessation.', blames: ['tsk'], by: 'sdf', source: 'Statement' },
      { party: 'tsk', at: '2016-02-29T12:00:00.000Z', text: '[Illustrative] Our forces responded, under the rules of engagement, to fire from across the border.', source: 'Press release' },
    ],
    review: { status: 'verified', grade: 'fair', reasoning: 'Two independent sources place the fire from across the border.' },
    determination: { by: 'rus', finding: 'violation', violators: ['tsk'], reasoning: 'Cross-border fire on a party that accepted the cessation.' },
  },
  {
    // a party says its targets were a designated group; published as disputed
    key: 'idleb-ground-attack',
    reports: [
      report('fsa', {
        channel: 'hotline',
        occurredAt: '2016-03-02T14:00:00.000Z',
        location: point(36.38, 35.82),
        eventType: 'ground_attack',
        perpetratorPartyIds: [id('saaf')],
        targetPartyIds: [id('fsa')],
        casualties: { killed: { best: 5 } },
        text: '[Illustrative] Government forces advanced on our positions south of Jisr al-Shughour.',
      }),
    ],
    claims: [
      { party: 'fsa', at: '2016-03-02T16:00:00.000Z', text: '[Illustrative] An offensive on a committed party, under cover of the cessation.', blames: ['saaf'], by: 'fsa', source: 'Statement' },
      { party: 'saaf', at: '2016-03-02T20:00:00.000Z', text: '[Illustrative] The operation targeted Jabhat al-Nusra, which the cessation excludes.', by: 'saaf', source: 'Statement' },
    ],
    review: { status: 'disputed', grade: 'contested', reasoning: 'Committed and designated groups are intermingled here; each side names the other’s target.' },
    publish: true,
  },
  {
    // aid denied to a besieged town, reported by an agency; one source
    key: 'darayya-aid-denial',
    reports: [
      report('agency', {
        channel: 'api',
        occurredAt: '2016-03-03T08:00:00.000Z',
        location: point(36.2357, 33.4586),
        eventType: 'siege_or_aid_denial',
        perpetratorPartyIds: [id('saaf')],
        text: '[Illustrative] A convoy with medical supplies was turned back at the checkpoint outside Darayya.',
      }),
    ],
    claims: [{ party: 'saaf', at: '2016-03-03T15:00:00.000Z', text: '[Illustrative] The convoy lacked the required clearance for the route.', by: 'saaf', source: 'Statement' }],
    review: { status: 'unverified', grade: 'weak', reasoning: 'A single source so far.' },
    publish: true,
  },
  {
    // a strike on a designated group: no violation, determined by both co-chairs, published
    key: 'raqqa-airstrike',
    reports: [
      report('monitor', {
        channel: 'open_source',
        occurredAt: '2016-03-04T21:00:00.000Z',
        location: point(39.01, 35.95),
        eventType: 'airstrike',
        perpetratorPartyIds: [id('cjtf')],
        targetPartyIds: [id('isil')],
        text: '[Illustrative] Coalition aircraft struck ISIL positions on the edge of Raqqa.',
      }),
    ],
    review: { status: 'verified', grade: 'confirmed', reasoning: 'The coalition announced the strike.' },
    determination: { by: 'usa', finding: 'no_violation', reasoning: 'ISIL is designated by the UN Security Council and excluded from the cessation.', concurredBy: 'rus' },
    publish: true,
  },
  {
    // new in the inbox: not yet reviewed
    key: 'aleppo-shelling',
    reports: [
      report('sdf', {
        channel: 'hotline',
        occurredAt: '2016-03-05T17:30:00.000Z',
        location: point(37.16, 36.23),
        eventType: 'shelling',
        perpetratorPartyIds: [id('ahrar')],
        targetPartyIds: [id('sdf')],
        casualties: { killed: { best: 1 }, injured: { best: 3 } },
        text: '[Illustrative] Mortar rounds fell on the Sheikh Maqsoud neighbourhood of Aleppo.',
      }),
    ],
    claims: [{ party: 'sdf', at: '2016-03-05T19:00:00.000Z', text: '[Illustrative] Armed groups shelled Sheikh Maqsoud.', blames: ['ahrar'], by: 'sdf', source: 'Statement' }],
  },
];

/** A writer whose leaves and rows name another actor (a demo officer) within the demo's transaction. */
const as = (w: Writer, actor: Actor): Writer => ({ q: w.q, actor, record: (a, t, e) => w.record(a, t, e, actor) });

/** Loads the illustrative reports once, after the demo map (a second run finds them and writes nothing). */
export async function seedDemoReports(db: Db, config: Config): Promise<{ created: boolean }> {
  const enricher = enricherFor(db, config);
  const settings = { distanceM: config.groupDistanceM, gapMs: config.groupGapH * 3_600_000 };
  return write(
    db,
    SYSTEM,
    async (w) => {
      if (await hasReportWithSource(w.q, DEMO_REPORT_SOURCE)) return { created: false };
      const people = {} as Record<Who, Actor & Reporter>;
      for (const [key, p] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
        const { info } = await createServiceToken(w, { name: p.name, role: p.role, partyId: p.party ? id(p.party) : undefined, organisation: p.organisation });
        people[key] = { accountId: info.accountId, role: p.role, partyId: p.party ? id(p.party) : null, organisation: p.organisation ?? null };
      }
      const desk = as(w, people.monitor);
      for (const inc of DEMO_INCIDENTS) {
        let incidentId: string | null = null;
        for (const r of inc.reports) {
          const [outcome] = await prepareAll(w.q, [{ ...r.body, sources: SOURCES } as ReportCreate], enricher, people[r.by]);
          if (!outcome.ok) throw new Error(`demo report of ${inc.key}: ${outcome.rejection.detail}`);
          const [filed] = await fileReports(as(w, people[r.by]), [outcome], settings);
          if (!filed.ok) throw new Error(`demo report of ${inc.key}: ${filed.rejection.detail}`);
          incidentId ??= filed.row.incidentId;
        }
        const iid = incidentId!;
        for (const c of inc.claims ?? []) {
          await addClaim(as(w, c.by ? people[c.by] : SYSTEM), iid, {
            partyId: id(c.party),
            claimedAt: c.at,
            text: c.text,
            perpetratorPartyIds: (c.blames ?? []).map(id),
            casualties: c.killed ? { killed: { best: c.killed } } : undefined,
            source: c.source,
          });
        }
        if (inc.review) {
          await review(desk, iid, { status: 'under_review', reasoning: 'Opened by the demo monitor.' });
          if (inc.review.status !== 'under_review') await review(desk, iid, inc.review);
        }
        if (inc.request) {
          const x = inc.request;
          const req = await requestInfo(w, iid, { addressedToPartyId: id(x.to), question: x.question, dueAt: x.due }, new Date(x.asked));
          if (x.answer) await answer(as(w, people[x.answer.by]), req.id, x.answer.text, new Date(x.answer.at));
        }
        if (inc.determination) {
          const d = inc.determination;
          const proposal = await propose(as(w, people[d.by]), iid, { finding: d.finding, violatorPartyIds: (d.violators ?? []).map(id), reasoning: d.reasoning });
          if (d.concurredBy) await concur(as(w, people[d.concurredBy]), proposal.id);
        }
        if (inc.publish) await publish(w, iid);
      }
      return { created: true };
    },
    { allowEmpty: true },
  );
}
