import { describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { reportParts, type ReportAccessFacts, type Viewer } from './report-access.ts';

const SAAF = 'p-saaf';
const v = (role: Role, o: Partial<Viewer> = {}): Viewer => ({ accountId: `acct-${role}`, role, partyId: role === 'liaison' ? SAAF : null, organisation: null, ...o });
const site = (organisation: string | null, notifiedBy: string | null = null) => ({ organisation, notifiedBy });
const report = (o: Partial<ReportAccessFacts> = {}): ReportAccessFacts => ({
  reporterId: 'acct-someone',
  reporterPartyId: null,
  reporterOrganisation: null,
  nearestSite: site('MSF'),
  notifiedSiteHit: site('MSF'),
  ...o,
});
const ALL = { reporter: true, nearestSite: true, notifiedSiteHit: true };
const NONE = { reporter: false, nearestSite: false, notifiedSiteHit: false };

describe('who reads which part of a report', () => {
  const rows: [string, Viewer, ReportAccessFacts, ReturnType<typeof reportParts>][] = [
    ['admin: all', v('admin'), report(), ALL],
    ['secretariat: all', v('secretariat'), report(), ALL],
    ['cochair: all', v('cochair'), report(), ALL],
    ['monitor: the report and its reporter, no site', v('monitor'), report(), { reporter: true, nearestSite: false, notifiedSiteHit: false }],
    ['analyst: nothing', v('analyst'), report(), null],
    ['public: nothing', v('public'), report(), null],
    ['liaison, another party’s report: nothing', v('liaison'), report({ reporterPartyId: 'p-other' }), null],
    ['liaison, its party’s report by a colleague: no reporter, no site', v('liaison'), report({ reporterPartyId: SAAF }), NONE],
    ['liaison, its own report: its identity, still no site', v('liaison'), report({ reporterId: 'acct-liaison', reporterPartyId: SAAF }), { ...NONE, reporter: true }],
    ['agency, another organisation’s report: nothing', v('agency', { organisation: 'UNICEF' }), report({ reporterOrganisation: 'WHO' }), null],
    ['agency, its organisation’s report: no reporter, not another’s site', v('agency', { organisation: 'UNICEF' }), report({ reporterOrganisation: 'UNICEF' }), NONE],
    [
      'agency, a report that hit its site: the hit and the nearest site',
      v('agency', { organisation: 'MSF' }),
      report({ reporterPartyId: SAAF }),
      { reporter: false, nearestSite: true, notifiedSiteHit: true },
    ],
    [
      'agency of no organisation: the sites it notified itself',
      v('agency'),
      report({ notifiedSiteHit: site(null, 'acct-agency'), nearestSite: site(null, 'acct-agency') }),
      { reporter: false, nearestSite: true, notifiedSiteHit: true },
    ],
    ['agency of no organisation: not another’s site of no organisation', v('agency'), report({ notifiedSiteHit: site(null, 'acct-x') }), null],
    [
      'agency, its own report near another organisation’s site',
      v('agency', { organisation: 'UNICEF' }),
      report({ reporterId: 'acct-agency', nearestSite: site('MSF'), notifiedSiteHit: null }),
      { reporter: true, nearestSite: false, notifiedSiteHit: false },
    ],
    ['no site near: nothing to show, to anyone', v('admin'), report({ nearestSite: null, notifiedSiteHit: null }), ALL],
  ];
  it.each(rows)('%s', (_, viewer, r, want) => {
    expect(reportParts(viewer, r)).toEqual(want);
  });
});
