// Who sees what, for every role in every situation. Pure, no database.
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles.ts';
import {
  incidentScope,
  readsIncidentEventRow,
  reportView,
  seesActors,
  seesClaim,
  seesDetermination,
  seesRequest,
  type IncidentFacts,
  type ReportFacts,
  type Viewer,
} from './visibility.ts';

const OURS = 'party-ours'; // the liaison's party (and the agency's organisation is "Org A")
const THEIRS = 'party-theirs';
const ME = 'account-me';

const viewer = (role: Role): Viewer => ({
  role,
  accountId: ME,
  partyId: role === 'liaison' || role === 'cochair' ? OURS : null,
  organisation: role === 'agency' ? 'Org A' : null,
});

const incident = (o: Partial<IncidentFacts> = {}): IncidentFacts => ({ publishedAt: null, perpetratorPartyIds: [THEIRS], targetPartyIds: [], requestedPartyIds: [], ...o });
const SITUATIONS: Record<string, IncidentFacts> = {
  'unpublished, about others': incident(),
  'unpublished, our party the perpetrator': incident({ perpetratorPartyIds: [OURS] }),
  'unpublished, our party the target': incident({ targetPartyIds: [OURS] }),
  'unpublished, our party asked for information': incident({ requestedPartyIds: [OURS] }),
  'published, about others': incident({ publishedAt: new Date() }),
  'published, our party named': incident({ publishedAt: new Date(), targetPartyIds: [OURS] }),
};

// What each role sees of an incident in each situation: '-' nothing (404), 'desk', 'pub' the
// published record, 'party' what its party is owed, 'pub+party' both.
const EXPECTED: Record<string, Record<Role, string>> = {
  'unpublished, about others': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: '-', agency: '-', analyst: '-', public: '-' },
  'unpublished, our party the perpetrator': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: 'party', agency: '-', analyst: '-', public: '-' },
  'unpublished, our party the target': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: 'party', agency: '-', analyst: '-', public: '-' },
  'unpublished, our party asked for information': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: 'party', agency: '-', analyst: '-', public: '-' },
  'published, about others': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: 'pub', agency: 'pub', analyst: 'pub', public: 'pub' },
  'published, our party named': { admin: 'desk', cochair: 'desk', secretariat: 'desk', monitor: 'desk', liaison: 'pub+party', agency: 'pub', analyst: 'pub', public: 'pub' },
};

const label = (v: Viewer, i: IncidentFacts) => {
  const s = incidentScope(v, i);
  if (!s) return '-';
  if (s.desk) return 'desk';
  return [s.published && 'pub', s.party && 'party'].filter(Boolean).join('+');
};

const cases = Object.keys(SITUATIONS).flatMap((sit) => ROLES.map((role) => [sit, role] as const));

describe('incidentScope', () => {
  it.each(cases)('%s, as %s', (sit, role) => {
    expect(label(viewer(role), SITUATIONS[sit])).toBe(EXPECTED[sit][role]);
  });
});

// Reports: whose, and in which situation. 'full' (the parts report-access.ts gives), 'redacted' (no reporter, text, sources or site), '-'.
const rep = (o: Partial<ReportFacts>): ReportFacts => ({ reporterId: 'other-account', reporterPartyId: null, reporterOrganisation: null, nearestSite: null, notifiedSiteHit: null, ...o });
const REPORTS: Record<string, ReportFacts> = {
  'my own': rep({ reporterId: ME }),
  'our party’s': rep({ reporterPartyId: OURS }),
  'our organisation’s': rep({ reporterOrganisation: 'Org A' }),
  'hitting our organisation’s site': rep({ reporterPartyId: THEIRS, reporterOrganisation: 'Org B', notifiedSiteHit: { organisation: 'Org A', notifiedBy: 'someone' } }),
  'someone else’s': rep({ reporterPartyId: THEIRS, reporterOrganisation: 'Org B' }),
};

