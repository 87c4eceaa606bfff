// The map's colours (web/src/map/style.ts), in Node: territory never wears a vetting decision's
// colour (issue 12: green ground meant "do not strike" while a green banner meant permitted), the
// statuses that decide most differ in lightness too, and the decision banners' white text is legible.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECISION_COLORS, TERRITORY_COLORS, TERRITORY_FILL_OPACITY, COLORS } from '../../web/src/map/style.ts';

const rgb = (hex: string): number[] => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
function hue(hex: string): number {
  const [r, g, b] = rgb(hex);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return NaN;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}
const saturation = (hex: string): number => {
  const c = rgb(hex);
  const max = Math.max(...c);
  return max === 0 ? 0 : (max - Math.min(...c)) / max;
};
const hueGap = (a: number, b: number): number => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));
// WCAG 2 relative luminance and contrast ratio
const luminance = (hex: string): number => {
  const [r, g, b] = rgb(hex).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
const over = (top: string, alpha: number, bottom: string): string =>
  `#${rgb(top)
    .map((c, i) => Math.round((alpha * c + (1 - alpha) * rgb(bottom)[i]) * 255).toString(16).padStart(2, '0'))
    .join('')}`;

const decisions = { prohibited: DECISION_COLORS.prohibited, review: DECISION_COLORS.review, permitted: DECISION_COLORS.permitted };

describe('the palette', () => {
  it.each(Object.entries(TERRITORY_COLORS))('territory %s (%s) is no decision colour: 40° of hue from each, or a grey', (_, colour) => {
    for (const d of Object.values(decisions)) {
      if (saturation(colour) < 0.3) continue; // a grey or a greyish brown: no hue to mistake
      expect(hueGap(hue(colour), hue(d)), `${colour} against ${d}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('committed and designated ground differ in lightness as drawn, not in hue alone', () => {
    const ground = COLORS.governorateFill;
    const c = luminance(over(TERRITORY_COLORS.committed, TERRITORY_FILL_OPACITY, ground));
    const d = luminance(over(TERRITORY_COLORS.designated, TERRITORY_FILL_OPACITY, ground));
    expect(Math.abs(c - d)).toBeGreaterThan(0.08);
  });

  it.each(Object.entries(decisions))('the %s banner’s white text reads (WCAG AA, 4.5:1)', (_, colour) => {
    expect(contrast('#ffffff', colour)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('the banner and the map agree', () => {
  it('styles.css colours each decision banner as DECISION_COLORS does', () => {
    const css = readFileSync(new URL('../../web/src/styles.css', import.meta.url), 'utf8');
    for (const [d, colour] of Object.entries(decisions)) {
      const rule = new RegExp(`\\.decision-${d}\\s*\\{\\s*background:\\s*(#[0-9a-f]{6})`, 'i').exec(css);
      expect(rule?.[1].toLowerCase(), d).toBe(colour);
    }
  });
});
