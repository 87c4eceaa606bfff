// Limits checked on a JSON body's raw text before JSON.parse builds anything.

/**
 * The deepest nesting of arrays and objects in a JSON text, counting only brackets outside
 * strings, stopping as soon as it passes `limit`. Hand-written: JSON.parse has no depth
 * option, and everything after it (the string checks, NFC, Ajv) recurses and would overflow
 * the stack on a 20 KB body of brackets; one linear pass over char codes costs microseconds.
 * Malformed text is left for JSON.parse to report.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
