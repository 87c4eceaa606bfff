// Every API route's request schemas are valid JSON Schema. The server's Ajv does not check
// schemas against the meta-schema (that compile was 300 ms of the first decision after a
// restart, src/http/validation.ts), so this walk over every route does it instead.
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const meta = new Ajv({ strict: false });
const PARTS = ['body', 'querystring', 'params', 'headers'] as const;

describe('route schemas', () => {
  it('the check refuses a schema that is not one', () => {
    expect(meta.validateSchema({ type: 'object', properties: { n: { type: 'integr' } } })).toBe(false);
    expect(meta.validateSchema({ type: 'object', required: 'id' })).toBe(false);
  });

  it('every request schema of every API route is valid JSON Schema', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const r of t.app.apiRoutes) {
      for (const part of PARTS) {
        const s = (r.schema as Record<string, unknown> | undefined)?.[part];
        if (!s) continue;
        checked++;
        if (!meta.validateSchema(s as object)) bad.push(`${r.method} ${r.url} ${part}: ${meta.errorsText(meta.errors)}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
