// The map at a million incidents (issue 11), in Chromium: the first paint of a view under a
// second, pan and zoom that stay fluid, and the numbers drawn add up to the SQL's count of the
// view at each step. Screenshots at 1280×800 and 390×844 in test-artifacts/million-<engine>/.
//
// PostgreSQL only: seeding a million incidents on PGlite takes minutes (and most of a
// gigabyte of WebAssembly memory), past what CI affords; the server engine seeds them in about
// 40 s. TRUCE_TEST_MILLION sets another size (e.g. 100000 for a quick run).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIncidents } from './support/incidents-million.ts';
import { clusterIndexOf } from '../src/incidents/cluster-index.ts';
import { ADMIN_TOKEN } from '../test/support/app.ts';
import { apiAs, hasChromium, launchChromium, signInWithForm, waitForMapIdle, type MapWindow } from '../test/support/browser.ts';
import { engine } from '../test/support/db.ts';
import { startTestServer } from '../test/support/server.ts';

const N = Number(process.env.TRUCE_TEST_MILLION ?? 1_000_000);
const REPO = fileURLToPath(new URL('../', import.meta.url));
const ARTIFACTS = join(REPO, 'test-artifacts', `million-${engine}`);
const USER = { name: 'Scale Secretariat', username: 'scale.secretariat', password: 'correct horse battery staple 2016', role: 'secretariat' };

type Layer = {
  total(): number;
  drawn(): number;
  firstPaintMs(): number | null;
  paints(): number[];
  requests(): number;
  query(): Record<string, string> | null;
  answer(): { inView: number; located: number } | null;
};
type W = MapWindow & { __truceIncidents?: Layer };

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

