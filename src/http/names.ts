// Names people read (parties, aliases, terms, accounts, sites): one clean form, nothing
// invisible, and a key under which look-alikes collide.
import unhomoglyph from 'unhomoglyph';

/**
 * Characters a reader cannot see or that reorder what they see: controls, format characters
 * (zero-width space, bidirectional overrides and isolates, soft hyphen, BOM), other default
 * ignorables (variation selectors, Hangul fillers), private-use and unassigned code points,
 * line and paragraph separators. ZWNJ and ZWJ are kept between letters: Persian, Urdu and the
 * Indic scripts spell words with them.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/gu;
const JOINER_IN_WORD = /(?<=[\p{L}\p{M}])[\u200c\u200d](?=[\p{L}\p{M}])/u;

const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a name is refused, or null when it is fine. */
export function nameFault(s: string): string | null {
  for (const m of s.matchAll(INVISIBLE)) {
    if ((m[0] === '\u200c' || m[0] === '\u200d') && JOINER_IN_WORD.test(s.slice(Math.max(0, m.index - 2), m.index + 3))) continue;
    return `must not contain invisible or bidirectional control characters (${hex(m[0])} at position ${[...s.slice(0, m.index)].length + 1})`;
  }
  if (!/[\p{L}\p{N}]/u.test(s)) return 'must contain at least one letter or digit';
  return null;
}

/** Unicode NFKC (fullwidth, ligatures and other compatibility forms become plain letters), trimmed, inner whitespace one space. */
export const cleanName = (s: string): string => s.normalize('NFKC').trim().replace(/\s+/g, ' ');

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * UTS #39 skeleton: NFD, default ignorables removed, each character replaced by its prototype
 * from Unicode's confusables.txt (the unhomoglyph package's table), NFD again. Case-folded and
 * mapped once more, so "HEZBOLLAH", "Hezbollah" and "Ηezbollah" (Greek Eta) share one key.
 */
export function skeleton(s: string): string {
  return unhomoglyph(s.normalize('NFD').replace(IGNORABLE, '')).normalize('NFD');
}

export const confusableKey = (s: string): string => skeleton(skeleton(cleanName(s)).toLowerCase().replace(/\s+/g, ' '));
