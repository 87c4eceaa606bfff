import { describe, expect, it } from 'vitest';
import { cleanName, confusableKey, nameFault } from './names.ts';

describe('names people read', () => {
  it.each([
    ['a plain name', 'Hezbollah', null],
    ['Arabic', 'حزب الله', null],
    ['Persian with a ZWNJ inside a word', 'گروه\u200cها', null],
    ['Kurdish with diacritics', 'Hêzên Sûriya Demokratîk', null],
    ['a zero-width space', 'Hez\u200bbollah', 'U+200B at position 4'],
    ['an RTL override', 'Hezbollah\u202e', 'U+202E'],
    ['a right-to-left isolate', '\u2067Hezbollah\u2069', 'U+2067'],
    ['a left-to-right mark', 'Hezbollah\u200e', 'U+200E'],
    ['a BOM', '\ufeffHezbollah', 'U+FEFF'],
    ['a soft hyphen', 'Hezbol\u00adlah', 'U+00AD'],
    ['a ZWJ at the end', 'Hezbollah\u200d', 'U+200D'],
    ['a variation selector', 'Hezbollah\ufe0f', 'U+FE0F'],
    ['a Hangul filler', 'Hezbollah\u3164', 'U+3164'],
    ['a newline', 'Hez\nbollah', 'U+000A'],
    ['private use', 'Hezbollah\ue000', 'U+E000'],
    ['only zero-width spaces', '\u200b\u200b', 'U+200B'],
    ['only punctuation', '- . -', 'at least one letter or digit'],
  ])('%s', (_n, s, fault) => {
    const f = nameFault(s);
    if (fault === null) expect(f).toBeNull();
    else expect(f).toContain(fault);
  });

  it.each([
    ['ﬁeld  group ', 'field group'],
    ['Ｈｅｚｂｏｌｌａｈ', 'Hezbollah'],
    ['Cafe\u0301', 'Café'],
  ])('cleans %j to %j (NFKC, trimmed, one space)', (s, want) => expect(cleanName(s)).toBe(want));

  it.each([
    ['Hezbollah', 'HEZBOLLAH', true],
    ['Hezbollah', '\u041dezbollah', true], // Cyrillic En
    ['Hezbollah', 'Hezb\u03bfllah', true], // Greek omicron
    ['Hezbollah', 'Hezbo1lah', true],
    ['Hezbollah', 'Ｈｅｚｂｏｌｌａｈ', true],
    ['Jabhat al-Nusra', 'Jabhat al‐Nusra', true], // U+2010 hyphen
    ['Россия', 'Poccия', true], // Latin P, c, c
    ['Hezbollah', 'Hizbullah', false],
    ['SAA', 'SDF', false],
    ['حزب الله', 'جيش الإسلام', false],
  ])('%j and %j look alike: %s', (a, b, same) => expect(confusableKey(a) === confusableKey(b)).toBe(same));
});
