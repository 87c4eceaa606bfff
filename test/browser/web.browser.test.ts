// The ops-room web app in a real browser: Debian's Chromium driven by playwright-core,
// against the real server with the Syria 2016 demo. Skipped only when Chromium is absent
// (CI installs it with `apt-get install -y chromium`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION, COLORS } from '../../web/src/map/style.ts';
import { hasChromium, hexToRgb, launchChromium, type MapWindow } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// One folder per database engine: vitest runs this file once per engine, possibly in parallel.
const ARTIFACTS = join(REPO, 'test-artifacts', `web-${process.env.TRUCE_TEST_ENGINE ?? 'default'}`);

const USER = { username: 'browser.secretariat', password: 'correct horse battery staple 2016', role: 'secretariat' };
// After the 26 February 2016 deadline and the start of the cessation.
const AFTER_DEADLINE = '2016-03-01T00:00';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('web app (Chromium)', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const external: string[] = [];
  const pageErrors: string[] = [];

  /** The parties page, with the status time set after the deadline through the form, as a user would. */
  const openPartiesAfterDeadline = async (): Promise<void> => {
    await page.click('nav a:has-text("Parties")');
    await page.waitForSelector('tr[data-party-id]');
    await page.fill('input[name="at"]', AFTER_DEADLINE);
    await page.click('[data-action="apply-at"]');
    await page.waitForFunction(() => location.hash.includes('at=2016-03-01T00%3A00%3A00.000Z') || location.hash.includes('at=2016-03-01T00:00:00.000Z'));
    await page.waitForSelector('[data-testid="parties-table"]:not([aria-busy])');
  };

  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };

  beforeAll(async () => {
    if (!hasChromium) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    await server.createUser(USER);
    browser = await launchChromium();
    // A browser east of UTC: every time the app shows and sends must still be UTC.
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'Asia/Damascus' });
    const origin = new URL(server.url).origin;
    // The app must work offline: anything not from our server (or inline) is a defect.
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !/^(data|blob):/.test(url)) external.push(url);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The content security policy (src/app.ts) must let the map and its workers run: a violation is a defect.
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.skipIf(!hasChromium)('shows the server’s reason when the password is wrong', async () => {
    await page.goto(`${server!.url}/`);
    await page.waitForSelector('form input[name="username"]');
    // Same request through the API, to learn the exact `detail` the form must show.
    const res = await fetch(`${server!.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER.username, password: 'not the password' }),
    });
    expect(res.status).toBe(401);
    const problem = (await res.json()) as { detail?: string; title: string };

    await page.fill('input[name="username"]', USER.username);
    await page.fill('input[name="password"]', 'not the password either');
    await page.click('form button[type="submit"]');
    const error = page.locator('[data-testid="signin-error"]');
    await error.waitFor({ state: 'visible' });
    expect((await error.textContent())?.trim()).toBe(problem.detail || problem.title);
    await shot('01-signin-error');
  });

  it.skipIf(!hasChromium)('signs in through the form and shows the account', async () => {
    await page.fill('input[name="username"]', USER.username);
    await page.fill('input[name="password"]', USER.password);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('[data-testid="account-name"]');
    expect(await page.textContent('[data-testid="account-name"]')).toBe(USER.username);
    expect((await page.getAttribute('[data-testid="account-role"]', 'data-role')) ?? '').toBe(USER.role);
    expect(await page.locator('nav a', { hasText: 'Map' }).count()).toBe(1);
    expect(await page.locator('nav a', { hasText: 'Parties' }).count()).toBe(1);
    expect(await page.locator('nav a', { hasText: 'Record' }).count()).toBe(1);
    expect(await page.locator('button', { hasText: 'Sign out' }).count()).toBe(1);
    expect(page.url()).toContain('#/map');
  });

  it.skipIf(!hasChromium)('draws the offline base map with Syria’s boundaries', async () => {
    await page.waitForFunction(() => Boolean((window as MapWindow).__truceMap?.loaded()), null, { timeout: 60_000 });
    // Idle after a fresh frame: every source loaded and drawn, nothing moving.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const map = (window as MapWindow).__truceMap!;
          map.once('idle', () => resolve());
          map.triggerRepaint();
        }),
    );

    await shot('02-map');

    const rendered = await page.evaluate(() => {
      const map = (window as MapWindow).__truceMap!;
      const count = (layer: string): number => map.queryRenderedFeatures({ layers: [layer] }).length;
      return { adm1: count('syria-adm1-line'), adm3: count('syria-adm3-line'), countries: count('countries-fill'), zoom: map.getZoom(), center: map.getCenter().toArray() };
    });
    expect(rendered.adm1).toBeGreaterThanOrEqual(14);
    expect(rendered.adm3).toBeGreaterThan(100);
    expect(rendered.countries).toBeGreaterThan(3);
    expect(rendered.center[0]).toBeCloseTo(38.5, 0);
    expect(rendered.center[1]).toBeCloseTo(35, 0);
    expect(await page.textContent('.maplibregl-ctrl-attrib')).toContain(ATTRIBUTION);

    // Read the WebGL canvas back (preserveDrawingBuffer keeps the frame) and count colours.
    const targets = {
      boundary: hexToRgb(COLORS.governorateLine),
      syria: hexToRgb(COLORS.governorateFill),
      sea: hexToRgb(COLORS.sea),
      land: hexToRgb(COLORS.land),
    };
    const pixels = await page.evaluate(async (targets) => {
      const canvas = (window as MapWindow).__truceMap!.getCanvas();
      const png = canvas.toDataURL('image/png');
      const img = new Image();
      img.src = png;
      await img.decode();
      const copy = document.createElement('canvas');
      copy.width = img.width;
      copy.height = img.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      const colours = new Set<number>();
      const near: Record<string, number> = Object.fromEntries(Object.keys(targets).map((k) => [k, 0]));
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        colours.add((r << 16) | (g << 8) | b);
        for (const [name, [tr, tg, tb]] of Object.entries(targets)) {
          // Lines are antialiased: accept colours close to the style's.
          if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) <= 24) near[name]++;
        }
      }
      return { width: copy.width, height: copy.height, distinct: colours.size, near, png };
    }, targets);

    writeFileSync(join(ARTIFACTS, '02-map-canvas.png'), Buffer.from(pixels.png.split(',')[1], 'base64'));
    const seen = `canvas ${pixels.width}x${pixels.height}, ${pixels.distinct} colours, near: ${JSON.stringify(pixels.near)}`;
    expect(pixels.width, seen).toBeGreaterThan(600);
    expect(pixels.distinct, seen).toBeGreaterThanOrEqual(8);
    expect(pixels.near.sea, seen).toBeGreaterThan(1000);
    expect(pixels.near.land, seen).toBeGreaterThan(1000);
    expect(pixels.near.syria, seen).toBeGreaterThan(1000);
    expect(pixels.near.boundary, seen).toBeGreaterThan(1500);
  }, 90_000); // software WebGL (SwiftShader) is slow to draw 272 sub-districts

  it.skipIf(!hasChromium)('lists the demo parties with their status after the deadline', async () => {
    await openPartiesAfterDeadline();

    const statuses = Object.fromEntries(
      await page.$$eval('tr[data-party-id]', (rows) =>
        rows.map((row) => [row.querySelector('.party-name')?.firstChild?.textContent?.trim() ?? '', row.querySelector('[data-status]')?.getAttribute('data-status') ?? '']),
      ),
    );
    await shot('03-parties');
    expect(Object.keys(statuses).length).toBeGreaterThanOrEqual(14);
    expect(statuses['Syrian Arab Armed Forces']).toBe('committed');
    expect(statuses['Turkish Armed Forces']).toBe('committed');
    expect(statuses['ISIL']).toBe('designated');
    expect(statuses['Jabhat al-Nusra']).toBe('designated');
  });

  it.skipIf(!hasChromium)('shows a party’s commitment history with the co-chair it came through', async () => {
    await page.locator('tr[data-party-id]', { has: page.locator('.party-name', { hasText: 'Syrian Arab Armed Forces' }) }).click();
    await page.waitForSelector('[data-testid="party-detail"] [data-testid="party-history"]');
    expect(await page.textContent('[data-testid="party-detail"] h2')).toBe('Syrian Arab Armed Forces');
    expect(await page.getAttribute('[data-testid="party-detail"] .detail-status', 'data-status')).toBe('committed');
    const history = await page.$$eval('[data-testid="party-history"] tr[data-history-type]', (rows) =>
      rows.map((row) => ({ type: row.getAttribute('data-history-type'), via: row.querySelector('.col-via')?.textContent?.trim() })),
    );
    expect(history).toContainEqual({ type: 'committed', via: 'Russian Federation' });
    await shot('04-party-detail');
  });

  it.skipIf(!hasChromium)('shows the signed record and verifies a party’s leaf in the browser', async () => {
    await page.click('nav a:has-text("Record")');
    await page.waitForSelector('[data-testid="record-entries"]:not([aria-busy]) tr[data-seq]');
    expect(page.url()).toContain('#/record');
    const head = await page.evaluate(async () => (await (await fetch('/api/v1/ledger/head', { credentials: 'same-origin' })).json()) as { size: number });
    expect(await page.getAttribute('[data-testid="head-size"]', 'data-size')).toBe(String(head.size));
    expect((await page.textContent('[data-testid="head-size"]'))?.trim()).toBe(String(head.size));
    const seqs = await page.$$eval('[data-testid="record-entries"] tr[data-seq]', (rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThanOrEqual(25);
    expect(seqs[0]).toBe(head.size - 1); // newest first
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    await shot('05-record');

    await openPartiesAfterDeadline();
    await page.locator('tr[data-party-id]', { has: page.locator('.party-name', { hasText: /^ISIL$/ }) }).click();
    await page.waitForSelector('[data-testid="party-detail"]:not([aria-busy]) [data-action="verify-record"]');
    expect(await page.textContent('[data-testid="party-detail"] h2')).toBe('ISIL');
    await page.click('[data-testid="party-detail"] [data-action="verify-record"]');
    const result = page.locator('[data-testid="verify-result"][data-verified]');
    await result.waitFor({ state: 'visible' });
    const text = (await result.textContent()) ?? '';
    expect(await result.getAttribute('data-verified'), text).toBe('true');
    expect(text).toContain('verified in your browser');
    expect(text).toMatch(/^Recorded in leaf \d+, included in the signed head of size \d+ \(root [0-9a-f]+…, signed at .+\): verified in your browser\.$/);
    await shot('05-record-verified');
  });

  it.skipIf(!hasChromium)('signs out and ends the server session', async () => {
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('form input[name="password"]');
    const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(status).toBe(401);
    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
