// ISO 3166-1 country codes, from i18n-iso-countries (no hand-kept table to go stale).
import countries from 'i18n-iso-countries';

export function isAlpha3(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && countries.isValid(code);
}

/** ISO 3166-1 numeric (as Natural Earth / world-atlas use) to alpha-3, or null. */
export function numericToAlpha3(n: string | number): string | null {
  return countries.numericToAlpha3(String(n).padStart(3, '0')) ?? null;
}
