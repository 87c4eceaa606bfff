// The vetting history and batch vetting (issue 12) in a real browser (Debian's Chromium,
// playwright-core) against the real server with the Syria 2016 demo: a batch chosen as a CSV file
// and one pasted as GeoJSON, decided and shown as a table, their results downloaded as CSV and
// GeoJSON; the history filtered by party, decision, reason and time, a row's ledger entry opened
// and its decision replayed, and the history exported with the same filters. Phone width too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, demoId } from '../support/app.ts';
import { apiAs, hasChromium, launchChromium, signInWithForm } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(REPO, 'test-artifacts', `vetting-batch-${process.env.TRUCE_TEST_ENGINE ?? 'default'}`);
const PASSWORD = 'correct horse battery staple 2016';
const SECRETARIAT = { name: 'Batch Secretariat', username: 'batch.secretariat', password: PASSWORD, role: 'secretariat' };
const LIAISON = { name: 'Batch Liaison', username: 'batch.liaison', password: PASSWORD, role: 'liaison', partyId: demoId('saaf') };
const VALID_FROM = '2016-02-27T00:00:00Z';
const square = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

// committed (SAAF) west, designated (al-Nusra) east; a hospital in the committed ground
const CSV = [
  'lat,lon,radius_m,at,note',
  '35.2,36.8,,2016-03-01T00:00:00Z,Committed ground',
  '35.2,37.4,,2016-03-01T00:00:00Z,Designated ground',
  '35°18′N,36°42′E,300,2016-03-01T00:00:00Z,Near the hospital',
  '35.2,38.5,,2016-03-01T00:00:00Z,=HYPERLINK("http://example.invalid")',
].join('\n');
const GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [36.9, 35.1] }, properties: { name: 'Pasted point', at: '2016-03-01T00:00:00Z' } },
    { type: 'Feature', geometry: square(37.3, 35.1, 37.31, 35.11), properties: { name: 'Pasted square', at: '2016-03-01T00:00:00Z' } },
  ],
});

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('vetting history and batches (Chromium)', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const admin = apiAs(() => server!.url, ADMIN_TOKEN);
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const hashParam = (k: string) => page.evaluate((key) => new URLSearchParams(location.hash.split('?')[1] ?? '').get(key), k);

  beforeAll(async () => {
    if (!hasChromium) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'targets.csv'), CSV);
    server = await startTestServer();
    for (const account of [SECRETARIAT, LIAISON]) await admin('POST', '/api/v1/accounts', account);
    await admin('POST', '/api/v1/territories', { partyId: demoId('saaf'), geometry: square(36.6, 35.0, 37.0, 35.4), validFrom: VALID_FROM, source: 'browser test' });
    await admin('POST', '/api/v1/territories', { partyId: demoId('nusra'), geometry: square(37.2, 35.0, 37.6, 35.4), validFrom: VALID_FROM, source: 'browser test' });
    await admin('POST', '/api/v1/sites', { kind: 'hospital', name: 'Batch Test Hospital', geometry: { type: 'Point', coordinates: [36.7, 35.3] }, bufferM: 1000, validFrom: '2016-01-01T00:00:00Z' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, timezoneId: 'Asia/Damascus' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const download = async (testid: string): Promise<string> => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
    return readFileSync((await d.path())!, 'utf8');
  };

  it.skipIf(!hasChromium)('vets a chosen CSV file as a batch, shows the table and downloads the results', async () => {
    await page.goto(`${server!.url}/#/vetting`);
    await signInWithForm(page, SECRETARIAT.username, SECRETARIAT.password);
    await page.click('[data-testid="vet-tab-batch"]');
    await page.waitForSelector('[data-testid="vet-batch"]');
    expect(await page.locator('nav a', { hasText: 'Vetting' }).getAttribute('aria-current')).toBe('page');
    await page.waitForSelector(`[data-testid="vb-party"] option[value="${demoId('rus')}"]`, { state: 'attached' });
    await page.selectOption('[data-testid="vb-party"]', demoId('rus'));
    await page.setInputFiles('[data-testid="vb-file"]', join(ARTIFACTS, 'targets.csv'));
    await page.waitForSelector('[data-testid="vb-read"][data-targets="4"][data-errors="0"]');
    await page.click('[data-action="vet-batch"]');
    await page.waitForSelector('[data-testid="vet-batch"][data-state="done"]');
    const rows = await page.$$eval('[data-testid="vb-table"] tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-vetting-id')!, decision: tr.getAttribute('data-decision'), codes: [...tr.querySelectorAll('[data-code]')].map((c) => c.getAttribute('data-code')) })));
    expect(rows).toHaveLength(4);
    expect(rows[0].decision).toBe('prohibited');
    expect(rows[0].codes).toContain('COMMITTED_PARTY_TERRITORY');
    expect(rows[1].codes).toContain('DESIGNATED_GROUP_EXCEPTION');
    expect(rows[2].codes).toContain('PROTECTED_SITE'); // the task force sees the site
    // each decision is recorded, and deciding it again gives the same
    for (const r of rows) expect(await admin<{ same: boolean; decision: string }>('GET', `/api/v1/vetting/${r.id}/replay`)).toMatchObject({ same: true, decision: r.decision });
    const decisions = rows.map((r) => r.decision);
    expect(await page.textContent('[data-testid="vb-summary"]')).toContain('4 decisions recorded');
    await shot('01-batch-csv');

    const csv = parse(await download('vb-download-csv'), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => [r.index, r.source, r.decision, r.id])).toEqual(rows.map((r, i) => [String(i), `row ${i + 1}`, r.decision, r.id]));
    expect(csv[3].note).toBe(`'=HYPERLINK("http://example.invalid")`); // a spreadsheet shows it as text
    expect(csv[0].longitude).toBe('36.8');
    const geo = JSON.parse(await download('vb-download-geojson'));
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features.map((f: { properties: { decision: string } }) => f.properties.decision)).toEqual(decisions);
    expect(geo.features[2].properties.radiusM).toBe(300);
  }, 120_000);

  it.skipIf(!hasChromium)('reads pasted GeoJSON, names the faults of a bad paste by row, and sends nothing until they are fixed', async () => {
    await page.fill('[data-testid="vb-paste"]', 'lat,lon\n35.2,36.8\n95,36.8\nsomewhere,else\n');
    await page.waitForSelector('[data-testid="vb-read"][data-errors="2"]');
    const errors = await page.$$eval('[data-testid="vb-read-errors"] li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(errors[0]).toMatch(/^row 2 \(line 3\): .*latitude/i);
    expect(errors[1]).toMatch(/^row 3 \(line 4\)/);
    expect(await page.isDisabled('[data-action="vet-batch"]')).toBe(true);
    await shot('02-batch-faults');
    await page.fill('[data-testid="vb-paste"]', GEOJSON);
    await page.waitForSelector('[data-testid="vb-read"][data-targets="2"][data-errors="0"]');
    await page.click('[data-action="vet-batch"]');
    await page.waitForSelector('[data-testid="vb-table"] tbody tr[data-index="1"]');
    const rows = await page.$$eval('[data-testid="vb-table"] tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-decision'), tr.children[1].textContent, tr.children[6].textContent]));
    // as single requests decide them
    const singles = [];
    for (const f of JSON.parse(GEOJSON).features) singles.push((await admin<{ decision: string }>('POST', '/api/v1/vetting', { requestingPartyId: demoId('rus'), at: '2016-03-01T00:00:00Z', target: f.geometry })).decision);
    expect(rows).toEqual([[singles[0], 'feature 1', 'Pasted point'], [singles[1], 'feature 2', 'Pasted square']]);
    expect(singles[0]).toBe('prohibited');
  }, 60_000);

  it.skipIf(!hasChromium)('filters the history by party, decision, reason and time, links a row to its ledger entry and replays it', async () => {
    await page.click('[data-testid="vet-tab-history"]');
    await page.waitForSelector('[data-testid="vet-history"][data-state="ready"]');
    expect(await page.$$eval('[data-testid="vh-table"] tbody tr[data-vetting-id]', (trs) => trs.length)).toBe(8); // two batches and two single requests
    await page.selectOption('[data-testid="vh-party"]', demoId('rus'));
    await page.waitForFunction((id) => new URLSearchParams(location.hash.split('?')[1] ?? '').get('party') === id, demoId('rus'));
    await page.selectOption('[data-testid="vh-decision"]', 'prohibited');
    await page.selectOption('[data-testid="vh-reason"]', 'PROTECTED_SITE');
    const today = new Date().toISOString().slice(0, 10);
    await page.fill('[data-testid="vh-from"]', today);
    await page.fill('[data-testid="vh-to"]', today);
    await page.locator('[data-testid="vh-to"]').dispatchEvent('change');
    await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1] ?? '').get('to'));
    await page.waitForSelector('[data-testid="vet-history"][data-state="ready"]');
    expect([await hashParam('decision'), await hashParam('reason'), await hashParam('from')]).toEqual(['prohibited', 'PROTECTED_SITE', today]);
    const rows = page.locator('[data-testid="vh-table"] tbody tr[data-vetting-id]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-decision')).toBe('prohibited');
    await shot('03-history-filtered');

    // the export takes the same filters
    const csv = parse(await download('vh-export-csv'), { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(1);
    expect(csv[0]).toMatchObject({ id: await rows.first().getAttribute('data-vetting-id'), decision: 'prohibited', requestingPartyId: demoId('rus') });
    expect(csv[0].reasonCodes).toContain('PROTECTED_SITE');
    const geo = JSON.parse(await download('vh-export-geojson'));
    expect(geo.features.map((f: { id: string }) => f.id)).toEqual([csv[0].id]);

    // replay in place, then the ledger entry
    await rows.first().locator('[data-action="replay"]').click();
    await page.waitForSelector('[data-testid="vh-replay-out"][data-same="true"]');
    const seq = await rows.first().getAttribute('data-seq');
    await rows.first().locator('[data-testid="vh-ledger-link"]').click();
    await page.waitForSelector('[data-testid="record-focus"]');
    expect(await page.getAttribute('[data-testid="record-focus"]', 'data-seq')).toBe(seq);
    expect(await page.textContent('[data-testid="record-focus"]')).toContain('vetting.decided');
    await shot('04-ledger-entry');
  }, 90_000);

  it.skipIf(!hasChromium)('fits a phone, and a liaison gets its batch told as a liaison and no history', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server!.url}/#/vetting/history`);
    await page.waitForSelector('[data-testid="vet-history"][data-state="ready"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('05-history-phone');
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('form input[name="username"]'); // signed out: the form, before going anywhere
    await signInWithForm(page, LIAISON.username, LIAISON.password);
    await page.goto(`${server!.url}/#/vetting/batch`);
    await page.waitForSelector('[data-testid="vet-batch"]');
    expect(await page.locator('[data-testid="vet-tab-history"]').count()).toBe(0);
    await page.waitForSelector(`[data-testid="vb-party"] option[value="${demoId('saaf')}"]`, { state: 'attached' });
    await page.fill('[data-testid="vb-paste"]', 'target,at\n"35.3, 36.7",2016-03-01T00:00:00Z\n"35.2, 36.8",2016-03-01T00:00:00Z\n');
    await page.waitForSelector('[data-testid="vb-read"][data-targets="2"][data-errors="0"]');
    await page.click('[data-action="vet-batch"]');
    await page.waitForSelector('[data-testid="vet-batch"][data-state="done"]');
    const codes = await page.$$eval('[data-testid="vb-table"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('[data-code]')].map((c) => c.getAttribute('data-code'))));
    expect(codes[0]).toContain('REFERRED_TO_TASK_FORCE');
    expect(codes.flat()).not.toContain('PROTECTED_SITE');
    const overflowBatch = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflowBatch).toBeLessThanOrEqual(0);
    await shot('06-batch-liaison-phone');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
