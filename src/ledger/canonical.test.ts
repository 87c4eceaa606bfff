import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { rng } from '../../test/support/random.ts';
import { canonicalJson } from './canonical.ts';

describe('canonicalJson is canonicalize (RFC 8785), faster', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['true', true],
    ['an integer', 42],
    ['minus zero (written 0)', -0],
    ['the smallest double', 5e-324],
    ['1e21 (exponent form)', 1e21],
    ['1e-7', 1e-7],
    ['a fraction', 0.1 + 0.2],
    ['an escape-laden string', 'quote " backslash \\ tab \t nul \u0000 del \u007f line sep \u2028'],
    ['astral characters', '𝄞 and 😀'],
    ['keys in UTF-16 order, not code-point order', { '\ud83d\ude00': 1, '\uffff': 2, a: 3, A: 4, '': 5 }],
    ['undefined members skipped, undefined in arrays as null', { a: undefined, b: [undefined, 1] }],
    ['keys that look like array indices (which JS objects put first)', { b: 1, '10': 2, '9': 3, a: { '2': [], '1x': null } }],
    ['a Date through toJSON', { at: new Date('2016-02-27T00:00:00Z') }],
    ['nested arrays and objects', { z: [{ b: 1, a: [2, { d: null, c: 'x' }] }], y: {} , x: [] }],
    ['a vetting-like state', { id: 'a0b6a3db-4caa-4f3b-8f25-f158454beef7', seq: 12, target: { type: 'Point', coordinates: [36.801301, 37.35276] }, radius_m: 3212, reasons: [{ code: 'CROSS_BORDER', detail: 'in TUR', states: ['TUR'] }], note: null }],
  ])('%s', (_n, v) => {
    expect(canonicalJson(v)).toBe(canonicalize(v));
  });

  it('agrees on 5,000 seeded random JSON values', () => {
    const r = rng(8785);
    const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', 'é', '\u2028', '€', '𝄞', '\ud83d\ude00', '\uffff'];
    const str = () => Array.from({ length: Math.floor(r() * 8) }, () => chars[Math.floor(r() * chars.length)]).join('');
    const num = () => [() => Math.floor(r() * 2000) - 1000, () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20), () => r() * 1e25, () => -r()][Math.floor(r() * 4)]();
    const value = (d: number): unknown => {
      const k = Math.floor(r() * (d > 4 ? 4 : 7));
      if (k === 0) return null;
      if (k === 1) return r() < 0.5;
      if (k === 2) return num();
      if (k === 3) return str();
      if (k === 4) return Array.from({ length: Math.floor(r() * 5) }, () => value(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 6) }, () => [str(), value(d + 1)]));
    };
    for (let i = 0; i < 5000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['NaN', { a: NaN }, /NaN/],
    ['Infinity', [1, -Infinity], /Infinity/],
    ['a lone surrogate in a value', { a: 'x\ud800' }, /Lone surrogate/],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, /Lone surrogate/],
  ])('refuses %s, as canonicalize does', (_n, v, msg) => {
    expect(() => canonicalize(v)).toThrow(msg);
    expect(() => canonicalJson(v)).toThrow(msg);
  });

  it('refuses a cycle instead of overflowing the stack', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/Circular/);
  });
});
