// Micro-benchmark of the geometry kernel (src/geo/shapes.ts), seeded: `npx tsx bench/geo.ts`.
// Figures are per operation, the median over batches of 1,000 operations; each measure is printed
// next to its baseline from the same run (a naive ray cast over every edge).
import { PreparedArea, PreparedLine, PreparedPoint, type Position } from '../src/geo/shapes.ts';
import { rng } from '../test/support/random.ts';


/** A territory-like ring: a circle of radius rad° whose radius wanders (sum of random harmonics + jitter). */
function wobbly(n: number, cx: number, cy: number, rad: number, r: () => number): Position[] {
  const harmonics = Array.from({ length: 12 }, (_, k) => ({ k: k + 2, amp: (0.25 * r()) / (k + 2) ** 0.7, ph: r() * 2 * Math.PI }));
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    let d = 1;
    for (const h of harmonics) d += h.amp * Math.sin(h.k * a + h.ph);
    d *= 1 + 0.01 * (r() - 0.5);
    ring.push([cx + rad * d * Math.cos(a), cy + rad * d * Math.sin(a)]);
  }
  ring.push(ring[0]);
  return ring;
}

/** The adversarial case: a star whose 5,000 spikes all converge on the centre. */
function star(n: number, cx: number, cy: number, rad: number, r: () => number): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const d = rad * (0.05 + 0.95 * r());
    ring.push([cx + d * Math.cos(a), cy + d * Math.sin(a)]);
  }
  ring.push(ring[0]);
  return ring;
}

function naive(xy: Float64Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const ax = xy[i], ay = xy[i + 1], bx = xy[i + 2], by = xy[i + 3];
    if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) === 0 && x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) return true;
    if (ay > y !== by > y && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
  }
  return inside;
}

let sink = 0;
/** Median µs per op over `batches` batches of 1,000 calls of op(i). */
function measure(batches: number, op: (i: number) => boolean | number): number {
  const per: number[] = [];
  let i = 0;
  for (let w = 0; w < 20_000; w++) sink += +op(i++); // warm-up
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 1000; k++) sink += +op(i++);
    per.push(Number(process.hrtime.bigint() - t0) / 1000 / 1000);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}

const fmt = (us: number) => (us < 10 ? us.toFixed(3) : us.toFixed(1));
const r = rng(2016);
const Q = 1 << 16;
const qx = new Float64Array(Q);
const qy = new Float64Array(Q);

console.log(`geometry kernel micro-benchmark — Node ${process.version}, µs/op p50 over batches of 1,000`);
for (const [name, make] of [
  ['territory-like 5,000 vertices', wobbly],
  ['spiky star 5,000 vertices (worst case)', star],
] as const) {
  const rings = Array.from({ length: 10 }, () => make(5000, 35 + 7 * r(), 32 + 5.5 * r(), 0.3, r));
  for (let w = 0; w < 5; w++) new PreparedArea([[make(5000, 36, 33, 0.3, r)]]); // warm-up
  const t0 = performance.now();
  const areas = rings.map((ring) => new PreparedArea([[ring]]));
  const buildMs = (performance.now() - t0) / areas.length;
  const flats = rings.map((ring) => Float64Array.from(ring.flat()));
  // Queries inside each polygon's box (the case the R-tree passes on to contains).
  let inside = 0;
  const which = new Int32Array(Q);
  for (let i = 0; i < Q; i++) {
    const k = i % areas.length;
    const b = areas[k].bbox;
    which[i] = k;
    qx[i] = b.minX + r() * (b.maxX - b.minX);
    qy[i] = b.minY + r() * (b.maxY - b.minY);
    if (areas[k].contains(qx[i], qy[i]) !== naive(flats[k], qx[i], qy[i])) throw new Error('contains disagrees with the naive ray cast');
    if (areas[k].contains(qx[i], qy[i])) inside++;
  }
  const m = Q - 1;
  const fast = measure(200, (i) => areas[which[i & m]].contains(qx[i & m], qy[i & m]));
  const slow = measure(10, (i) => naive(flats[which[i & m]], qx[i & m], qy[i & m]));
  console.log(
    `contains, ${name}: ${fmt(fast)} µs (naive all-edges ray cast ${fmt(slow)} µs, ${(slow / fast).toFixed(0)}× faster); ` +
      `build ${buildMs.toFixed(1)} ms/polygon; ${((100 * inside) / Q).toFixed(0)}% of queries inside`,
  );
}

// Sites: 1,000 points; queries anywhere within ±0.05° (~5 km) of a site, buffer 500 m: mostly rejects.
{
  const sites = Array.from({ length: 1000 }, () => new PreparedPoint(35 + 7 * r(), 32 + 5.5 * r()));
  const which = new Int32Array(Q);
  let hits = 0;
  for (let i = 0; i < Q; i++) {
    const s = sites[(which[i] = i % sites.length)];
    qx[i] = s.lon + (r() - 0.5) * 0.1;
    qy[i] = s.lat + (r() - 0.5) * 0.1;
    if (s.withinM(qx[i], qy[i], 500)) hits++;
  }
  const m = Q - 1;
  const t = measure(200, (i) => sites[which[i & m]].withinM(qx[i & m], qy[i & m], 500));
  const exact = measure(50, (i) => sites[which[i & m]].distanceM(qx[i & m], qy[i & m]));
  console.log(`withinM(500 m), point site: ${fmt(t)} µs (${((100 * hits) / Q).toFixed(1)}% within); distanceM (geographiclib Inverse) ${fmt(exact)} µs`);
}

// Polygon sites (200 vertices, ~1 km) and corridors (20 vertices): withinM for queries within ~5 km.
{
  const polys = Array.from({ length: 100 }, () => new PreparedArea([[wobbly(200, 35 + 7 * r(), 32 + 5.5 * r(), 0.01, r)]]));
  const lines = Array.from({ length: 100 }, () => {
    const pts: Position[] = [[35 + 7 * r(), 32 + 5.5 * r()]];
    for (let i = 1; i < 20; i++) pts.push([pts[i - 1][0] + (r() - 0.5) * 0.05, pts[i - 1][1] + (r() - 0.5) * 0.05]);
    return new PreparedLine(pts);
  });
  for (const [name, shapes, m] of [
    ['polygon site (200 vertices), 500 m', polys, 500],
    ['corridor (20 vertices), 1,000 m', lines, 1000],
  ] as const) {
    const which = new Int32Array(Q);
    let hits = 0;
    for (let i = 0; i < Q; i++) {
      const s = shapes[(which[i] = i % shapes.length)];
      const b = s.bbox;
      qx[i] = (b.minX + b.maxX) / 2 + (r() - 0.5) * 0.1;
      qy[i] = (b.minY + b.maxY) / 2 + (r() - 0.5) * 0.1;
      if (s.withinM(qx[i], qy[i], m)) hits++;
    }
    const mask = Q - 1;
    const t = measure(100, (i) => shapes[which[i & mask]].withinM(qx[i & mask], qy[i & mask], m));
    console.log(`withinM, ${name}: ${fmt(t)} µs (${((100 * hits) / Q).toFixed(1)}% within)`);
  }
}
if (sink === 0.5) console.log(''); // keep the results alive
