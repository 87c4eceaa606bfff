// What other capabilities may read of vetting: the history as the task force reads it (exports
// stream it as a file), and who may read it.
import type { Role } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import * as store from './store.ts';
import { vettingJson, type VettingView } from './views.ts';

export { SITE_READERS, type VettingView } from './views.ts';

/** The history's filters, as GET /api/v1/vetting takes them. */
export type HistoryFilter = Omit<store.VettingFilter, 'limit' | 'before'>;

/** The filters checked as the list checks them (`to` before `from`: 422 naming `to`). */
export function historyFilterOf(q: HistoryFilter): HistoryFilter {
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new ApiError('INCONSISTENT', '`to` must not be before `from`.', 'to');
  const { requestedBy, requestingPartyId, decision, reason, from, to } = q;
  return { requestedBy, requestingPartyId, decision, reason, from, to };
}

export type HistoryCursor = { at: string; seq: number };

/** A page of the history, newest first, each decision as the list shows it to `role` (with its leaf's seq and links). */
export async function historyPage(q: Queryable, role: Role, f: HistoryFilter, after: HistoryCursor | undefined, limit: number): Promise<{ items: VettingView[]; next: HistoryCursor | null }> {
  const rows = await store.listVettings(q, { ...f, limit: limit + 1, before: after });
  const page = rows.slice(0, limit);
  const seqs = await store.leafSeqs(q, page.map((r) => String(r.id)));
  const last = page[page.length - 1];
  return {
    items: page.map((r) => vettingJson(r, role, seqs.get(String(r.id)) ?? null)),
    next: rows.length > limit ? { at: String(last.requested_at_key), seq: Number(last.seq) } : null,
  };
}
