// Areas built from administrative units: a governorate of the OCHA boundaries unions into one
// territory whose geodesic area is the sum of its sub-districts' (a failed overlay would store
// nothing, or too little).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

const adm3 = JSON.parse(fs.readFileSync(new URL('../../reference/syria/adm3.geojson', import.meta.url), 'utf8'));

describe('territory from P-codes', () => {
  // Dar'a's sub-districts once made the floating-point overlay fail
  it.each(['SY12', 'SY07', 'SY03'])('governorate %s: every sub-district, the whole area', async (code) => {
    const units = adm3.features.filter((f: { properties: { adm1_pcode: string } }) => f.properties.adm1_pcode === code);
    const expected = units.reduce((a: number, f: { properties: { area_sqkm: number } }) => a + f.properties.area_sqkm, 0);
    const res = await t.call('secretariat', { method: 'POST', url: '/api/v1/territories/bulk', payload: { partyId: demoId('fsa'), validFrom: '2016-03-01T00:00:00Z', pcodes: [code] } });
    expect(res.statusCode, res.body).toBe(201);
    const [v] = res.json().items;
    expect(v.pcodes).toHaveLength(units.length);
    expect(v.areaKm2 / expected).toBeGreaterThan(0.98);
    expect(v.areaKm2 / expected).toBeLessThan(1.02);
  });
});