describe.skipIf(!hasChromium || engine !== 'postgres')(`the map at ${N.toLocaleString('en-GB')} incidents`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  const api = apiAs(() => server!.url, ADMIN_TOKEN);
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    await server.createUser(USER);
    figures.seedMs = Math.round(await seedIncidents(server.db, N));
    const index = clusterIndexOf(server.db);
    index.reset();
    await index.current();
    figures.index = index.stats();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    console.log(`million browser test figures: ${JSON.stringify(figures)}`);
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  async function open(viewport: { width: number; height: number }, hash: string): Promise<Page> {
    const context = await browser!.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server!.url}/${hash}`);
    await signInWithForm(page, USER.username, USER.password);
    return page;
  }

  /** The numbers drawn, what the layer says it drew, and the SQL's count of the same view and filters. */
  async function check(page: Page): Promise<{ drawn: number; sql: number; markers: number }> {
    await waitForMapIdle(page);
    const { q, drawn } = await page.evaluate(() => ({ q: (window as W).__truceIncidents!.query()!, drawn: (window as W).__truceIncidents!.drawn() }));
    const clusters = await page.$$eval('.incident-cluster[data-count]', (els) => els.reduce((n, e) => n + Number(e.getAttribute('data-count')), 0));
    const singles = await page.locator('.incident-dot').count();
    const { zoom: _zoom, ...filters } = q;
    const params = new URLSearchParams({ by: 'type', ...filters });
    const sql = (await api<{ total: number }>('GET', `/api/v1/incidents/aggregates?${params}`)).total;
    expect(clusters + singles).toBe(drawn);
    expect(drawn).toBe(sql);
    return { drawn, sql, markers: await page.locator('.incident-cluster, .incident-dot').count() };
  }

  it('paints the first view in under a second and the counts add up (1280×800)', async () => {
    // every incident from the cessation's start to the end of 2024: half the desk in one window
    const t0 = Date.now();
    const page = await open({ width: 1280, height: 800 }, '#/map?day=2024-12-31&span=all');
    await page.waitForSelector('[data-testid="map-page"][data-incidents="ready"]', { timeout: 60_000 });
    figures.navigationToMarkersMs = Date.now() - t0;
    const first = await page.evaluate(() => (window as W).__truceIncidents!.firstPaintMs());
    figures.firstPaintMs = first;
    expect(first).not.toBeNull();
    expect(first!).toBeLessThan(1000);
    const c = await check(page);
    expect(c.drawn).toBeGreaterThan(N * 0.3);
    figures.firstView = c;
    await page.screenshot({ path: join(ARTIFACTS, 'million-1280.png') });
    // the counts panel names the window's total
    expect(Number(await page.getAttribute('[data-testid="incident-counts"]', 'data-total'))).toBeGreaterThan(N * 0.4);

    // pan and zoom: each view asked for, drawn in under a second, its numbers the SQL's
    const views: [number, number, number][] = [
      [36.3, 33.5, 8],
      [36.3, 33.5, 11],
      [36.29, 33.51, 14],
      [37.15, 36.2, 10],
      [38.5, 35.5, 7],
      [36.7, 35.5, 12],
      [40.1, 35.3, 9],
      [36.28, 33.51, 17],
    ];
    const before = await page.evaluate(() => (window as W).__truceIncidents!.paints().length);
    for (const [lon, lat, zoom] of views) {
      await page.evaluate(([x, y, z]) => void (window as W).__truceMap!.jumpTo({ center: [x, y], zoom: z }), [lon, lat, zoom]);
      await check(page);
    }
    const paints = (await page.evaluate(() => (window as W).__truceIncidents!.paints())).slice(before);
    expect(paints.length).toBeGreaterThanOrEqual(views.length);
    figures.viewPaintP50Ms = Math.round([...paints].sort((a, b) => a - b)[Math.floor(paints.length / 2)]);
    figures.viewPaintP95Ms = Math.round(p95(paints));
    expect(p95(paints)).toBeLessThan(1000);
    await page.screenshot({ path: join(ARTIFACTS, 'million-1280-zoomed.png') });

    // fluid: frames while the map flies across the country, against the same flight with the
    // incidents' markers hidden (the map alone) in the same run: software WebGL sets the frame time
    // here (about 200 ms a frame on two cores whatever is drawn), so the bound is on what the
    // incidents add to it
    const flight = async (hideMarkers: boolean): Promise<number[]> => {
      await page.evaluate(() => void (window as W).__truceMap!.jumpTo({ center: [36.28, 33.51], zoom: 15 }));
      await waitForMapIdle(page);
      return page.evaluate(
        (hide) =>
          new Promise<number[]>((resolve) => {
            const map = (window as W).__truceMap!;
            // (the markers of the view at rest: no other is drawn until the flight ends)
            if (hide) document.querySelectorAll<HTMLElement>('.maplibregl-marker').forEach((m) => (m.style.display = 'none'));
            const times: number[] = [];
            let last = performance.now();
            let on = true;
            const tick = (): void => {
              const now = performance.now();
              times.push(now - last);
              last = now;
              if (on) requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
            map.flyTo({ center: [38.2, 35.0], zoom: 6.5, duration: 1500 });
            map.once('moveend', () => {
              on = false;
              resolve(times.slice(1));
            });
          }),
        hideMarkers,
      );
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const frames = await flight(false);
    const bare = await flight(true);
    figures.flyFrames = frames.length;
    figures.flyFrameP50Ms = Math.round(median(frames));
    figures.flyFrameP95Ms = Math.round(p95(frames));
    figures.flyFrameBareP50Ms = Math.round(median(bare));
    figures.flyFrameRatio = Math.round((median(frames) / median(bare)) * 100) / 100;
    expect(figures.flyFrameRatio as number).toBeLessThan(1.5);
    // a request per view at rest, not per frame
    const requests = await page.evaluate(() => (window as W).__truceIncidents!.requests());
    expect(requests).toBeLessThan(views.length + 6);
    await check(page);
  }, 300_000);

  it('on a phone (390×844) with a filter: the same exact counts', async () => {
    const page = await open({ width: 390, height: 844 }, '#/map?day=2016-06-30&span=week&type=airstrike');
    await page.waitForSelector('[data-testid="map-page"][data-incidents="ready"]', { timeout: 60_000 });
    const c = await check(page);
    expect(c.drawn).toBeGreaterThan(0);
    const q = await page.evaluate(() => (window as W).__truceIncidents!.query()!);
    expect(q.type).toBe('airstrike');
    figures.phone = c;
    await page.screenshot({ path: join(ARTIFACTS, 'million-390.png') });
  }, 120_000);
});
