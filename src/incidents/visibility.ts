// Who sees what of the investigation desk (pure). The same rules answer GET /incidents/{id}, the
// lists, filters, counts and GeoJSON (store.ts writes them as SQL: `visibleSql`), the ledger's row
// readers and the event stream, so what a role may not read it does not learn by another road.
//
// - The desk (admin, secretariat, cochair: the task force; and monitor): every incident, report,
//   claim, request, answer, proposal and who did what (which parts of a report, such as its
//   nearest site, each role reads is report-access.ts's rule).
// - A liaison: incidents in which its party is named (perpetrator or target) or to which a
//   request addressed to its party belongs; of those, until published, its own party's reports
//   and claims and the requests addressed to it (and their answers); determinations that stand.
// - Everyone, once the secretariat publishes an incident: the incident, its reports without
//   text, sources or reporter, every claim, request and answer, the determinations that stand.
// - An agency: published incidents (and its own organisation's reports, and those that hit a site
//   it notified, as report-access.ts lets it read them).
// - Analysts and the public: published incidents, never a reporter's identity or a report's text.
// Reviewers' identities (who reviewed, merged, split, published) are the desk's alone.
import type { Role } from '../auth/roles.ts';
import { reportParts, type ReportAccessFacts } from './report-access.ts';

/** The task force and the monitors: they see every report and incident. */
export const DESK_ROLES: readonly Role[] = ['admin', 'cochair', 'secretariat', 'monitor'];

export interface Viewer {
  role: Role;
  accountId: string;
  /** A liaison's (or co-chair's) party. */
  partyId: string | null;
  /** An agency's organisation (from its account). */
  organisation: string | null;
}

/** What decides who sees an incident: the incident it now is (a merged one is seen as its successor is). */
export interface IncidentFacts {
  publishedAt: Date | null;
  perpetratorPartyIds: readonly string[];
  targetPartyIds: readonly string[];
  /** Parties addressed by a request for information about it (or about an incident merged into it). */
  requestedPartyIds: readonly string[];
}

/**
 * How a viewer sees an incident: null, not at all (404); 'desk', everything; otherwise what is
 * published (when it is) plus what its party is owed (a liaison's party, when named or asked).
 */
export type Scope = null | { desk: true } | { desk: false; published: boolean; party: string | null };

export const isDesk = (role: Role): boolean => DESK_ROLES.includes(role);

export function incidentScope(v: Viewer, i: IncidentFacts): Scope {
  if (isDesk(v.role)) return { desk: true };
  const published = i.publishedAt !== null;
  const p = v.role === 'liaison' ? v.partyId : null;
  const party = p !== null && (i.perpetratorPartyIds.includes(p) || i.targetPartyIds.includes(p) || i.requestedPartyIds.includes(p)) ? p : null;
  if (!published && party === null) return null;
  return { desk: false, published, party };
}

export const seesIncident = (v: Viewer, i: IncidentFacts): boolean => incidentScope(v, i) !== null;

export type ReportFacts = ReportAccessFacts;

/**
 * 'full': as report-access.ts lets the viewer read it (the desk, the reporter, its party's liaison,
 * its organisation's agency); 'redacted': what was reported without who, the text, the sources or
 * any site (a published incident's reports to everyone else); null: not at all.
 */
export type ReportView = 'full' | 'redacted' | null;

export function reportView(v: Viewer, r: ReportFacts, s: Scope): ReportView {
  if (s?.desk || reportParts(v, r) !== null) return 'full';
  return s?.published ? 'redacted' : null;
}

/** A party's claim: the desk, everyone once published, and until then the claimant's own liaison. */
export function seesClaim(s: Scope, c: { partyId: string }): boolean {
  if (!s) return false;
  return s.desk || s.published || (s.party !== null && c.partyId === s.party);
}

/** A request for information (and its answers): the desk, everyone once published, until then the party asked. */
export function seesRequest(s: Scope, r: { addressedToPartyId: string }): boolean {
  if (!s) return false;
  return s.desk || s.published || (s.party !== null && r.addressedToPartyId === s.party);
}

/** A determination (and its concurrences): the desk sees every proposal; the others those that stand. */
export function seesDetermination(s: Scope, d: { standing: boolean }): boolean {
  if (!s) return false;
  return s.desk || d.standing;
}

/** Who reviewed, merged, split or published: the desk's alone (a field monitor's name is a target too). */
export const seesActors = (s: Scope): boolean => Boolean(s?.desk);

/** Reads of a row through the ledger (its salt and state): incident events name the reviewer, so they stay the desk's. */
export const readsIncidentEventRow = (v: Viewer): boolean => isDesk(v.role);
