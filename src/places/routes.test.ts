// GET /api/v1/places: the gazetteer through the real app, on the test engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../auth/roles.ts';
import { testApp, type TestApp } from '../../test/support/app.ts';
import { TIERS } from './normalise.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

interface Item {
  id: string;
  name: string;
  nameAr?: string;
  kind: string;
  pcode?: string;
  adm1: { code: string; name: string } | null;
  adm2: { code: string; name: string } | null;
  adm3: { code: string; name: string } | null;
  lon: number;
  lat: number;
  population?: number;
  source: string;
  country: string;
  match: (typeof TIERS)[number];
}

async function places(query: string, role: (typeof ROLES)[number] = 'analyst'): Promise<Item[]> {
  const res = await t.call(role, { method: 'GET', url: `/api/v1/places?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
const q = (s: string, extra = '') => `q=${encodeURIComponent(s)}${extra}`;

describe('the issue’s spellings', () => {
  it.each([
    ['Daraya', 'SY030900'],
    ['Darayya', 'SY030900'],
    ['داريا', 'SY030900'],
    ['Douma', 'SY030200'],
    ['Duma', 'SY030200'],
    ['دوما', 'SY030200'],
    ['Zabadani', 'SY030700'],
    ['Az-Zabdani', 'SY030700'],
    ['الزبداني', 'SY030700'],
    ['Deir ez-Zor', 'SY090100'],
    ['Deir al-Zour', 'SY090100'],
    ['دير الزور', 'SY090100'],
  ])('%s: the town of %s first, an exact match, with its units', async (name, adm3) => {
    const items = await places(q(name));
    expect(items[0]).toMatchObject({ kind: 'town', match: 'exact', adm3: { code: adm3 } });
    expect(items[0].adm1?.code).toBe(adm3.slice(0, 4));
    expect(items[0].adm2?.code).toBe(adm3.slice(0, 6));
    // the sub-district itself is among the matches, exact or as a variant spelling
    expect(items.find((i) => i.kind === 'adm3' && i.pcode === adm3)?.match).toMatch(/^(exact|variant)$/);
  });

  it('Homs is not Hama, in either script', async () => {
    for (const name of ['Homs', 'حمص']) {
      const items = await places(q(name, '&limit=50'));
      expect(items[0]).toMatchObject({ name: 'Homs', adm1: { code: 'SY04' } });
      expect(items.filter((i) => i.adm1?.code === 'SY05' && i.match !== 'prefix' && i.match !== 'script')).toEqual([]);
    }
  });
});

describe('ranking', () => {
  it('exact, then variant, then prefix, then other-script matches; by population within a tier', async () => {
    for (const name of ['Zabadani', 'Deir', 'Hama', 'Tall', 'داريا', 'Kafr']) {
      const items = await places(q(name, '&limit=50'));
      expect(items.length, name).toBeGreaterThan(0);
      const tiers = items.map((i) => TIERS.indexOf(i.match));
      expect(tiers, name).toEqual([...tiers].sort((a, b) => a - b));
      for (let k = 1; k < items.length; k++) {
        if (items[k].match === items[k - 1].match) expect(items[k].population ?? 0, `${name}: ${items[k].name} after ${items[k - 1].name}`).toBeLessThanOrEqual(items[k - 1].population ?? 0);
      }
    }
  });

  it('a governorate, its district and sub-district rank after the town of the same name, in that order', async () => {
    const items = await places(q('Hama'));
    expect(items.slice(0, 4).map((i) => i.kind)).toEqual(['town', 'adm1', 'adm2', 'adm3']);
    expect(items[1].pcode).toBe('SY05');
  });

  it('a prefix finds names by any word: "zor" finds Deir ez-Zor', async () => {
    const items = await places(q('zor'));
    expect(items.some((i) => i.adm3?.code === 'SY090100' && i.match === 'prefix')).toBe(true);
  });

  it('filters by kind', async () => {
    const items = await places(q('Homs', '&kind=adm1'));
    expect(items.map((i) => [i.kind, i.pcode])).toEqual([['adm1', 'SY04']]);
    const hoods = await places(q('Midan', '&kind=neighbourhood&limit=50'));
    expect(hoods.length).toBeGreaterThan(1);
    expect(hoods.every((i) => i.kind === 'neighbourhood' && i.adm3 !== null)).toBe(true);
  });
});

describe('sources', () => {
  it('GeoNames towns of the neighbours near the border, without Syrian units; none far from it', async () => {
    const [kilis] = await places(q('Kilis'));
    expect(kilis).toMatchObject({ name: 'Kilis', country: 'TUR', source: 'geonames', adm1: null, adm2: null, adm3: null });
    expect(kilis.population).toBeGreaterThan(50_000);
    const amman = await places(q('Amman'));
    expect(amman.filter((i) => i.match === 'exact')).toEqual([]);
  });

  it('an OCHA seat carries its GeoNames population, and Arabic name of its unit', async () => {
    const [duma] = await places(q('Douma'));
    expect(duma).toMatchObject({ name: 'Duma', nameAr: 'دوما', source: 'ocha+geonames', country: 'SYR' });
    expect(duma.population).toBeGreaterThan(100_000);
  });
});

describe('limits and bad input', () => {
  it('10 by default, up to 50', async () => {
    expect(await places(q('a'))).toHaveLength(10);
    expect(await places(q('a', '&limit=50'))).toHaveLength(50);
    expect(await places(q('a', '&limit=3'))).toHaveLength(3);
  });

  it.each([
    ['', 'q'],
    ['q=', 'q'],
    [q('---'), 'q'],
    [q("' ' ,"), 'q'],
    [q('x'.repeat(101)), 'q'],
    [q('Duma', '&limit=0'), 'limit'],
    [q('Duma', '&limit=51'), 'limit'],
    [q('Duma', '&limit=ten'), 'limit'],
    [q('Duma', '&kind=city'), 'kind'],
    [q('Duma', '&sort=name'), 'sort'],
  ])('?%s: 400 naming %s', async (query, field) => {
    const res = await t.call('public', { method: 'GET', url: `/api/v1/places?${query}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
  });

  it('a long query of the largest size is answered (none is too slow to refuse)', async () => {
    const started = Date.now();
    const items = await places(q('Deir ez-Zor '.repeat(9).slice(0, 100)));
    expect(Array.isArray(items)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('access', () => {
  it('every signed-in role gets the same answer; no token gets 401', async () => {
    const bodies = new Set<string>();
    for (const role of ROLES) bodies.add(JSON.stringify(await places(q('Daraya'), role)));
    expect(bodies.size).toBe(1);
    const res = await t.call(null, { method: 'GET', url: `/api/v1/places?${q('Daraya')}` });
    expect(res.statusCode).toBe(401);
  });
});
