// ACLED exports read into report rows (pure). Columns are found by name: the current 31-column
// export (`event_id_cnty` … `timestamp`), the older ones that start `data_id, iso,
// event_id_cnty, event_id_no_cnty`, and the pre-2019 ones without `sub_event_type` (their own
// event types). See shared/data/FORMATS.md; src/incidents/acled.ts maps the other way.
import type { AcledEventType, EventType } from '../incidents/acled.ts';
import type { LocationPrecision, OccurredPrecision } from '../incidents/group.ts';
import { Cells, clip, cut, fault, indexHeader, list, missing, needDay, position, RowFault, SOURCE_MAX, TEXT_MAX, type Layout, type RowResult } from './cells.ts';

/** The columns a row cannot do without. */
export const ACLED_REQUIRED = ['event_id_cnty', 'event_date', 'event_type', 'latitude', 'longitude'] as const;

/**
 * ACLED's event and sub-event types → the report's event type. Only air/drone strikes and
 * shelling say how the harm was done; battles are ground attacks (a grenade too); every kind of
 * violence against civilians is an attack on civilians; a base established or territory taken
 * over without a fight is a position enhanced; what has no counterpart (protests, riots, a
 * suicide bomb or IED, whose delivery a ceasefire's types do not name) is `other`.
 */
export const ACLED_TO_REPORT: Record<AcledEventType, Record<string, EventType>> = {
  Battles: { 'Armed clash': 'ground_attack', 'Government regains territory': 'ground_attack', 'Non-state actor overtakes territory': 'ground_attack' },
  'Violence against civilians': { 'Sexual violence': 'attack_on_civilians', Attack: 'attack_on_civilians', 'Abduction/forced disappearance': 'attack_on_civilians' },
  'Explosions/Remote violence': {
    'Chemical weapon': 'other',
    'Air/drone strike': 'airstrike',
    'Suicide bomb': 'other',
    'Shelling/artillery/missile attack': 'shelling',
    'Remote explosive/landmine/IED': 'other',
    Grenade: 'ground_attack',
  },
  Protests: { 'Peaceful protest': 'other', 'Protest with intervention': 'other', 'Excessive force against protesters': 'other' },
  Riots: { 'Violent demonstration': 'other', 'Mob violence': 'other' },
  'Strategic developments': {
    Agreement: 'other',
    Arrests: 'other',
    'Change to group/activity': 'other',
    'Disrupted weapons use': 'other',
    'Headquarters or base established': 'position_enhancement',
    'Looting/property destruction': 'other',
    'Non-violent transfer of territory': 'position_enhancement',
    Other: 'other',
  },
};

/** An event type given without its sub-event type (the cell empty): the type's own reading. */
const TYPE_ALONE: Record<AcledEventType, EventType> = {
  Battles: 'ground_attack',
  'Violence against civilians': 'attack_on_civilians',
  'Explosions/Remote violence': 'other',
  Protests: 'other',
  Riots: 'other',
  'Strategic developments': 'other',
};

/** The event types of ACLED before 2019 (no sub-event types). */
export const ACLED_PRE_2019: Record<string, EventType> = {
  'Battle-No change of territory': 'ground_attack',
  'Battle-Government regains territory': 'ground_attack',
  'Battle-Non-state actor overtakes territory': 'ground_attack',
  'Violence against civilians': 'attack_on_civilians',
  'Remote violence': 'other',
  'Riots/Protests': 'other',
  'Strategic development': 'other',
  'Headquarters or base established': 'position_enhancement',
  'Non-violent transfer of territory': 'position_enhancement',
};

const lower = <T>(o: Record<string, T>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), { name: k, v }]));
const TYPES = lower(ACLED_TO_REPORT);
const SUBTYPES = new Map([...TYPES.values()].map(({ name, v }) => [name, lower(v)]));
const OLD = lower(ACLED_PRE_2019);

/** The report event type of an ACLED event and sub-event type (case aside), or why there is none. */
export function acledEventType(eventType: string, subEventType: string | null): { type: EventType } | { reason: string } {
  const t = TYPES.get(eventType.toLowerCase());
  if (!t) {
    const old = OLD.get(eventType.toLowerCase());
    if (old && subEventType === null) return { type: old.v };
    return { reason: `event_type "${clip(eventType)}" is not one of ACLED's event types` };
  }
  if (subEventType === null) return { type: TYPE_ALONE[t.name as AcledEventType] };
  const s = SUBTYPES.get(t.name)!.get(subEventType.toLowerCase());
  return s ? { type: s.v } : { reason: `sub_event_type "${clip(subEventType)}" is not one of the sub-event types of ${t.name}` };
}

