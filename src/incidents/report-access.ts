// Who may read a report, and which of its parts (pure). Raw reports and reporters' identities are
// sensitive; a site's position shows through its nearest-site distance, so only those who may
// see that site see it.
//  - the desk (task force and monitors) reads every report; the task force sees its site parts;
//  - the reporter reads its own, with its identity;
//  - a liaison reads its own party's reports (reporter_party_id), without the reporter;
//  - an agency reads its own organisation's reports, and those that hit a site its organisation
//    notified (with that hit, and the nearest site when it is one of its organisation's);
//  - analysts and the public read no report (they see published incidents only).
import { DESK, TASK_FORCE } from '../ledger/entities.ts';
import type { Role } from '../auth/roles.ts';

export interface Viewer {
  accountId: string;
  role: Role;
  partyId: string | null;
  /** The viewer's account's organisation (agencies). */
  organisation: string | null;
}

/** What access needs of a report. */
export interface ReportAccessFacts {
  reporterId: string;
  reporterPartyId: string | null;
  reporterOrganisation: string | null;
  nearestSite: { organisation: string | null; notifiedBy: string | null } | null;
  notifiedSiteHit: { organisation: string | null; notifiedBy: string | null } | null;
}

export interface ReportParts {
  reporter: boolean;
  nearestSite: boolean;
  notifiedSiteHit: boolean;
}

const ownSite = (v: Viewer, s: { organisation: string | null; notifiedBy: string | null } | null) =>
  v.role === 'agency' && s !== null && (s.notifiedBy === v.accountId || (v.organisation !== null && s.organisation === v.organisation));

/** null: the viewer may not read the report at all (answer 404). */
export function reportParts(v: Viewer, r: ReportAccessFacts): ReportParts | null {
  const taskForce = TASK_FORCE.includes(v.role);
  const reporter = r.reporterId === v.accountId;
  const may =
    DESK.includes(v.role) ||
    reporter ||
    (v.role === 'liaison' && v.partyId !== null && r.reporterPartyId === v.partyId) ||
    (v.role === 'agency' && ((v.organisation !== null && r.reporterOrganisation === v.organisation) || ownSite(v, r.notifiedSiteHit)));
  if (!may) return null;
  return {
    reporter: DESK.includes(v.role) || reporter,
    nearestSite: taskForce || ownSite(v, r.nearestSite),
    notifiedSiteHit: taskForce || ownSite(v, r.notifiedSiteHit),
  };
}
