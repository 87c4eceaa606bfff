// GDAL reads /ogc as GIS tools do: ogrinfo's OAPIF driver on the real HTTP server (127.0.0.1),
// with a bearer token, finds every collection and reports feature counts equal to the API's
// numberMatched for that role; ogr2ogr pages through incidents by following the next links.
// GDAL (Debian gdal-bin, installed by .ci/run) is required: without ogrinfo this test fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles.ts';
import { demoId, testApp, type TestApp } from '../../test/support/app.ts';
import { decidedIncident, fileReport } from '../../test/support/desk.ts';

const run = promisify(execFile); // asynchronous: the server answers GDAL from this same process
let t: TestApp;
let base = '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-ogr-'));

beforeAll(async () => {
  t = await testApp();
  for (let i = 0; i < 14; i++) await decidedIncident(t.db, { lonLat: [36 + i / 50, 34], at: `2016-03-${String(i + 1).padStart(2, '0')}T08:00:00Z` }, { publish: i % 2 === 0 });
  for (let i = 0; i < 3; i++) await fileReport(t.db, { lonLat: [37, 35 + i / 50], perpetrators: [demoId('saaf')] }); // the liaison's, unpublished
  const square = (w: number, s: number) => ({ type: 'Polygon', coordinates: [[[w, s], [w + 0.5, s], [w + 0.5, s + 0.5], [w, s + 0.5], [w, s]]] });
  for (const [party, w] of [['saaf', 36], ['hzb', 37]] as const) {
    const res = await t.call('admin', { method: 'POST', url: '/api/v1/territories', payload: { partyId: demoId(party), geometry: square(w, 33), validFrom: '2016-01-01T00:00:00Z' } });
    expect(res.statusCode, res.body).toBe(201);
  }
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A GDAL tool with the role's bearer token; a missing tool fails the test with what to install. */
async function gdal(tool: 'ogrinfo' | 'ogr2ogr', role: Role, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(tool, [...args, '--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${t.tokens[role]}`, '--config', 'GDAL_HTTP_TIMEOUT', '60'], { timeout: 120_000, maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error(`${tool} is not installed: apt-get install -y gdal-bin (the OGC API test needs GDAL's OAPIF driver)`);
    throw new Error(`${tool} failed: ${err.message}\n${err.stderr ?? ''}`);
  }
}

const numberMatched = async (role: Role, collection: string) => {
  const res = await t.call(role, { method: 'GET', url: `/ogc/collections/${collection}/items?limit=1` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().numberMatched as number;
};

describe('GDAL’s OAPIF driver reads /ogc', () => {
  it.each(['admin', 'liaison', 'public'] as Role[])('ogrinfo as %s: every collection, with the API’s feature counts', async (role) => {
    const { stdout } = await gdal('ogrinfo', role, ['-ro', '-so', '-al', `OAPIF:${base}/ogc`]);
    const counts = Object.fromEntries([...stdout.matchAll(/^Layer name: (\S+)$[\s\S]*?^Feature Count: (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(counts).sort()).toEqual(['admin-areas', 'incidents', 'territories']);
    for (const c of Object.keys(counts)) expect(counts[c], `${role} ${c}`).toBe(await numberMatched(role, c));
    expect(counts['admin-areas']).toBe(348);
    expect(counts.territories).toBe(2);
  });

  it('the counts differ by role as the API’s do', async () => {
    const [admin, liaison, pub] = await Promise.all((['admin', 'liaison', 'public'] as Role[]).map((r) => numberMatched(r, 'incidents')));
    expect(admin).toBeGreaterThan(liaison);
    expect(liaison).toBe(pub + 3);
  });

  it('ogr2ogr pages through incidents 3 at a time, following next links: every feature once', async () => {
    const out = path.join(dir, 'incidents.geojson');
    const { stderr } = await gdal('ogr2ogr', 'liaison', ['-f', 'GeoJSON', out, `OAPIF:${base}/ogc`, 'incidents', '-oo', 'PAGE_SIZE=3', '--debug', 'on']);
    const fc = JSON.parse(fs.readFileSync(out, 'utf8'));
    const ids = fc.features.map((f: { properties: { id: string } }) => f.properties.id);
    const api = (await t.call('liaison', { method: 'GET', url: '/ogc/collections/incidents/items?limit=10000' })).json();
    expect(ids.length).toBe(api.numberMatched);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(api.features.map((f: { id: string }) => f.id).sort());
    // GDAL asked for pages of 3 and followed the cursors the next links carry
    const fetched = [...stderr.matchAll(/Fetch\((\S+\/collections\/incidents\/items\S*)\)/g)].map((m) => m[1]);
    expect(fetched.filter((u) => u.includes('cursor=')).length).toBe(Math.ceil(api.numberMatched / 3) - 1);
    expect(fetched.every((u) => u.includes('limit=3'))).toBe(true);
  });
});
