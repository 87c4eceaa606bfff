// An incident's summary, recomputed from its reports (pure): what the incident row holds and the
// grouping rule compares new reports with.
//  - time window: from the earliest report window's start to the latest one's end;
//  - type: the most frequent eventType among its reports (a tie: the earliest filed of those);
//  - location, its precision and P-codes: those of the most precisely located report (exact,
//    near, adm3, adm2, adm1; a tie: the earliest filed), so the incident sits where the best
//    witness put it, and does not wander as reports come in;
//  - perpetrators and targets: the union of what its reports name (sorted);
//  - casualties: for killed and injured each, the figures of the report with the highest best
//    estimate (its best, low, high and civilians, kept together as that source gave them);
//  - reportCount.
import type { EventType } from './acled.ts';
import type { LocationPrecision } from './group.ts';

/** An administrative unit by P-code and name. */
export interface Unit {
  code: string;
  name: string;
}
/** The units a place lies in, coarsest first; null where unknown (or finer than the location's precision). */
export interface Units {
  adm1: Unit | null;
  adm2: Unit | null;
  adm3: Unit | null;
}
export const NO_UNITS: Units = { adm1: null, adm2: null, adm3: null };

export interface Figures {
  best: number;
  low?: number | null;
  high?: number | null;
  civilians?: number | null;
}
export interface Casualties {
  killed?: Figures;
  injured?: Figures;
}

/** What the summary reads of one report. */
export interface ReportFacts {
  /** Filing order. */
  seq: number;
  eventType: EventType;
  from: Date;
  to: Date;
  location: [number, number] | null;
  locationPrecision: LocationPrecision | null;
  pcodes: Units;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Casualties;
}

export interface Summary {
  eventType: EventType;
  from: Date;
  to: Date;
  location: [number, number] | null;
  locationPrecision: LocationPrecision | null;
  pcodes: Units;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: { killed?: Required<Figures>; injured?: Required<Figures> };
  reportCount: number;
}

const RANK: Record<LocationPrecision, number> = { exact: 0, near: 1, adm3: 2, adm2: 3, adm1: 4 };

const union = (xs: string[][]) => [...new Set(xs.flat())].sort();

function highest(reports: ReportFacts[], key: keyof Casualties): Required<Figures> | undefined {
  let top: Figures | undefined;
  for (const r of reports) {
    const f = r.casualties[key];
    if (f && (!top || f.best > top.best)) top = f;
  }
  return top && { best: top.best, low: top.low ?? null, high: top.high ?? null, civilians: top.civilians ?? null };
}

export function summarise(input: readonly ReportFacts[]): Summary {
  if (!input.length) throw new Error('an incident has at least one report');
  const reports = [...input].sort((a, b) => a.seq - b.seq);
  const counts = new Map<EventType, number>();
  for (const r of reports) counts.set(r.eventType, (counts.get(r.eventType) ?? 0) + 1);
  let eventType = reports[0].eventType;
  for (const r of reports) if (counts.get(r.eventType)! > counts.get(eventType)!) eventType = r.eventType; // first-filed wins a tie
  let anchor: ReportFacts | null = null;
  for (const r of reports) {
    if (!r.location || !r.locationPrecision) continue;
    if (!anchor || RANK[r.locationPrecision] < RANK[anchor.locationPrecision!]) anchor = r;
  }
  const casualties: Summary['casualties'] = {};
  const killed = highest(reports, 'killed');
  const injured = highest(reports, 'injured');
  if (killed) casualties.killed = killed;
  if (injured) casualties.injured = injured;
  return {
    eventType,
    from: new Date(Math.min(...reports.map((r) => r.from.getTime()))),
    to: new Date(Math.max(...reports.map((r) => r.to.getTime()))),
    location: anchor?.location ?? null,
    locationPrecision: anchor?.locationPrecision ?? null,
    pcodes: anchor?.pcodes ?? reports.find((r) => r.pcodes.adm1)?.pcodes ?? NO_UNITS,
    perpetratorPartyIds: union(reports.map((r) => r.perpetratorPartyIds)),
    targetPartyIds: union(reports.map((r) => r.targetPartyIds)),
    casualties,
    reportCount: reports.length,
  };
}
