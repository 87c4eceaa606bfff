// places/lookup.ts as other capabilities use it: a report's place name resolved or left to a
// reviewer, and the OCHA units of a point.
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/app.ts';
import { adminAt, loadPlaces, placeSettings, resolvePlace } from './lookup.ts';

const settings = placeSettings(testConfig());

describe('resolvePlace', () => {
  it.each([
    // one place named at several levels (town, sub-district, district, governorate): the town
    ['Daraya', 'town', 'SY030900'],
    ['داريا', 'town', 'SY030900'],
    ['Douma', 'town', 'SY030200'],
    ['Deir al-Zour', 'town', 'SY090100'],
    ['دير الزور', 'town', 'SY090100'],
    ['Homs', 'town', 'SY040100'],
    ['Madaya', 'town', 'SY030703'],
    ['Kafr Batna', 'town', 'SY030105'],
    ['Harasta', 'town', 'SY030201'],
    // known only by a variant spelling: resolved when that is unambiguous too
    ['Zabdani', 'town', 'SY030700'],
    ['Ḩimş', 'town', 'SY040100'],
  ])('%s → the %s in %s', async (name, kind, adm3) => {
    const r = await resolvePlace(name, settings);
    expect('match' in r, JSON.stringify(r).slice(0, 300)).toBe(true);
    if ('match' in r) expect(r.match).toMatchObject({ kind, adm3: { code: adm3 } });
  });

  it('units alone: the largest, claiming no more precision than the name (Rural Damascus is a governorate and a district)', async () => {
    expect(await resolvePlace('Rural Damascus', settings)).toMatchObject({ match: { kind: 'adm1', pcode: 'SY03' } });
    expect(await resolvePlace('ريف دمشق', settings)).toMatchObject({ match: { kind: 'adm1', pcode: 'SY03' } });
  });

  it('a loose variant that also fits other places is left to the reviewer, the likeliest first', async () => {
    // Deraa: the folded vowels fit Dar'a, a Turkish Dara and a neighbourhood of Ar-Raqqa
    const r = await resolvePlace('Deraa', settings);
    expect('candidates' in r && r.candidates[0]).toMatchObject({ name: "Dar'a", kind: 'town', match: 'variant' });
  });

  it('two places of one name far apart are candidates, ranked, not a guess', async () => {
    const r = await resolvePlace('Yarmouk', settings);
    expect('candidates' in r).toBe(true);
    if ('candidates' in r) {
      expect(r.candidates.length).toBeGreaterThanOrEqual(2);
      expect(new Set(r.candidates.filter((c) => c.match === 'exact').map((c) => c.adm3?.code)).size).toBeGreaterThan(1);
    }
  });

  it('a name known only by its first letters is never a match', async () => {
    const r = await resolvePlace('Zabad', settings);
    expect('candidates' in r && r.candidates[0]?.match).toBe('prefix');
  });

  it('nothing like it: no candidates; punctuation alone: none either', async () => {
    expect(await resolvePlace('Qqqxqx Zzzwz', settings)).toEqual({ candidates: [] });
    expect(await resolvePlace('--', settings)).toEqual({ candidates: [] });
  });

  it('a caller cannot change the shared index through what it is given', async () => {
    const r = await resolvePlace('Daraya', settings);
    if ('match' in r) r.match.aliases.push('Nowhere');
    const again = await resolvePlace('Daraya', settings);
    expect('match' in again && again.match.aliases).not.toContain('Nowhere');
  });
});

describe('adminAt', () => {
  it.each([
    [36.2765, 33.5138, 'SY01', 'SY0100', 'SY010000'], // Damascus, old city
    [36.2343, 33.4584, 'SY03', 'SY0309', 'SY030900'], // Darayya
    [36.4034, 33.5708, 'SY03', 'SY0302', 'SY030200'], // Duma
    [40.1408, 35.3359, 'SY09', 'SY0901', 'SY090100'], // Deir ez-Zor
  ])('(%f, %f) lies in %s / %s / %s', async (lon, lat, a1, a2, a3) => {
    const at = await adminAt(lon, lat, settings);
    expect([at.adm1?.code, at.adm2?.code, at.adm3?.code]).toEqual([a1, a2, a3]);
    expect(at.adm3?.name).toBeTruthy();
  });

  it.each([
    [35.5018, 33.8938], // Beirut
    [37.1153, 37.7186], // Kilis is 5 km north of the border: (a point well inside Turkey)
    [35.2, 34.9], // at sea
    [Number.NaN, 33.5],
    [36.3, Number.POSITIVE_INFINITY],
  ])('(%f, %f) is in no unit', async (lon, lat) => {
    expect(await adminAt(lon, lat, settings)).toEqual({ adm1: null, adm2: null, adm3: null });
  });

  it('agrees with the units the OCHA files give their seats and neighbourhoods', async () => {
    const p = await loadPlaces(settings);
    const seat = p.search('Daraya', 1)[0];
    expect(p.adminAt(seat.lon, seat.lat).adm3?.code).toBe(seat.adm3?.code);
    const hoods = p.search('Midan', 50).filter((x) => x.kind === 'neighbourhood');
    for (const h of hoods) expect(p.adminAt(h.lon, h.lat).adm3?.code, h.name).toBe(h.adm3?.code);
  });
});
