// Limits checked on a JSON body's raw text before JSON.parse builds anything.

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Most members of one object. */
  maxKeys: number;
}

/**
 * Why a JSON text breaks the limits (nesting too deep, an object with too many members), or
 * null. Hand-written: JSON.parse has no such options, and everything after it (the string
 * checks, NFC, Ajv) recurses, so a 20 KB body of brackets overflowed the stack; and parsing
 * an object of 100,000 keys cost half a second before any check could refuse it. One linear
 * pass over char codes, stopping at the first breach, costs microseconds per KB. Malformed
 * text is left for JSON.parse to report.
 */
export function jsonLimitFault(text: string, limits: JsonLimits): string | null {
  let depth = 0;
  let inString = false;
  const keys = new Int32Array(limits.maxDepth + 2); // members of the object open at each depth
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limits.maxDepth) return `nests arrays or objects deeper than ${limits.maxDepth} levels`;
      keys[depth] = 0;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x3a && depth > 0 && ++keys[depth] > limits.maxKeys) return `has an object with more than ${limits.maxKeys} members`;
  }
  return null;
}