const REPORT_EXPECTED: Record<string, Record<string, Record<Role, string>>> = {
  'unpublished, our party the target': {
    'my own': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'full', agency: 'full', analyst: 'full', public: 'full' },
    'our party’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'full', agency: '-', analyst: '-', public: '-' },
    'our organisation’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: '-', agency: 'full', analyst: '-', public: '-' },
    'hitting our organisation’s site': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: '-', agency: 'full', analyst: '-', public: '-' },
    'someone else’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: '-', agency: '-', analyst: '-', public: '-' },
  },
  'published, about others': {
    'my own': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'full', agency: 'full', analyst: 'full', public: 'full' },
    'our party’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'full', agency: 'redacted', analyst: 'redacted', public: 'redacted' },
    'our organisation’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'redacted', agency: 'full', analyst: 'redacted', public: 'redacted' },
    'hitting our organisation’s site': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'redacted', agency: 'full', analyst: 'redacted', public: 'redacted' },
    'someone else’s': { admin: 'full', cochair: 'full', secretariat: 'full', monitor: 'full', liaison: 'redacted', agency: 'redacted', analyst: 'redacted', public: 'redacted' },
  },
};

describe('reportView', () => {
  const rcases = Object.entries(REPORT_EXPECTED).flatMap(([sit, byReport]) => Object.keys(byReport).flatMap((rep) => ROLES.map((role) => [sit, rep, role] as const)));
  it.each(rcases)('%s: %s report, as %s', (sit, rep, role) => {
    const v = viewer(role);
    expect(reportView(v, REPORTS[rep], incidentScope(v, SITUATIONS[sit])) ?? '-').toBe(REPORT_EXPECTED[sit][rep][role]);
  });
});

describe('claims, requests, determinations, actors', () => {
  // [situation, what] → roles that see it
  it.each<[string, 'our claim' | 'their claim' | 'request to us' | 'request to them' | 'open proposal' | 'standing determination' | 'who reviewed' | 'event row', Role[]]>([
    ['unpublished, about others', 'their claim', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['unpublished, our party the target', 'our claim', ['admin', 'cochair', 'secretariat', 'monitor', 'liaison']],
    ['unpublished, our party the target', 'their claim', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['unpublished, our party asked for information', 'request to us', ['admin', 'cochair', 'secretariat', 'monitor', 'liaison']],
    ['unpublished, our party the target', 'request to them', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['published, about others', 'their claim', ROLES as unknown as Role[]],
    ['published, about others', 'request to them', ROLES as unknown as Role[]],
    ['unpublished, our party the target', 'open proposal', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['unpublished, our party the target', 'standing determination', ['admin', 'cochair', 'secretariat', 'monitor', 'liaison']],
    ['unpublished, about others', 'standing determination', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['published, about others', 'open proposal', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['published, about others', 'standing determination', ROLES as unknown as Role[]],
    ['published, our party named', 'who reviewed', ['admin', 'cochair', 'secretariat', 'monitor']],
    ['published, our party named', 'event row', ['admin', 'cochair', 'secretariat', 'monitor']],
  ])('%s: %s', (sit, what, roles) => {
    const sees = (role: Role) => {
      const v = viewer(role);
      const s = incidentScope(v, SITUATIONS[sit]);
      switch (what) {
        case 'our claim':
          return seesClaim(s, { partyId: OURS });
        case 'their claim':
          return seesClaim(s, { partyId: THEIRS });
        case 'request to us':
          return seesRequest(s, { addressedToPartyId: OURS });
        case 'request to them':
          return seesRequest(s, { addressedToPartyId: THEIRS });
        case 'open proposal':
          return seesDetermination(s, { standing: false });
        case 'standing determination':
          return seesDetermination(s, { standing: true });
        case 'who reviewed':
          return seesActors(s);
        case 'event row':
          return readsIncidentEventRow(v);
      }
    };
    expect(ROLES.filter(sees)).toEqual(roles);
  });
});
