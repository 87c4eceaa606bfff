// The desk in a real browser (Debian's Chromium, playwright-core, software WebGL) against the
// real server with the Syria 2016 demo: the map on 27 February 2016 with its day slider, a
// report filed by clicking the map and another by place name, grouped into one incident,
// reviewed, a claim and a request answered by the party's liaison, and the live stream
// bringing each change to a second browser context. Screenshots at 1280×800 and 390×844.
// A step whose API is not in the server yet (GET /openapi.json) is skipped, saying which.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { seedDemoMap } from '../../src/demo/syria2016-map.ts';
import { ADMIN_TOKEN, demoId, testConfig } from '../support/app.ts';
import { apiAs, clickMap, hasChromium, launchChromium, signInWithForm, waitForMapIdle, type MapWindow } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(REPO, 'test-artifacts', `incidents-${process.env.TRUCE_TEST_ENGINE ?? 'default'}`);

const PASSWORD = 'correct horse battery staple 2016';
const SECRETARIAT = { name: 'Desk Secretariat', username: 'desk.secretariat', password: PASSWORD, role: 'secretariat' };
const MONITOR = { name: 'Field Monitor', username: 'desk.monitor', password: PASSWORD, role: 'monitor' };
const LIAISON = { name: 'SAAF Liaison', username: 'desk.liaison.saaf', password: PASSWORD, role: 'liaison', partyId: demoId('saaf') };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
// Douma, Rif Dimashq, and a spot 1.5 km from it: one event in two reports.
const DOUMA: [number, number] = [36.4008, 33.5722];
const NEAR_DOUMA: [number, number] = [36.415, 33.58];

type Server = Awaited<ReturnType<typeof startTestServer>>;
type IncidentsWindow = MapWindow & { __truceIncidents?: { total(): number; drawn(): number } };

