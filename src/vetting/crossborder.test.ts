// Issue 8, finding 6, the attack: a strike on Beirut by a party that may operate only in Syria.
// On the 1:50m borders Ras Beirut lay in the sea, in no state, so the strike was not CROSS_BORDER;
// on the 1:10m borders with the territorial sea it is, naming Lebanon. So is a strike on a ship
// in Lebanese waters; one on the high seas is in no state.
import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { VettingIndex } from './index.ts';
import type { Target } from './model.ts';

const ix = VettingIndex.build({ version: 1, territories: [], sites: [], corridors: [], parties: [] });
const at = Date.parse('2016-03-01T00:00:00Z');
const syriaOnly = { homeState: 'SYR', operatesIn: [] as string[] };
const crossBorder = (target: Target, radiusM = 0) => decide(ix, { target, radiusM, at, ...syriaOnly }).reasons.find((r) => r.code === 'CROSS_BORDER');

describe('CROSS_BORDER at the coast', () => {
  it('a strike on Beirut (35.5018 E, 33.8938 N) by a Syria-only party is CROSS_BORDER, in Lebanon', () => {
    const r = crossBorder({ type: 'Point', coordinates: [35.5018, 33.8938] });
    expect(r?.states).toEqual(['LBN']);
    expect(decide(ix, { target: { type: 'Point', coordinates: [35.5018, 33.8938] }, radiusM: 0, at, ...syriaOnly }).decision).toBe('review');
  });

  it('a ship in Lebanese waters, 5 km off Beirut, is in Lebanon; one 5 nm off Tartus is in Syria; 20 nm off, on the high seas, in none', () => {
    expect(crossBorder({ type: 'Point', coordinates: [35.44, 33.92] })?.states).toEqual(['LBN']);
    expect(crossBorder({ type: 'Point', coordinates: [35.77296, 34.889] })).toBeUndefined();
    expect(crossBorder({ type: 'Point', coordinates: [35.46227, 34.889] })).toBeUndefined();
  });

  it('a disc off Syria that reaches Lebanese waters names Lebanon', () => {
    expect(crossBorder({ type: 'Point', coordinates: [35.88, 34.655] }, 3000)?.states).toEqual(['LBN']);
  });
});
