// Issue 8, finding 1: the vetting answer as an oracle for protected sites' positions. A party's
// liaison, who may not read sites, runs the attack that located the demo sites: rectangles
// halving over the demo's areas (Damascus and Idleb, where its public source puts the sites;
// a rectangle refused as too large is cut into tiles of the bound the refusal names), then,
// near each hit, point probes bisecting the four edges of the buffer, whose chords' midpoints
// give the centre.
// With the rate limit out of the way and at most 1,000 requests, it may place at most one site
// within 1 km, and the account ends up flagged at the top of the audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoMap } from '../../src/demo/syria2016-map.ts';
import { demoId, testApp, type TestApp } from '../support/app.ts';

const BUDGET = 1000;
const DEMO_AREAS = [
  { w: 35.9, s: 33.35, e: 36.6, n: 33.85 }, // Damascus, Eastern Ghouta, the Barada valley
  { w: 36.45, s: 35.8, e: 36.8, n: 36.05 }, // Idleb
];
const AT = '2016-03-02T12:00:00Z';
const M_PER_DEG = 111_320;

type Box = { w: number; s: number; e: number; n: number };
type Pt = [number, number];

const ring = (b: Box): Pt[] => [[b.w, b.s], [b.e, b.s], [b.e, b.n], [b.w, b.n], [b.w, b.s]];
const widthM = (b: Box) => (b.e - b.w) * M_PER_DEG * Math.cos((((b.s + b.n) / 2) * Math.PI) / 180);
const heightM = (b: Box) => (b.n - b.s) * M_PER_DEG;
const distM = ([x1, y1]: Pt, [x2, y2]: Pt) => Math.hypot((x1 - x2) * M_PER_DEG * Math.cos((((y1 + y2) / 2) * Math.PI) / 180), (y1 - y2) * M_PER_DEG);
const inside = (a: Box, b: Box) => a.w >= b.w && a.e <= b.e && a.s >= b.s && a.n <= b.n;
const meets = (a: Box, b: Box) => a.w < b.e && b.w < a.e && a.s < b.n && b.s < a.n;

/** The attacker: what it asked, and where it believes the sites are. */
class Attacker {
  requests = 0;
  refused = 0;
  found: { at: Pt; radiusM: number }[] = [];
  /** Squares around sites already placed: later boxes leave them out. */
  private known: Box[] = [];

  constructor(private readonly t: TestApp) {}

  /** The largest area (km²) a refusal named, once one did. */
  private boundKm2: number | null = null;

  /** 'spent' once the budget is used up: no request is sent, whichever probe asks. */
  private async ask(target: unknown, radiusM?: number): Promise<'hit' | 'miss' | 'refused' | 'spent'> {
    if (this.requests >= BUDGET) return 'spent';
    this.requests++;
    const res = await this.t.call('liaison', {
      method: 'POST',
      url: '/api/v1/vetting',
      payload: { requestingPartyId: demoId('saaf'), at: AT, target, ...(radiusM ? { radiusM } : {}) },
    });
    if (res.statusCode !== 201) {
      this.refused++;
      if (res.json().field === 'target' && res.json().bound) this.boundKm2 = res.json().bound;
      return 'refused';
    }
    // any sign of a site counts: the exact reason, or the referral that replaces it
    return res.json().reasons.some((r: { code: string }) => r.code === 'PROTECTED_SITE' || r.code === 'REFERRED_TO_TASK_FORCE') ? 'hit' : 'miss';
  }

  private left = () => this.requests < BUDGET;
  private point = (p: Pt) => this.ask({ type: 'Point', coordinates: p });

