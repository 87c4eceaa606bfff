// Actors named in a file matched to parties (pure): by a party's name or any of its aliases,
// compared under the names' confusable key (case, width, look-alike letters and spacing aside),
// then once more without a trailing parenthesis (ACLED writes "Military Forces of Syria
// (2000-)", "Hezbollah (Lebanon)"). A name that fits two parties matches neither. Unmatched
// actors are counted by the rows that name them; a party is never made of one.
import { confusableKey } from '../http/names.ts';
import type { ImportedRow } from './cells.ts';

export interface PartyNames {
  id: string;
  name: string;
  aliases: string[];
}

/** The report body of an imported row (channel import), as POST /reports takes one. */
export interface ImportBody {
  channel: 'import';
  occurredAt: string;
  occurredPrecision: ImportedRow['occurredPrecision'];
  location: { type: 'Point'; coordinates: [number, number] };
  locationPrecision: ImportedRow['locationPrecision'];
  placeName?: string;
  eventType: ImportedRow['eventType'];
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: ImportedRow['casualties'];
  sources: { description: string }[];
  text?: string;
  sourceRef: string;
}

const TRAILING_PAREN = /\s*\([^()]*\)\s*$/;

export class ActorMatcher {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly memo = new Map<string, string | null>();

  constructor(parties: PartyNames[]) {
    for (const p of parties) {
      for (const n of [p.name, ...p.aliases]) {
        const k = confusableKey(n);
        if (!this.byKey.has(k)) this.byKey.set(k, new Set());
        this.byKey.get(k)!.add(p.id);
      }
    }
  }

  private one(name: string): string | null | 'ambiguous' {
    const ids = this.byKey.get(confusableKey(name));
    if (!ids) return null;
    return ids.size === 1 ? [...ids][0] : 'ambiguous';
  }

  /** The party an actor name stands for, or null (none, or more than one). */
  match(name: string): string | null {
    if (this.memo.has(name)) return this.memo.get(name)!;
    let hit = this.one(name);
    for (let n = name; hit === null && TRAILING_PAREN.test(n) && (n = n.replace(TRAILING_PAREN, '')); ) hit = this.one(n);
    const out = hit === 'ambiguous' ? null : hit;
    this.memo.set(name, out);
    return out;
  }
}

/** Rows naming each actor no party matched. */
export class Unmatched {
  readonly rows = new Map<string, number>();
  add(names: string[]): void {
    for (const n of new Set(names)) this.rows.set(n, (this.rows.get(n) ?? 0) + 1);
  }
  /** Most rows first (then by name); at most `max`, with how many more there were. */
  list(max: number): { actors: { name: string; rows: number }[]; omitted: number } {
    const all = [...this.rows].map(([name, rows]) => ({ name, rows })).sort((a, b) => b.rows - a.rows || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { actors: all.slice(0, max), omitted: Math.max(0, all.length - max) };
  }
}

/**
 * The report an imported row makes, with the actors no party matched. A party named among the
 * perpetrators is not also a target (an actor and its associated actors can overlap).
 */
export function importBody(row: ImportedRow, m: ActorMatcher): { body: ImportBody; unmatched: string[] } {
  const unmatched: string[] = [];
  const ids = (names: string[]) => {
    const out: string[] = [];
    for (const n of names) {
      const id = m.match(n);
      if (id === null) unmatched.push(n);
      else if (!out.includes(id)) out.push(id);
    }
    return out;
  };
  const perpetratorPartyIds = ids(row.perpetrators);
  const targetPartyIds = ids(row.targets).filter((id) => !perpetratorPartyIds.includes(id));
  const body: ImportBody = {
    channel: 'import',
    occurredAt: row.occurredAt,
    occurredPrecision: row.occurredPrecision,
    location: { type: 'Point', coordinates: [row.lon, row.lat] },
    locationPrecision: row.locationPrecision,
    ...(row.placeName !== null ? { placeName: row.placeName } : {}),
    eventType: row.eventType,
    perpetratorPartyIds,
    targetPartyIds,
    casualties: row.casualties,
    sources: row.sources,
    ...(row.text !== null ? { text: row.text } : {}),
    sourceRef: row.sourceRef,
  };
  return { body, unmatched };
}
