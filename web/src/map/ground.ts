// Who holds the ground under the pointer (or a tap) on the vetting map, in words: each holder
// with its status at the console's time, and whether the ground is contested. Pure: the features
// the map found under the point in, a readout out. It describes the ground only; the decision is
// the server's.
import type { PartyStatus } from '../types.ts';

/** A territory feature's properties as the map gives them back (a polygon may come in several tiles). */
export interface HeldBy {
  partyId: string;
  partyName: string;
  status: string;
}

export interface Holder {
  partyId: string;
  name: string;
  status: string;
  /** "committed", "designated", "not committed", ... */
  statusText: string;
}

export interface GroundReadout {
  kind: 'none' | 'held' | 'contested';
  holders: Holder[];
  /** One line: "Syrian Arab Armed Forces (committed)", "Contested: A (designated); B (not committed)". */
  text: string;
}

const STATUS_TEXT: Record<PartyStatus, string> = {
  committed: 'committed',
  designated: 'designated',
  not_committed: 'not committed',
  withdrawn: 'withdrawn',
  suspended: 'suspended',
};
// Designated first, then committed: the pair that makes ground "mixed" reads first when contested.
const ORDER: string[] = ['designated', 'committed', 'suspended', 'withdrawn', 'not_committed'];

const statusText = (s: string): string => STATUS_TEXT[s as PartyStatus] ?? s.replace(/_/g, ' ');

/**
 * The holders of the ground from the features under a point, once each, with the status
 * `statusOf` gives (the parties as loaded for the console's time) or else the feature's own.
 */
export function groundAt(features: HeldBy[], statusOf: (partyId: string) => string | undefined = () => undefined): GroundReadout {
  const byParty = new Map<string, Holder>();
  for (const f of features) {
    if (!f.partyId || byParty.has(f.partyId)) continue;
    const status = statusOf(f.partyId) ?? f.status;
    byParty.set(f.partyId, { partyId: f.partyId, name: f.partyName || f.partyId, status, statusText: statusText(status) });
  }
  const rank = (s: string): number => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  const holders = [...byParty.values()].sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name));
  const each = holders.map((x) => `${x.name} (${x.statusText})`).join('; ');
  if (!holders.length) return { kind: 'none', holders, text: 'No delineated territory here' };
  if (holders.length === 1) return { kind: 'held', holders, text: each };
  return { kind: 'contested', holders, text: `Contested: ${each}` };
}