  /** Where along the ray from p (a hit) the answer turns to a miss, to 2 m; null when it never does. */
  private async edge(p: Pt, dx: number, dy: number): Promise<number | null> {
    const at = (m: number): Pt => [p[0] + (dx * m) / (M_PER_DEG * Math.cos((p[1] * Math.PI) / 180)), p[1] + (dy * m) / M_PER_DEG];
    let lo = 0;
    let hi = 3000;
    if ((await this.point(at(hi))) !== 'miss') return null;
    while (hi - lo > 2 && this.left()) {
      const mid = (lo + hi) / 2;
      if ((await this.point(at(mid))) === 'hit') lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /** From a point in a buffer: the horizontal chord's midpoint is the centre's longitude, the vertical chord's its latitude. */
  private async walk(p: Pt): Promise<boolean> {
    if ((await this.point(p)) !== 'hit') return false;
    const east = await this.edge(p, 1, 0);
    const west = east === null ? null : await this.edge(p, -1, 0);
    if (east === null || west === null) return false;
    const cos = Math.cos((p[1] * Math.PI) / 180);
    const x: Pt = [p[0] + (east - west) / 2 / (M_PER_DEG * cos), p[1]];
    if ((await this.point(x)) !== 'hit') return false;
    const north = await this.edge(x, 0, 1);
    const south = north === null ? null : await this.edge(x, 0, -1);
    if (north === null || south === null) return false;
    const centre: Pt = [x[0], x[1] + (north - south) / 2 / M_PER_DEG];
    const r = (north + south) / 2;
    this.found.push({ at: centre, radiusM: r });
    const half = r + 60;
    this.known.push({ w: centre[0] - half / (M_PER_DEG * cos), e: centre[0] + half / (M_PER_DEG * cos), s: centre[1] - half / M_PER_DEG, n: centre[1] + half / M_PER_DEG });
    return true;
  }

  /** The box cut along the known squares' edges, without the pieces inside them. */
  private withoutKnown(b: Box): Box[] {
    const k = this.known.find((q) => meets(q, b) && !inside(b, q));
    if (!k) return this.known.some((q) => inside(b, q)) ? [] : [b];
    const xs = [b.w, ...[k.w, k.e].filter((x) => x > b.w && x < b.e), b.e];
    const ys = [b.s, ...[k.s, k.n].filter((y) => y > b.s && y < b.n), b.n];
    const out: Box[] = [];
    for (let i = 0; i + 1 < xs.length; i++) for (let j = 0; j + 1 < ys.length; j++) out.push({ w: xs[i], e: xs[i + 1], s: ys[j], n: ys[j + 1] });
    return out.filter((c) => !inside(c, k)).flatMap((c) => this.withoutKnown(c));
  }

  /** A box as tiles of at most 90% of the bound's area, the first to be explored last in the list. */
  private tiles(b: Box): Box[] {
    const side = Math.sqrt(this.boundKm2! * 0.9) * 1000;
    const nx = Math.ceil(widthM(b) / side);
    const ny = Math.ceil(heightM(b) / side);
    const out: Box[] = [];
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) out.push({ w: b.w + ((b.e - b.w) * i) / nx, e: b.w + ((b.e - b.w) * (i + 1)) / nx, s: b.s + ((b.n - b.s) * j) / ny, n: b.s + ((b.n - b.s) * (j + 1)) / ny });
    return out.reverse();
  }

  async run(areas: Box[]): Promise<void> {
    const stack: Box[] = [...areas].reverse();
    while (stack.length && this.left()) {
      const b = stack.pop()!;
      const pieces = this.withoutKnown(b);
      if (pieces.length !== 1 || pieces[0] !== b) {
        stack.push(...pieces);
        continue;
      }
      const answer = await this.ask({ type: 'Polygon', coordinates: [ring(b)] });
      if (answer === 'miss') continue;
      if (answer === 'refused' && this.boundKm2) {
        stack.push(...this.tiles(b));
        continue;
      }
      if (answer === 'hit' && Math.max(widthM(b), heightM(b)) <= 20) {
        if (!(await this.walk([(b.w + b.e) / 2, (b.s + b.n) / 2]))) this.known.push(b); // no edge: give the spot up
        continue;
      }
      // too large, or a hit still coarse: halve along the longer side, the first half explored first
      if (widthM(b) >= heightM(b)) {
        const m = (b.w + b.e) / 2;
        stack.push({ ...b, w: m }, { ...b, e: m });
      } else {
        const m = (b.s + b.n) / 2;
        stack.push({ ...b, s: m }, { ...b, n: m });
      }
    }
  }
}

let t: TestApp;
let sites: { id: string; name: string; at: Pt }[];
beforeAll(async () => {
  t = await testApp({ config: { vettingRatePerMinute: 1_000_000 } });
  await seedDemoMap(t.db, t.config);
  const res = await t.call('secretariat', { method: 'GET', url: `/api/v1/sites?at=${AT}&limit=500` });
  sites = res.json().features.map((f: { id: string; properties: { name: string }; geometry: { coordinates: Pt } }) => ({ id: f.id, name: f.properties.name, at: f.geometry.coordinates }));
}, 180_000);
afterAll(() => t?.close());

describe('the vetting oracle (issue 8, finding 1)', () => {
  it('a liaison probing with 1,000 requests places at most one site within 1 km, and is flagged', async () => {
    expect(sites.length).toBeGreaterThanOrEqual(6);
    const a = new Attacker(t);
    const started = performance.now();
    await a.run(DEMO_AREAS);
    const placed = sites.map((s) => ({ name: s.name, errorM: Math.min(Infinity, ...a.found.map((f) => distM(f.at, s.at))) }));
    const within1km = placed.filter((p) => p.errorM <= 1000);
    console.log(
      `site oracle: ${a.requests} requests (${a.refused} refused) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${a.found.length} claimed, ${within1km.length} of ${sites.length} sites within 1 km: ` +
        placed.map((p) => `${p.name} ${Number.isFinite(p.errorM) ? `${p.errorM.toFixed(1)} m` : '-'}`).join('; '),
    );
    expect(a.requests).toBeLessThanOrEqual(BUDGET);
    expect(within1km.length).toBeLessThanOrEqual(1);

    const audit = (await t.call('secretariat', { method: 'GET', url: '/api/v1/vetting/audit' })).json();
    const liaison = (await t.call('liaison', { method: 'GET', url: '/api/v1/session' })).json();
    expect(audit.accounts[0].accountId).toBe(liaison.account.id);
    expect(audit.accounts[0].flaggedAt).toBeTruthy();
    expect(audit.accounts[0].referrals).toBeGreaterThan(0);
  }, 120_000);
});
