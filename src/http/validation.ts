import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';
import { cleanName, nameFault } from './names.ts';

export interface ValidationOptions {
  /** Years a time may have (inclusive). */
  minYear: number;
  maxYear: number;
}

// Bodies are checked strictly (a string "true" is not a boolean); query strings, path and
// headers arrive as text and are coerced to the schema's types.
function ajv(coerce: boolean, o: ValidationOptions, allErrors: boolean): Ajv {
  // validateSchema off: checking each schema against the meta-schema compiled that meta-schema
  // on a route's first request, 300 ms of the first decision after a restart. Every route's
  // schemas are checked against it in test/schemas.test.ts instead.
  const a = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors, strict: false, validateSchema: false });
  (addFormats as unknown as (a: Ajv) => void)(a);
  a.addFormat('date-time', { type: 'string', validate: (s: string) => isTime(s) || isPlainDate(s) });
  // Every time given to the API becomes one canonical UTC form here, so every route parses
  // what was meant: a plain date is the start of that day UTC; the year is in range.
  a.addKeyword({
    keyword: TIME_KEYWORD,
    type: 'string',
    modifying: true,
    errors: true,
    validate: function check(_schema: unknown, data: string, _parent: unknown, cx?: { parentData: any; parentDataProperty: string | number }) {
      const t = isTime(data) ? Date.parse(data) : isPlainDate(data) ? Date.parse(`${data}T00:00:00Z`) : NaN;
      if (Number.isNaN(t)) return true; // the format keyword reports it
      const year = new Date(t).getUTCFullYear();
      if (year < o.minYear || year > o.maxYear) {
        (check as any).errors = [{ keyword: TIME_KEYWORD, message: `must be a time in the years ${o.minYear} to ${o.maxYear}`, params: {} }];
        return false;
      }
      if (cx?.parentData) cx.parentData[cx.parentDataProperty] = new Date(t).toISOString();
      return true;
    },
  });
  // Names people read: refused when they hide characters, stored in NFKC.
  a.addKeyword({
    keyword: NAME_KEYWORD,
    type: 'string',
    modifying: true,
    errors: true,
    validate: function check(_schema: unknown, data: string, _parent: unknown, cx?: { parentData: any; parentDataProperty: string | number }) {
      const fault = nameFault(data);
      if (fault) {
        (check as any).errors = [{ keyword: NAME_KEYWORD, message: fault, params: {} }];
        return false;
      }
      if (cx?.parentData) cx.parentData[cx.parentDataProperty] = cleanName(data);
      return true;
    },
  });
  return a;
}

/** Schema keywords of src/http/schemas.ts's IsoTime and HumanName. */
export const TIME_KEYWORD = 'x-truce-time';
export const NAME_KEYWORD = 'x-truce-name';

/** A calendar date alone (RFC 3339 full-date), which the API takes as the start of that day UTC. */
export function isPlainDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]); // not Date.UTC: it reads years 0-99 as 1900-1999
  return +m[1] > 0 && d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const rfc3339 = fullFormats['date-time'] as { validate: (s: string) => boolean } | ((s: string) => boolean);
const rfc3339Valid = typeof rfc3339 === 'function' ? rfc3339 : rfc3339.validate;

/**
 * RFC 3339 with a zone, and a real instant both JavaScript and PostgreSQL can hold: a leap
 * second (:60) or year 0 passes the grammar but is no such time.
 */
export function isTime(s: string): boolean {
  if (!rfc3339Valid(s)) return false;
  const t = Date.parse(s);
  return Number.isFinite(t) && !/^0000/.test(s) && new Date(t).getUTCFullYear() >= 1;
}

/** Bodies over this many bytes that fail get their first error only (see makeValidatorCompiler). */
export const ALL_ERRORS_MAX_BYTES = 16 * 1024;
const bodySizes = new WeakMap<object, number>();
/** The JSON parser notes each body's size, so validation knows how much an error report may cost. */
export function noteBodySize(body: unknown, bytes: number): void {
  if (body && typeof body === 'object') bodySizes.set(body, bytes);
}

