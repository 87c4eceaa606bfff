// The sea search judges cells on rough lengths (shortDistanceM within shortErrM of Inverse) and
// measures with Inverse only where the bound straddles a rule. Its answers must be Inverse's
// alone: here with the real lengths, and with lengths made as wrong as a much looser bound allows
// (300 m, each skewed by 95% of it), so that most cells need the fallback and a flaw in it shows.
import { describe, expect, it, vi } from 'vitest';
import { seaSearch, statesMeeting, type BorderTarget } from './borders.ts';
import { PreparedArea } from './shapes.ts';

const skew = { on: false };
vi.mock('./geodesy.ts', async (importOriginal) => {
  const g = await importOriginal<typeof import('./geodesy.ts')>();
  const LOOSE_M = 300;
  return {
    ...g,
    // a sign from the coordinates: the same line always errs the same way
    shortDistanceM: (lon1: number, lat1: number, lon2: number, lat2: number) => {
      const d = g.shortDistanceM(lon1, lat1, lon2, lat2);
      if (!skew.on) return d;
      const sign = Math.sin(lon1 * 7919 + lat1 * 104729 + lon2 * 1299709 + lat2 * 15485863) > 0 ? 1 : -1;
      return Math.max(0.5, d + sign * 0.95 * LOOSE_M);
    },
    shortErrM: (d: number, lat: number) => (skew.on && g.shortErrM(d, lat) < Infinity ? LOOSE_M : g.shortErrM(d, lat)),
  };
});

// Seeded discs and squares off the coasts where two states' belts meet (Syria–Turkey off
// Ras al-Bassit and Samandağ, Syria–Lebanon at the Nahr al-Kabir, Lebanon–Israel at Naqoura,
// Cyprus–Turkey and Cyprus–Syria in between).
const coasts = [
  [35.85, 35.95],
  [35.75, 36.05],
  [35.9, 34.65],
  [35.1, 33.1],
  [34.6, 35.6],
  [35.3, 35.9],
];
let seed = 1204;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const shapes: BorderTarget[] = Array.from({ length: 240 }, (_, i) => {
  const [lon0, lat0] = coasts[i % coasts.length];
  const lon = lon0 + (rnd() - 0.5) * 0.4;
  const lat = lat0 + (rnd() - 0.5) * 0.4;
  const r = 100 + rnd() * 6_000;
  if (i % 4 === 3) {
    const d = r / 111_000;
    return { type: 'area', area: new PreparedArea([[[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]]) };
  }
  return { type: 'point', lon, lat, radiusM: r };
});

function exactly(): string[][] {
  seaSearch.roughFirst = false;
  try {
    return shapes.map((t) => statesMeeting(t));
  } finally {
    seaSearch.roughFirst = true;
  }
}

describe('the sea search on rough lengths first', () => {
  it('answers every target as the search on Inverse alone does', () => {
    const rough = shapes.map((t) => statesMeeting(t));
    expect(rough).toEqual(exactly());
    // the cases reach the search: many targets at sea meet two states or more
    expect(rough.filter((s) => s.length >= 2).length).toBeGreaterThanOrEqual(30);
  });

  it('still does with lengths as wrong as a 300 m bound allows', () => {
    const want = exactly();
    skew.on = true;
    try {
      expect(shapes.map((t) => statesMeeting(t))).toEqual(want);
    } finally {
      skew.on = false;
    }
  });
});
