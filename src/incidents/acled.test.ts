import { describe, expect, it } from 'vitest';
import { ACLED_TYPES, EVENT_TYPES, toAcled, type EventType } from './acled.ts';

const TABLE: [EventType, string, string][] = [
  ['airstrike', 'Explosions/Remote violence', 'Air/drone strike'],
  ['shelling', 'Explosions/Remote violence', 'Shelling/artillery/missile attack'],
  ['cross_border_fire', 'Explosions/Remote violence', 'Shelling/artillery/missile attack'],
  ['ground_attack', 'Battles', 'Armed clash'],
  ['sniper_fire', 'Battles', 'Armed clash'],
  ['attack_on_civilians', 'Violence against civilians', 'Attack'],
  ['siege_or_aid_denial', 'Strategic developments', 'Other'],
  ['position_enhancement', 'Strategic developments', 'Headquarters or base established'],
  ['arms_transfer', 'Strategic developments', 'Other'],
  ['other', 'Strategic developments', 'Other'],
];

describe('ACLED mapping', () => {
  it.each(TABLE)('%s → %s / %s', (t, event, sub) => {
    expect(toAcled(t)).toEqual({ eventType: event, subEventType: sub });
  });

  it('covers every event type, each with a sub-event type of its own ACLED event type', () => {
    expect(TABLE.map((r) => r[0]).sort()).toEqual([...EVENT_TYPES].sort());
    for (const t of EVENT_TYPES) {
      const a = toAcled(t);
      expect(ACLED_TYPES[a.eventType] as readonly string[]).toContain(a.subEventType);
    }
  });

  it('knows ACLED’s 6 event types and 25 sub-event types', () => {
    expect(Object.keys(ACLED_TYPES)).toHaveLength(6);
    expect(Object.values(ACLED_TYPES).flat()).toHaveLength(25);
  });
});
