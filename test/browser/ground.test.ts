// The vetting map's readout of who holds the ground under the pointer (web/src/map/ground.ts), in Node.
import { describe, expect, it } from 'vitest';
import { groundAt, type HeldBy } from '../../web/src/map/ground.ts';

const SAAF: HeldBy = { partyId: 'saaf', partyName: 'Syrian Arab Armed Forces', status: 'committed' };
const NUSRA: HeldBy = { partyId: 'nusra', partyName: 'Jabhat al-Nusra', status: 'designated' };
const AHRAR: HeldBy = { partyId: 'ahrar', partyName: 'Ahrar al-Sham', status: 'not_committed' };
const YPG: HeldBy = { partyId: 'ypg', partyName: 'YPG', status: 'withdrawn' };

describe('who holds the ground', () => {
  it.each<[string, HeldBy[], string, string]>([
    ['nobody', [], 'none', 'No delineated territory here'],
    ['one party', [SAAF], 'held', 'Syrian Arab Armed Forces (committed)'],
    ['one party whose polygon came in two tiles', [SAAF, { ...SAAF }], 'held', 'Syrian Arab Armed Forces (committed)'],
    ['not committed, in words', [AHRAR], 'held', 'Ahrar al-Sham (not committed)'],
    ['contested: designated first, then the others by status', [AHRAR, NUSRA], 'contested', 'Contested: Jabhat al-Nusra (designated); Ahrar al-Sham (not committed)'],
    ['mixed: designated and committed', [SAAF, NUSRA], 'contested', 'Contested: Jabhat al-Nusra (designated); Syrian Arab Armed Forces (committed)'],
    ['three holders', [YPG, AHRAR, SAAF, NUSRA], 'contested', 'Contested: Jabhat al-Nusra (designated); Syrian Arab Armed Forces (committed); YPG (withdrawn); Ahrar al-Sham (not committed)'],
    ['a status it does not know, as written', [{ partyId: 'x', partyName: 'X', status: 'on_leave' }], 'held', 'X (on leave)'],
    ['no name: the id', [{ partyId: 'x', partyName: '', status: 'committed' }], 'held', 'x (committed)'],
  ])('%s', (_, features, kind, text) => {
    const g = groundAt(features);
    expect(g.kind).toBe(kind);
    expect(g.text).toBe(text);
  });

  it('takes the status of the parties as loaded for the console time over the feature’s', () => {
    const atTime: Record<string, string> = { saaf: 'suspended' };
    const g = groundAt([SAAF, AHRAR], (id) => atTime[id]);
    expect(g.holders.map((x) => [x.partyId, x.status, x.statusText])).toEqual([
      ['saaf', 'suspended', 'suspended'],
      ['ahrar', 'not_committed', 'not committed'],
    ]);
  });
});