/**
 * Validation in two passes. The first stops at the first error (cost: up to where the error
 * is). Only when it fails on a body of at most ALL_ERRORS_MAX_BYTES (or on a query, path or
 * header, small by nature) does a second pass list every error; Ajv with allErrors builds an
 * error object per fault, and 200,000 empty aliases made 400,000 of them (seconds of CPU, a
 * 47 MB answer). A failing larger body is answered with its first error, marked `partial`.
 */
export function makeValidatorCompiler(o: ValidationOptions = { minYear: 1900, maxYear: 2200 }): FastifySchemaCompiler<any> {
  const first = { strict: ajv(false, o, false), coercing: ajv(true, o, false) };
  const all = { strict: ajv(false, o, true), coercing: ajv(true, o, true) };
  const cache = new WeakMap<object, (data: unknown) => boolean>();
  return ({ schema, httpPart }) => {
    const body = httpPart === 'body';
    const key = schema as object;
    const cached = body ? cache.get(key) : undefined;
    if (cached) return cached;
    // compiled on the route's first request, not at start: compiling every route's schemas held up
    // the first decision after a restart by half a second (a route's first request pays its few ms)
    let fast: ValidateFunction | undefined;
    let full: ValidateFunction | undefined;
    const check = Object.assign(
      (data: unknown): boolean => {
        fast ??= (body ? first.strict : first.coercing).compile(key);
        if (fast(data)) {
          check.errors = null;
          return true;
        }
        const size = data && typeof data === 'object' ? (bodySizes.get(data) ?? 0) : 0;
        if (body && size > ALL_ERRORS_MAX_BYTES) {
          check.errors = Object.assign([...(fast.errors ?? [])], { partial: true });
          return false;
        }
        full ??= (body ? all.strict : all.coercing).compile(key);
        full(data);
        check.errors = full.errors?.length ? [...full.errors] : [...(fast.errors ?? [])];
        return false;
      },
      { errors: null as unknown[] | null },
    );
    if (body) cache.set(key, check);
    return check;
  };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, any>;
}

/** Turns Ajv errors into {field, reason} pairs a person can act on. */
export function fieldErrors(errors: AjvError[], part: string | undefined): { field: string; reason: string }[] {
  const out: { field: string; reason: string }[] = [];
  const seen = new Set<string>();
  const path = (p: string) => p.split('/').filter(Boolean).join('.');
  for (const e of errors) {
    let field = path(e.instancePath);
    let reason = e.message ?? e.keyword;
    if (e.keyword === 'required') {
      field = [field, e.params.missingProperty].filter(Boolean).join('.');
      reason = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      field = [field, e.params.additionalProperty].filter(Boolean).join('.');
      reason = 'is not a known field';
    } else if (e.keyword === 'enum') {
      reason = `must be one of ${e.params.allowedValues.join(', ')}`;
    } else if (e.keyword === 'format') {
      reason = e.params.format === 'date-time' ? 'must be an ISO 8601 time with a time zone' : `must be a valid ${e.params.format}`;
    } else if (e.keyword === 'const' || e.keyword === 'anyOf') {
      continue; // summarised below from the literal alternatives
    } else if (e.keyword === 'if') {
      continue; // "must match then": the branch's own errors say what is wrong
    }
    if (!field) field = part === 'body' ? '(body)' : `(${part ?? 'request'})`;
    const k = `${field}|${reason}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ field, reason });
    }
  }
  // Unions of literals: name the allowed values once.
  const lits = new Map<string, string[]>();
  for (const e of errors) if (e.keyword === 'const') {
    const f = path(e.instancePath);
    const vals = lits.get(f) ?? [];
    if (vals.length < 50) vals.push(String(e.params.allowedValue));
    lits.set(f, vals);
  }
  const named = new Set(out.map((o) => o.field));
  for (const [f, vals] of lits) if (!named.has(f)) out.push({ field: f || `(${part})`, reason: `must be one of ${vals.join(', ')}` });
  if (!out.length) for (const e of errors) if (e.keyword === 'anyOf') out.push({ field: path(e.instancePath) || `(${part})`, reason: 'does not match any allowed form' });
  return out;
}