// each step drives two or three browsers through several pages: a workflow, not a timing check
describe('incidents: map, inbox, incident page (Chromium)', { timeout: 90_000 }, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let routes = new Set<string>();
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const external: string[] = [];
  /** The secretariat's page, a monitor's (the second context, watching live), the liaison's. */
  let desk: Page;
  let watcher: Page;
  let incidentId = '';

  /** Skips the test when the server lacks a route it needs (another branch has not landed yet). */
  const needs = (ctx: TestContext, ...paths: string[]): void => {
    const missing = paths.filter((p) => !routes.has(p));
    if (missing.length) ctx.skip(`waits on ${missing.join(', ')}`);
  };

  const api = apiAs(() => server!.url, ADMIN_TOKEN);

  async function open(viewport = DESKTOP): Promise<Page> {
    const context = await browser!.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'Asia/Damascus' });
    contexts.push(context);
    const page = await context.newPage();
    const origin = new URL(server!.url).origin;
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !/^(data|blob):/.test(url)) external.push(url);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
    return page;
  }

  async function signedIn(user: { username: string; password: string }, hash = '#/map', viewport = DESKTOP): Promise<Page> {
    const page = await open(viewport);
    await page.goto(`${server!.url}/${hash}`);
    await signInWithForm(page, user.username, user.password);
    return page;
  }

  const shot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };

  /** Presses "File the report"; fails with the form's own message when the server refused it. */
  const fileReport = async () => {
    await desk.click('[data-action="file-report"]');
    await desk.waitForSelector('[data-testid="report-filed"]:not([hidden]), [data-testid="report-error"]:not([hidden])');
    const error = desk.locator('[data-testid="report-error"]');
    if (await error.isVisible()) throw new Error(`the form says: ${await error.textContent()}`);
    return desk.locator('[data-testid="report-filed"]');
  };

  const mapReady = async (page: Page, day: string): Promise<void> => {
    await page.waitForSelector(`[data-testid="map-page"][data-layers-day="${day}"][data-layers="ready"]`, { timeout: 60_000 });
    await waitForMapIdle(page);
  };

  beforeAll(async () => {
    if (!hasChromium) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    await seedDemoMap(server.db, testConfig()); // who held what from 27 February 2016
    for (const u of [SECRETARIAT, MONITOR, LIAISON]) await server.createUser(u);
    const spec = await api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
    routes = new Set(Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{[^}]+\}/g, '{id}')}`)));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  it.skipIf(!hasChromium)('opens the map on 27 February 2016 with that day’s territory, and the slider moves the day', async () => {
    desk = await signedIn(SECRETARIAT);
    await mapReady(desk, '2016-02-27');
    expect(await desk.textContent('[data-testid="day-label"]')).toBe('Sat 27 Feb 2016');
    const territory = await desk.evaluate(() => (window as MapWindow).__truceMap!.querySourceFeatures('territory').length);
    expect(territory).toBeGreaterThan(0);
    await shot(desk, '01-map-27feb-1280');

    // The keyboard moves the slider one day; the hash and the layers follow.
    await desk.focus('[data-testid="day-slider"]');
    await desk.keyboard.press('ArrowRight');
    await desk.waitForFunction(() => location.hash.includes('day=2016-02-28'));
    await mapReady(desk, '2016-02-28');
    expect(await desk.textContent('[data-testid="day-label"]')).toBe('Sun 28 Feb 2016');
    await desk.click('[data-action="day-prev"]');
    await mapReady(desk, '2016-02-27');
  }, 120_000);

  it.skipIf(!hasChromium)('colours each party on request', async () => {
    await desk.check('[data-testid="colour-by-party"]');
    await desk.waitForFunction(() => location.hash.includes('colour=party'));
    await desk.waitForSelector('[data-testid="party-legend"]:not([hidden]) li[data-legend^="party-"]');
    const paint = await desk.evaluate(() => JSON.stringify((window as MapWindow).__truceMap!.getPaintProperty('territory-fill', 'fill-color')));
    expect(paint).toContain('"partyId"');
    expect(paint).toContain(demoId('saaf'));
    await waitForMapIdle(desk);
    await shot(desk, '02-map-by-party-1280');
    await desk.uncheck('[data-testid="colour-by-party"]');
    await desk.waitForFunction(() => !location.hash.includes('colour=party'));
  }, 60_000);

  it.skipIf(!hasChromium)('a second browser context watches the same day', async () => {
    watcher = await signedIn(MONITOR);
    await mapReady(watcher, '2016-02-27');
    await watcher.waitForSelector('[data-testid="map-page"][data-incidents="ready"], [data-testid="map-page"][data-incidents="failed"]');
  }, 120_000);

  it.skipIf(!hasChromium)('files a report by clicking the map; the second context sees its incident arrive live', async (ctx) => {
    needs(ctx, 'POST /api/v1/reports', 'GET /api/v1/incidents', 'GET /api/v1/incidents/{id}', 'GET /api/v1/stream');
    const before = await watcher.evaluate(() => (window as IncidentsWindow).__truceIncidents!.total());
    await desk.click('[data-action="open-report"]');
    await desk.waitForSelector('[data-testid="report-form"]');
    await desk.evaluate((c) => void (window as MapWindow).__truceMap!.jumpTo({ center: c, zoom: 10 }), DOUMA);
    await waitForMapIdle(desk);
    await clickMap(desk, DOUMA);
    await desk.waitForSelector('[data-testid="report-pin"]');
    expect(await desk.textContent('[data-testid="report-location"]')).toContain('33.57');
    await desk.selectOption('#rf-eventType', 'shelling');
    await desk.fill('#rf-occurredAt', '2016-02-27T14:30');
    await desk.selectOption('#rf-occurredPrecision', 'exact');
    await desk.check(`[data-testid="parties-perpetrators"] input[value="${demoId('saaf')}"]`);
    await desk.fill('#rf-killed', '3');
    await desk.fill('#rf-killedCivilians', '2');
    await desk.fill('#rf-text', 'Mortar rounds fell on the market in the afternoon; three killed, two of them civilians.');
    await shot(desk, '03-report-form-1280');
    const filed = await fileReport();
    incidentId = (await filed.getAttribute('data-incident-id')) ?? '';
    expect(incidentId).toMatch(/^[0-9a-f-]{36}$/);
    await shot(desk, '04-report-filed-1280');

    // Live: the monitor's map counts one more incident, without reloading.
    await watcher.waitForFunction((n) => (window as IncidentsWindow).__truceIncidents!.total() === n + 1, before, { timeout: 15_000 });
    expect(Number(await watcher.getAttribute('[data-testid="map-page"]', 'data-live-updates'))).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(!hasChromium)('a second report by place name is grouped into the same incident', async (ctx) => {
    needs(ctx, 'POST /api/v1/reports', 'GET /api/v1/places', 'GET /api/v1/incidents/{id}');
    if (!incidentId) ctx.skip('needs the first report');
    await desk.click('[data-action="another-report"]');
    await desk.selectOption('#rf-eventType', 'shelling');
    await desk.fill('#rf-occurredAt', '2016-02-27T15:00');
    await desk.fill('#rf-placeName', 'Duma');
    const option = desk.locator('[data-testid="place-results"] li[role="option"]').first();
    await option.waitFor({ state: 'visible' });
    await shot(desk, '05-report-place-search-1280');
    await option.click();
    expect(await desk.textContent('[data-testid="report-location"]')).toMatch(/33\.\d+, 36\.\d+/);
    // The gazetteer point is the town's centre; the reporter moves the pin to the spot.
    await clickMap(desk, NEAR_DOUMA);
    await desk.check(`[data-testid="parties-perpetrators"] input[value="${demoId('saaf')}"]`);
    await desk.fill('#rf-killed', '4');
    const filed = await fileReport();
    expect(await filed.getAttribute('data-incident-id')).toBe(incidentId);
    expect(await filed.getAttribute('data-report-count')).toBe('2');
    expect(await filed.textContent()).toContain('Grouped with 1 other report');
  }, 60_000);

  it.skipIf(!hasChromium)('the inbox lists the incident in the review queue; its page shows both reports', async (ctx) => {
    needs(ctx, 'GET /api/v1/incidents', 'GET /api/v1/incidents/{id}');
    if (!incidentId) ctx.skip('needs the filed report');
    await desk.click('nav a:has-text("Incidents")');
    const row = desk.locator(`[data-testid="inbox"] tr[data-incident-id="${incidentId}"]`);
    await row.waitFor({ state: 'visible' });
    expect(await row.getAttribute('data-status')).toBe('reported');
    await desk.selectOption('[data-testid="filter-type"]', 'airstrike');
    await desk.waitForSelector('[data-testid="inbox-page"][data-state="ready"]');
    await desk.waitForFunction(() => location.hash.includes('type=airstrike'));
    await desk.waitForSelector('[data-testid="inbox-page"][data-state="ready"]');
    expect(await row.count()).toBe(0);
    await desk.selectOption('[data-testid="filter-type"]', 'shelling');
    await row.waitFor({ state: 'visible' });
    await shot(desk, '06-inbox-1280');
    await row.click();
    await desk.waitForSelector(`[data-testid="incident-page"][data-state="ready"][data-incident-id="${incidentId}"]`);
    expect(await desk.locator('[data-testid="reports"] [data-report-id]').count()).toBe(2);
    expect(await desk.getAttribute('[data-testid="incident-page"]', 'data-report-count')).toBe('2');
  }, 60_000);

  it.skipIf(!hasChromium)('reviews it with a grade and reasoning; the watcher’s inbox follows live', async (ctx) => {
    needs(ctx, 'POST /api/v1/incidents/{id}/review', 'GET /api/v1/stream');
    if (!incidentId) ctx.skip('needs the incident');
    await watcher.goto(`${server!.url}/#/incidents?status=any`);
    const watched = watcher.locator(`[data-testid="inbox"] tr[data-incident-id="${incidentId}"]`);
    await watched.waitFor({ state: 'visible' });
    // reported → under review → verified (fair): the form offers only the steps the review allows.
    expect(await desk.$$eval('#inc-status option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['under_review']);
    await desk.fill('#inc-reasoning', 'Two reports of shelling in Douma; opening the review.');
    await desk.click('[data-action="review"]');
    await desk.waitForSelector('[data-testid="review-outcome"][data-outcome="ok"]');
    await desk.waitForSelector('[data-testid="incident-page"][data-status="under_review"]');
    await desk.selectOption('#inc-status', 'verified');
    expect(await desk.$$eval('#inc-grade option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['confirmed', 'fair']);
    await desk.selectOption('#inc-grade', 'fair');
    await desk.fill('#inc-reasoning', 'Two independent reports a few hundred metres apart within the hour; crater analysis consistent with mortar fire.');
    await desk.click('[data-action="review"]');
    await desk.waitForSelector('[data-testid="review-outcome"][data-outcome="ok"]');
    await desk.waitForSelector('[data-testid="incident-page"][data-status="verified"]');
    expect(await desk.textContent('[data-testid="incident-reasoning"]')).toContain('crater analysis');
    await watcher.waitForSelector(`[data-testid="inbox"] tr[data-incident-id="${incidentId}"][data-status="verified"]`, { timeout: 15_000 });
  }, 60_000);

  it.skipIf(!hasChromium)('records a party’s claim beside the reports, and a request its liaison answers', async (ctx) => {
    needs(ctx, 'POST /api/v1/incidents/{id}/claims', 'POST /api/v1/incidents/{id}/requests', 'POST /api/v1/requests/{id}/answer');
    if (!incidentId) ctx.skip('needs the incident');
    await desk.selectOption('#inc-claim-party', demoId('saaf'));
    await desk.fill('#inc-claim-at', '2016-02-28T09:00');
    await desk.fill('#inc-claim-text', 'The army did not fire on Douma; the rounds came from positions of armed groups.');
    await desk.check(`[data-testid="parties-claim-perpetrators"] input[value="${demoId('jai')}"]`);
    await desk.fill('#inc-claim-killed', '0');
    await desk.click('[data-action="add-claim"]');
    await desk.waitForSelector('[data-testid="claim-outcome"][data-outcome="ok"]');
    const column = desk.locator(`[data-testid="claims"] [data-side="party"][data-party-id="${demoId('saaf')}"]`);
    await column.waitFor({ state: 'visible' });
    expect(await column.textContent()).toContain('did not fire on Douma');

    await desk.selectOption('#inc-rq-party', demoId('saaf'));
    await desk.fill('#inc-rq-question', 'Which units were deployed within 5 km of Douma market on 27 February between 14:00 and 16:00?');
    await desk.click('[data-action="ask"]');
    await desk.waitForSelector('[data-testid="request-outcome"][data-outcome="ok"]');
    await desk.waitForSelector('[data-testid="requests"] [data-request-id]');
    await shot(desk, '07-incident-1280');

    // The liaison of the party asked answers it, in its own browser.
    const liaison = await signedIn(LIAISON, `#/incident?id=${incidentId}`);
    await liaison.waitForSelector('[data-testid="incident-page"][data-state="ready"]');
    await liaison.fill('[data-testid="requests"] textarea[name="answer"]', 'No unit of the Syrian Arab Army fired in that area at that time.');
    await liaison.click('[data-action="answer"]');
    await liaison.waitForSelector('[data-testid="answer-outcome"][data-outcome="ok"]');
    // The secretariat's page reloads on the stream and shows the answer.
    await desk.waitForFunction(() => document.querySelector('[data-testid="requests"] .answers')?.textContent?.includes('No unit of the Syrian Arab Army'), null, { timeout: 15_000 });
    await shot(desk, '08-incident-answered-1280');
  }, 120_000);

  it.skipIf(!hasChromium)('counts clusters exactly: every incident of the week under one number or another', async (ctx) => {
    needs(ctx, 'POST /api/v1/reports/batch', 'GET /api/v1/incidents');
    // 60 incidents spread over the west of the country on 28 February, well apart (no grouping).
    const reports = Array.from({ length: 60 }, (_, k) => ({
      channel: 'api',
      occurredAt: `2016-02-28T${String(6 + (k % 12)).padStart(2, '0')}:00:00Z`,
      location: { type: 'Point', coordinates: [36.2 + (k % 10) * 0.2, 33.4 + Math.floor(k / 10) * 0.4] },
      eventType: k % 2 ? 'airstrike' : 'ground_attack',
      text: `Seeded for the cluster test (${k}).`,
    }));
    const res = await api<{ accepted: number }>('POST', '/api/v1/reports/batch', { reports });
    expect(res.accepted).toBe(60);
    const list = await api<{ items: unknown[] }>('GET', '/api/v1/incidents?from=2016-02-28T00:00:00Z&to=2016-02-29T00:00:00Z&limit=500');
    await desk.goto(`${server!.url}/#/map?day=2016-02-28`);
    await desk.waitForSelector('[data-testid="map-page"][data-incidents="ready"][data-incidents-day="2016-02-28"]', { timeout: 60_000 });
    await waitForMapIdle(desk);
    const fitAll = async (): Promise<void> => {
      await desk.evaluate(() => void (window as MapWindow).__truceMap!.fitBounds([[35.6, 32.3], [42.4, 37.4]], { duration: 0 }));
      await waitForMapIdle(desk);
    };
    await fitAll();
    const counts = await desk.evaluate(() => ({ total: (window as IncidentsWindow).__truceIncidents!.total(), drawn: (window as IncidentsWindow).__truceIncidents!.drawn() }));
    expect(counts.total).toBe(list.items.length);
    expect(counts.drawn).toBe(list.items.length);
    // What the markers say adds up to the same.
    const shown = await desk.$$eval('.incident-cluster[data-count]', (els) => els.reduce((n, e) => n + Number(e.getAttribute('data-count')), 0));
    const singles = await desk.locator('.incident-dot').count();
    expect(shown + singles).toBe(list.items.length);
    expect(await desk.locator('.incident-cluster').count()).toBeGreaterThan(0);
    await shot(desk, '09-map-clusters-1280');
    // A cluster clicked zooms in until it splits; the total never changes.
    await desk.locator('.incident-cluster').first().click();
    await waitForMapIdle(desk);
    await desk.evaluate(() => void (window as MapWindow).__truceMap!.fitBounds([[35.6, 32.3], [42.4, 37.4]], { duration: 0 }));
    await waitForMapIdle(desk);
    expect(await desk.evaluate(() => (window as IncidentsWindow).__truceIncidents!.drawn())).toBe(list.items.length);
  }, 120_000);

  it.skipIf(!hasChromium)('on a phone (390×844): the map with the slider, the report form, the inbox and the incident', async () => {
    const phone = await signedIn(SECRETARIAT, '#/map', PHONE);
    await mapReady(phone, '2016-02-27');
    await shot(phone, '10-map-390');
    const hasForm = await phone.locator('[data-action="open-report"]').count();
    if (hasForm) {
      await phone.click('[data-action="open-report"]');
      await phone.waitForSelector('[data-testid="report-form"]');
      await waitForMapIdle(phone);
      await shot(phone, '11-report-form-390');
    }
    await phone.click('nav a:has-text("Incidents")');
    await phone.waitForSelector('[data-testid="inbox-page"][data-state="ready"], [data-testid="inbox-page"][data-state="failed"]');
    await shot(phone, '12-inbox-390');
    if (incidentId) {
      await phone.goto(`${server!.url}/#/incident?id=${incidentId}`);
      await phone.waitForSelector('[data-testid="incident-page"][data-state="ready"]');
      await shot(phone, '13-incident-390');
    }
    // Nothing is wider than the screen.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }, 120_000);

  it.skipIf(!hasChromium)('the vetting console’s “now” follows the clock', async () => {
    const context = await browser!.newContext({ viewport: DESKTOP, deviceScaleFactor: 1, timezoneId: 'Asia/Damascus' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.clock.install({ time: new Date('2026-06-01T10:00:00Z') });
    await page.goto(`${server!.url}/#/vetting`);
    await signInWithForm(page, SECRETARIAT.username, SECRETARIAT.password);
    await page.waitForSelector('[data-testid="vet-now"]:not([hidden])');
    expect(await page.inputValue('#vet-at')).toBe('2026-06-01T10:00');
    await page.clock.fastForward('03:00');
    await page.waitForFunction(() => (document.querySelector('#vet-at') as HTMLInputElement).value === '2026-06-01T10:03');
    // A time typed but not applied is left alone.
    await page.fill('#vet-at', '2016-03-01T00:00');
    await page.clock.fastForward('01:00');
    expect(await page.inputValue('#vet-at')).toBe('2016-03-01T00:00');
  }, 120_000);

  it.skipIf(!hasChromium)('fetched nothing from elsewhere and broke no content security policy', () => {
    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
