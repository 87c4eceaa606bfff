// Who may vet and who sees what of a recorded decision: the JSON a decision is shown as, the same
// for the single answer, the batch, the history and its export (src/exports reads it through
// vetting/lookup.ts). Pure: a row in, the caller's view out.
import type { Role } from '../auth/roles.ts';
import type { Row } from '../db/db.ts';
import { toldBefore009 } from './decide.ts';
import type { Decision, ToldBasis } from './model.ts';

/** Who may ask for a decision: the task force and each party's liaison (for its own party only). */
export const VETTERS: readonly Role[] = ['admin', 'cochair', 'secretariat', 'liaison'];
/** Who may see which protected site a target is near, and audit everyone's requests. */
export const SITE_READERS: readonly Role[] = ['admin', 'cochair', 'secretariat'];

/** Roles that may vet but not see sites: bounded targets, sites only on the coarse grid, a daily budget of referrals. */
export const COARSE: readonly Role[] = VETTERS.filter((r) => !SITE_READERS.includes(r));
export const isCoarse = (role: string) => (COARSE as readonly string[]).includes(role);
export const isSiteReader = (role: string) => (SITE_READERS as readonly string[]).includes(role);

/**
 * The recorded told view of a row. An exact answer's told reasons are its reasons: rows since
 * migration 022 store them once (told_reasons NULL), earlier ones twice.
 */
export function toldOf(r: Row): Decision & { basis: ToldBasis | null } {
  if (r.told_basis === null) return { ...(isCoarse(r.requested_role) ? toldBefore009({ decision: r.decision, reasons: r.reasons }) : { decision: r.decision, reasons: r.reasons }), basis: null };
  return { decision: r.told_decision, reasons: r.told_reasons ?? (r.told_basis === 'exact' ? r.reasons : []), basis: r.told_basis };
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** Where a decision's ledger entry, its proof and its replay are (the history's links). */
export function vettingLinks(id: string, seq: number | null) {
  return {
    ledgerEntry: seq === null ? null : `/api/v1/ledger/entries?start=${seq}&end=${seq + 1}`,
    proof: `/api/v1/entities/vetting/${id}/proof`,
    replay: `/api/v1/vetting/${id}/replay`,
  };
}

/**
 * A site reader sees the exact decision and what the caller was told; any other role only what it
 * was told. `ledgerSeq` (the history: the seq of the decision's leaf) adds the links, for site
 * readers only: a liaison may not read its own leaf's opening anyway.
 */
export function vettingJson(r: Row, role: Role, ledgerSeq?: number | null) {
  const told = toldOf(r);
  const reader = SITE_READERS.includes(role);
  const view = reader ? { decision: r.decision, reasons: r.reasons, told } : { decision: told.decision, reasons: told.reasons };
  return {
    id: r.id as string,
    ...view,
    dataVersion: Number(r.data_version),
    target: r.target,
    radiusM: r.radius_m === null ? null : Number(r.radius_m),
    at: iso(r.at),
    requestingPartyId: r.requesting_party_id as string,
    note: r.note as string | null,
    requestedBy: r.requested_by as string | null,
    requestedAt: iso(r.requested_at),
    ...(reader && ledgerSeq !== undefined ? { ledgerSeq, links: vettingLinks(r.id, ledgerSeq) } : {}),
  };
}
export type VettingView = ReturnType<typeof vettingJson>;
