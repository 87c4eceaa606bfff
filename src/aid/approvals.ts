// Which parties must approve a convoy (pure): every party whose recorded territory the route
// crosses at some time in the convoy's window, and each party besieging its destination. Computed
// from the data, never typed, so a territory change during the wait can add or drop one.
import { PreparedArea, PreparedLine, type Position } from '../geo/shapes.ts';

export type ApprovalReason = 'territory' | 'besieger';

/** A version of a party's area, as territory's lookup gives it (times in epoch ms). */
export interface AreaVersion {
  id: string;
  seq: number;
  partyId: string;
  validFrom: number;
  polygons: Position[][][];
}

export interface Required {
  partyId: string;
  reason: ApprovalReason;
}

/** Prepared areas by version id (versions never change), kept by the caller across calls. */
export type AreaCache = Map<string, PreparedArea>;

/**
 * The approvals a route needs over [from, to] (epoch ms): a version counts when it is in force at
 * some time in the window (from its validFrom until the same party's next version) and the route
 * meets it (boundary included). A besieger is asked as the besieger even where its ground is
 * crossed too. Sorted by party id, so two computations compare as lists.
 */
export function requiredApprovals(
  route: number[][],
  window: { from: number; to: number },
  versions: AreaVersion[],
  besiegers: string[],
  cache: AreaCache = new Map(),
): Required[] {
  const line = new PreparedLine(route as Position[]);
  const byParty = new Map<string, AreaVersion[]>();
  for (const v of versions) byParty.set(v.partyId, [...(byParty.get(v.partyId) ?? []), v]);
  const out = new Map<string, ApprovalReason>();
  for (const [partyId, list] of byParty) {
    list.sort((a, b) => a.validFrom - b.validFrom || a.seq - b.seq);
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      const end = i + 1 < list.length ? list[i + 1].validFrom : Infinity;
      if (end <= v.validFrom || v.validFrom > window.to || end <= window.from) continue;
      let area = cache.get(v.id);
      if (!area) cache.set(v.id, (area = new PreparedArea(v.polygons)));
      const b = area.bbox;
      const l = line.bbox;
      if (l.maxX < b.minX || l.minX > b.maxX || l.maxY < b.minY || l.minY > b.maxY) continue;
      if (line.intersectsArea(area)) {
        out.set(partyId, 'territory');
        break;
      }
    }
  }
  for (const p of besiegers) out.set(p, 'besieger');
  return [...out].map(([partyId, reason]) => ({ partyId, reason })).sort((a, b) => (a.partyId < b.partyId ? -1 : a.partyId > b.partyId ? 1 : 0));
}

/** What changes from the approvals asked now to those required: added and dropped, each with its reason. */
export function approvalChanges(current: Required[], required: Required[]): { added: Required[]; dropped: Required[] } {
  const now = new Map(current.map((r) => [r.partyId, r.reason]));
  const want = new Map(required.map((r) => [r.partyId, r.reason]));
  return {
    added: required.filter((r) => !now.has(r.partyId)),
    dropped: current.filter((r) => !want.has(r.partyId)),
  };
}