/** Reads an ACLED header: its layout, or why it is not an ACLED export. */
export function acledLayout(header: string[]): Layout | string {
  const columns = indexHeader(header);
  if (typeof columns === 'string') return columns;
  const gone = missing(columns, ACLED_REQUIRED);
  if (gone) {
    if (columns.has('side_a') && columns.has('date_start')) return 'this is a UCDP GED file (it has side_a and date_start): import it as ucdp';
    return `the header has no column ${gone} (an ACLED export has ${ACLED_REQUIRED.join(', ')}, found by name)`;
  }
  const older = columns.has('data_id') || columns.has('event_id_no_cnty');
  const variant = `ACLED ${older ? 'older layout (data_id, event_id_no_cnty)' : 'current layout'}${columns.has('sub_event_type') ? '' : ', no sub-event types'} (${header.length} columns)`;
  return { source: 'acled', variant, columns, width: header.length };
}

/** ACLED's time_precision: 1 the day, 2 within a week, 3 within a month. */
const TIME: Record<number, OccurredPrecision> = { 1: 'day', 2: 'week', 3: 'month' };
/** ACLED's geo_precision: 1 the town itself, 2 near it (part of a region), 3 only the region (its capital's point). */
const GEO: Record<number, LocationPrecision> = { 1: 'exact', 2: 'near', 3: 'adm1' };

/** Actor types that are never parties: rioters, protesters, civilians (ACLED's inter codes 5, 6, 7, or their names). */
const NOT_PARTY_INTER = new Set(['5', '6', '7', 'rioters', 'protesters', 'civilians']);
const NOT_PARTY_NAME = /^(civilians|protesters|rioters)\b/i;
export const acledNotParty = (name: string, inter: string | null = null) => NOT_PARTY_NAME.test(name) || (inter !== null && NOT_PARTY_INTER.has(inter.toLowerCase()));

function actors(c: Cells, main: string, assoc: string, inter: string): string[] {
  const first = c.get(main);
  const all = [...(first && !acledNotParty(first, c.get(inter)) ? [first] : []), ...list(c.get(assoc)).filter((a) => !acledNotParty(a))];
  return [...new Set(all)];
}

/** One ACLED record as a report row, or the reason it is skipped. */
export function acledRow(layout: Layout, cells: string[]): RowResult {
  try {
    const c = new Cells(layout, cells);
    const id = c.need('event_id_cnty');
    if (id.length > 190) fault(`event_id_cnty "${clip(id)}" is longer than 190 characters`);
    const at = needDay(c, 'event_date');
    const tp = c.code('time_precision', [1, 2, 3]);
    const gp = c.code('geo_precision', [1, 2, 3]);
    const { lon, lat } = position(c);
    const type = acledEventType(c.need('event_type'), c.get('sub_event_type'));
    if ('reason' in type) fault(type.reason);
    const fatalities = c.number('fatalities', { min: 0, max: 10_000_000, integer: true });
    const source = c.get('source');
    return {
      ok: true,
      row: {
        sourceRef: `acled:${id}`,
        occurredAt: new Date(at).toISOString(),
        occurredPrecision: TIME[tp ?? 1],
        lon,
        lat,
        // no geo_precision: ACLED always gives one; without it, the point is taken as near the place
        locationPrecision: gp === null ? 'near' : GEO[gp],
        placeName: cut(c.get('location'), 300),
        eventType: (type as { type: EventType }).type,
        perpetrators: actors(c, 'actor1', 'assoc_actor_1', 'inter1'),
        targets: actors(c, 'actor2', 'assoc_actor_2', 'inter2'),
        casualties: fatalities === null ? {} : { killed: { best: fatalities } },
        sources: source ? [{ description: cut(source, SOURCE_MAX)! }] : [],
        text: cut(c.get('notes'), TEXT_MAX),
      },
    };
  } catch (e) {
    if (e instanceof RowFault) return { ok: false, reason: e.message };
    throw e;
  }
}

/** Which report field comes from which ACLED column (a refusal by intake names the column). */
export const ACLED_FIELDS: Record<string, string> = {
  occurredAt: 'event_date',
  occurredPrecision: 'time_precision',
  location: 'latitude/longitude',
  locationPrecision: 'geo_precision',
  placeName: 'location',
  eventType: 'event_type',
  perpetratorPartyIds: 'actor1/assoc_actor_1',
  targetPartyIds: 'actor2/assoc_actor_2',
  casualties: 'fatalities',
  sources: 'source',
  text: 'notes',
  sourceRef: 'event_id_cnty',
};
