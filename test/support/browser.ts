// Helpers for the browser tests: Debian's Chromium through playwright-core, with software
// WebGL, and ways to read and click the MapLibre canvas at a longitude and latitude.
import { existsSync } from 'node:fs';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

// SwiftShader (software Vulkan behind ANGLE) gives WebGL2 without a GPU. Chromium still
// picks it on its own with --disable-gpu, but that automatic fallback is deprecated, so
// ask for it by name.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export type MapWindow = Window & { __truceMap?: MapLibreMap };
export type Rgb = [number, number, number];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function hexToRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `top` drawn with `alpha` over `bottom`, as the GPU blends a translucent fill. */
export function blend(top: Rgb, alpha: number, bottom: Rgb): Rgb {
  return top.map((c, i) => Math.round(alpha * c + (1 - alpha) * bottom[i])) as Rgb;
}

export const colourDistance = (a: Rgb, b: Rgb): number => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

/** Signs in through the form (the page must show it). */
export async function signInWithForm(page: Page, username: string, password: string): Promise<void> {
  await page.waitForSelector('form input[name="username"]');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('form button[type="submit"]');
  await page.waitForSelector('[data-testid="account-name"]');
}

/** Waits until the map exists and has loaded, then for an idle after a fresh frame: every source loaded and drawn. */
export async function waitForMapIdle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => Boolean((window as MapWindow).__truceMap?.loaded()), null, { timeout });
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = (window as MapWindow).__truceMap!;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Where a longitude/latitude is on the page (CSS pixels), for page.mouse. */
export async function pagePoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = (window as MapWindow).__truceMap!;
    const p = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, lonLat);
}

/** Clicks the map canvas for real at a longitude/latitude (optionally offset by some pixels). */
export async function clickMap(page: Page, lonLat: [number, number], opts: { dx?: number; dy?: number; double?: boolean } = {}): Promise<void> {
  const { x, y } = await pagePoint(page, lonLat);
  const at = { x: x + (opts.dx ?? 0), y: y + (opts.dy ?? 0) };
  if (opts.double) await page.mouse.dblclick(at.x, at.y);
  else await page.mouse.click(at.x, at.y);
}

/**
 * Reads the WebGL canvas back (the map keeps its drawing buffer) and returns the colour at
 * each longitude/latitude, the number of distinct colours in the frame, and the frame as PNG.
 */
export async function readMapPixels(page: Page, points: [number, number][]): Promise<{ width: number; height: number; distinct: number; at: Rgb[]; png: Buffer }> {
  const out = await page.evaluate(async (pts) => {
    const map = (window as MapWindow).__truceMap!;
    const canvas = map.getCanvas();
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
    for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    const scale = copy.width / canvas.clientWidth;
    const at = pts.map((ll) => {
      const p = map.project(ll);
      const i = (Math.round(p.y * scale) * copy.width + Math.round(p.x * scale)) * 4;
      return [data[i], data[i + 1], data[i + 2]] as [number, number, number];
    });
    return { width: copy.width, height: copy.height, distinct: colours.size, at, png };
  }, points);
  return { ...out, png: Buffer.from(out.png.split(',')[1], 'base64') };
}

/** A JSON call to the test server with a token (the browser tests' own setup and checks); a non-2xx answer throws with its body. */
export function apiAs(baseUrl: () => string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
}
