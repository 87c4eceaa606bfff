// A report's event type in ACLED's vocabulary (event type and sub-event type, as ACLED's codebook
// names them; see shared/data/FORMATS.md), so exports and imports speak the layout analysts use.
// Pure: a fixed table, no I/O.

export const EVENT_TYPES = [
  'airstrike',
  'shelling',
  'ground_attack',
  'sniper_fire',
  'attack_on_civilians',
  'siege_or_aid_denial',
  'cross_border_fire',
  'position_enhancement',
  'arms_transfer',
  'other',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** ACLED's 6 event types and their 25 sub-event types. */
export const ACLED_TYPES = {
  Battles: ['Armed clash', 'Government regains territory', 'Non-state actor overtakes territory'],
  'Violence against civilians': ['Sexual violence', 'Attack', 'Abduction/forced disappearance'],
  'Explosions/Remote violence': ['Chemical weapon', 'Air/drone strike', 'Suicide bomb', 'Shelling/artillery/missile attack', 'Remote explosive/landmine/IED', 'Grenade'],
  Protests: ['Peaceful protest', 'Protest with intervention', 'Excessive force against protesters'],
  Riots: ['Violent demonstration', 'Mob violence'],
  'Strategic developments': [
    'Agreement',
    'Arrests',
    'Change to group/activity',
    'Disrupted weapons use',
    'Headquarters or base established',
    'Looting/property destruction',
    'Non-violent transfer of territory',
    'Other',
  ],
} as const;
export type AcledEventType = keyof typeof ACLED_TYPES;

export interface Acled {
  eventType: AcledEventType;
  subEventType: string;
}

/**
 * The nearest ACLED category of each of our event types. Where ACLED has none of its own (a
 * siege, an arms transfer) it is a strategic development, "Other"; sniper fire is an armed clash
 * unless the reporter calls it an attack on civilians, which has its own type.
 */
const MAP: Record<EventType, Acled> = {
  airstrike: { eventType: 'Explosions/Remote violence', subEventType: 'Air/drone strike' },
  shelling: { eventType: 'Explosions/Remote violence', subEventType: 'Shelling/artillery/missile attack' },
  cross_border_fire: { eventType: 'Explosions/Remote violence', subEventType: 'Shelling/artillery/missile attack' },
  ground_attack: { eventType: 'Battles', subEventType: 'Armed clash' },
  sniper_fire: { eventType: 'Battles', subEventType: 'Armed clash' },
  attack_on_civilians: { eventType: 'Violence against civilians', subEventType: 'Attack' },
  siege_or_aid_denial: { eventType: 'Strategic developments', subEventType: 'Other' },
  position_enhancement: { eventType: 'Strategic developments', subEventType: 'Headquarters or base established' },
  arms_transfer: { eventType: 'Strategic developments', subEventType: 'Other' },
  other: { eventType: 'Strategic developments', subEventType: 'Other' },
};

export function toAcled(t: EventType): Acled {
  return MAP[t];
}
