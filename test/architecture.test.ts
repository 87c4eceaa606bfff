// The architecture of ARCHITECTURE.md, held by a test (as test/access.test.ts holds every
// route's access): pure cores do no I/O, a capability reads another only through its lookup.ts,
// SQL lives only in stores (each over its own tables) and the db and ledger layers, and the web
// app imports no server code. The checker is test/support/architecture.ts; the lists below are
// the rules' data: extend them when a capability or a pure core arrives.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, loadProject, looksLikeSql, type Architecture, type ProjectFile, type Rule } from './support/architecture.ts';

export const ARCHITECTURE: Architecture = {
  pureCores: [
    { file: 'src/ledger/merkle.ts' },
    { file: 'src/ledger/canonical.ts' },
    { file: 'src/parties/status.ts' },
    { file: 'src/sites/bounds.ts' },
    { file: 'src/vetting/decide.ts' },
    { file: 'src/vetting/grid.ts' },
    { file: 'src/vetting/model.ts' },
    { file: 'src/vetting/index.ts' },
    { file: 'src/geo/geodesy.ts' },
    { file: 'src/geo/shapes.ts' },
    { file: 'src/geo/clip.ts' },
    { file: 'src/geo/overlay.ts' },
    { file: 'src/geo/simple.ts' },
    { file: 'src/geo/countries.ts' },
    { file: 'src/http/names.ts' },
    { file: 'src/http/json.ts' },
    // issue 9: the desk's and the gazetteer's pure cores
    { file: 'src/incidents/acled.ts' },
    { file: 'src/incidents/group.ts' },
    { file: 'src/incidents/summary.ts' },
    { file: 'src/incidents/review.ts' },
    { file: 'src/incidents/visibility.ts' },
    { file: 'src/incidents/report-access.ts' },
    { file: 'src/places/normalise.ts' },
    { file: 'src/places/gazetteer.ts' },
    { file: 'src/events/sse.ts' },
    // issue 10: humanitarian access
    { file: 'src/aid/route.ts' },
    { file: 'src/aid/approvals.ts' },
    { file: 'src/aid/convoy.ts' },
    { file: 'src/aid/areas.ts' },
    { file: 'src/aid/figures.ts' },
    { file: 'src/aid/visibility.ts' },
    // issue 11: OGC API – Features
    { file: 'src/ogc/params.ts' },
    { file: 'src/ogc/documents.ts' },
    { file: 'src/ogc/features.ts' },
    // issue 11: the map's cluster scan
    { file: 'src/incidents/clusters.ts' },
    // issue 11: exports
    { file: 'src/exports/formats.ts' },
    // issue 11: webhooks
    { file: 'src/webhooks/ssrf.ts' },
    { file: 'src/webhooks/signature.ts' },
    { file: 'src/webhooks/backoff.ts' },
    { file: 'src/webhooks/kinds.ts' },
    // issue 11: imports (ACLED and UCDP GED parsers, actor matching)
    { file: 'src/imports/cells.ts' },
    { file: 'src/imports/acled.ts' },
    { file: 'src/imports/ucdp.ts' },
    { file: 'src/imports/actors.ts' },
    // issue 12: who sees what of a vetting decision; the vetting history's export formats
    { file: 'src/vetting/views.ts' },
    { file: 'src/exports/vetting.ts' },
  ],
  ioBuiltins: ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'tls', 'child_process', 'cluster', 'worker_threads', 'readline', 'repl', 'inspector', 'os', 'process'],
  ioPackages: [/^pg(\/|$)/, /^@electric-sql\//, /^fastify(\/|$)/, /^@fastify\//, /^undici(\/|$)/, /^ws$/, /^commander$/, /^playwright/],
  ioFiles: [/^src\/db\//, /store\.ts$/, /^src\/ledger\/ledger\.ts$/, /^src\/events\//, /^src\/(app|server|cli|config|jobs)\.ts$/, /routes\.ts$/],
  // Natural Earth borders, read from world-atlas once on first use: data, like an imported JSON
  referenceData: ['src/geo/borders.ts'],
  // the ledger layer (its routes are held like any capability's) and the database layer
  sqlAllowed: [/^src\/db\//, /^src\/ledger\/(?!routes\.ts$)[^/]+\.ts$/],
  tables: {
    auth: ['accounts', 'api_tokens', 'sessions'],
    parties: ['parties', 'designations', 'commitments'],
    terms: ['terms'],
    territory: ['territories'],
    sites: ['sites', 'site_events', 'corridors'],
    vetting: ['vettings', 'vetting_flags', 'vetting_grid', 'vetting_rate_refusals'],
    incidents: ['reports', 'idempotency_keys', 'incidents', 'incident_reports', 'incident_events', 'claims', 'info_requests', 'info_answers', 'determinations', 'concurrences'],
    aid: ['besieged_areas', 'besieged_area_events', 'convoys', 'convoy_events'],
    webhooks: ['webhooks', 'webhook_outbox', 'webhook_deliveries', 'webhook_cursors', 'webhook_deadlines'],
    ledger: ['ledger_state', 'ledger_leaves', 'ledger_nodes', 'ledger_heads', 'ledger_cosignatures'],
    db: ['schema_migrations'],
  },
  anyTable: [/^src\/db\//],
  // the vetting contract's reason codes and their effects, which the console colours by; the CSV
  // writer and its formula guard, with which the console writes a batch's results as a file
  webShared: ['src/vetting/model.ts', 'src/exports/formats.ts'],
  serverPackages: [/^pg(\/|$)/, /^@electric-sql\//, /^fastify(\/|$)/, /^@fastify\//, /^typescript$/, /^vitest/],
};

const ROOT = path.resolve(import.meta.dirname, '..');
const show = (v: { rule: string; file: string; line: number; detail: string }[]) => v.map((x) => `${x.rule} ${x.file}:${x.line} ${x.detail}`);

describe('the architecture', () => {
  const project = loadProject(ROOT);

  it('holds over src/ and web/src', () => {
    expect(project.filter((f) => f.path.startsWith('src/')).length).toBeGreaterThan(50);
    expect(project.filter((f) => f.path.startsWith('web/src/')).length).toBeGreaterThan(10);
    expect(show(check(project, ARCHITECTURE))).toEqual([]);
  });

  it('gives every table to a folder under src/ that has a store', () => {
    const planned = new Set<string>();
    const stores = new Set(project.filter((f) => f.path.startsWith('src/') && f.path.endsWith('store.ts')).map((f) => f.path.split('/')[1]));
    stores.add('db'); // the migration runner keeps its own table
    expect(Object.keys(ARCHITECTURE.tables).filter((o) => !stores.has(o) && !planned.has(o))).toEqual([]);
  });
});

/** The checker over a few in-memory files, with the project's rules. */
const run = (files: Record<string, string>, a: Partial<Architecture> = {}) =>
  check(
    Object.entries(files).map(([p, text]): ProjectFile => ({ path: p, text })),
    { ...ARCHITECTURE, pureCores: [{ file: 'src/x/calc.ts' }, { file: 'src/x/later.ts', planned: true }], ...a },
  );
const rules = (files: Record<string, string>, a: Partial<Architecture> = {}): Rule[] => run(files, a).map((v) => v.rule);
const CALC_OK = 'export const two = 1 + 1;\n';

describe('each rule can fail', () => {
  it('a pure core that imports I/O, directly or through another file', () => {
    expect(rules({ 'src/x/calc.ts': CALC_OK })).toEqual([]);
    expect(rules({ 'src/x/calc.ts': "import { openDb } from '../db/open.ts';\n" })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': "import fs from 'node:fs';\n" })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': "import pg from 'pg';\n" })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': "export { getX } from './store.ts';\n" })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': "import { write } from '../ledger/ledger.ts';\n" })).toEqual(['pure-core-io']);
    // through a helper that reads a file
    const chained = run({ 'src/x/calc.ts': "import { h } from './helper.ts';\n", 'src/x/helper.ts': "import { readFileSync } from 'node:fs';\nexport const h = 1;\n" });
    expect(chained.map((v) => v.rule)).toEqual(['pure-core-io']);
    expect(chained[0].detail).toBe('src/x/calc.ts → src/x/helper.ts imports node:fs (I/O)');
    // a dynamic import is an import; the process's globals are I/O too
    expect(rules({ 'src/x/calc.ts': "export const f = () => import('node:child_process');\n" })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': 'export const port = process.env.PORT;\n' })).toEqual(['pure-core-io']);
    expect(rules({ 'src/x/calc.ts': "export const get = () => fetch('http://x');\n" })).toEqual(['pure-core-io']);
    // any *.pure.ts is a pure core
    expect(rules({ 'src/x/calc.ts': CALC_OK, 'src/y/rank.pure.ts': "import pg from 'pg';\n" })).toEqual(['pure-core-io']);
  });

  it('but not for types, the reference data, or a property named like a global', () => {
    expect(rules({ 'src/x/calc.ts': "import type { Db } from '../db/db.ts';\nimport type { R } from './store.ts';\n" })).toEqual([]);
    expect(rules({ 'src/x/calc.ts': "import { statesMeeting } from '../geo/borders.ts';\n", 'src/geo/borders.ts': "import fs from 'node:fs';\n" })).toEqual([]);
    expect(rules({ 'src/x/calc.ts': 'export const o = { process: 1 }; export const p = o.process;\n' })).toEqual([]);
    // `import { type X }` still loads the module (verbatimModuleSyntax): only `import type` is erased
    expect(rules({ 'src/x/calc.ts': "import { type Db } from '../db/db.ts';\n" })).toEqual(['pure-core-io']);
  });

  it('a listed pure core that is gone (a planned one may be missing)', () => {
    expect(run({}).map((v) => [v.rule, v.file])).toEqual([['pure-core-missing', 'src/x/calc.ts']]);
    expect(rules({ 'src/x/calc.ts': CALC_OK, 'src/x/later.ts': "import fs from 'node:fs';\n" })).toEqual(['pure-core-io']);
  });

  it('a file that imports another capability’s store', () => {
    const base = { 'src/x/calc.ts': CALC_OK };
    expect(rules({ ...base, 'src/a/service.ts': "import { getB } from '../b/lookup.ts';\nimport * as store from './store.ts';\n" })).toEqual([]);
    expect(rules({ ...base, 'src/a/service.ts': "import { getB } from '../b/store.ts';\n" })).toEqual(['foreign-store']);
    expect(rules({ ...base, 'src/a/service.ts': "import type { B } from '../b/store.ts';\n" })).toEqual(['foreign-store']);
    expect(rules({ ...base, 'src/a/lookup.ts': "export * from '../b/reports.store.ts';\n" })).toEqual(['foreign-store']);
    expect(rules({ ...base, 'src/a/service.ts': "const s = await import('../b/store.ts');\n" })).toEqual(['foreign-store']);
    expect(rules({ ...base, 'src/cli.ts': "import { getB } from './b/store.ts';\n" })).toEqual(['foreign-store']);
    // tests may set up data through a store
    expect(rules({ ...base, 'src/a/service.test.ts': "import { insertB } from '../b/store.ts';\n" })).toEqual([]);
  });

  it('SQL outside a store, and a store naming another capability’s table', () => {
    const base = { 'src/x/calc.ts': CALC_OK };
    expect(rules({ ...base, 'src/a/service.ts': "q.query('SELECT id FROM a_things WHERE id = $1', [id]);\n" })).toEqual(['sql-outside-store']);
    expect(rules({ ...base, 'src/a/service.ts': 'q.query(`WITH t AS (SELECT 1) SELECT * FROM t`);\n' })).toEqual(['sql-outside-store']);
    expect(rules({ ...base, 'src/a/service.ts': "q.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');\n" })).toEqual(['sql-outside-store']);
    expect(rules({ ...base, 'src/ledger/routes.ts': "db.query('UPDATE accounts SET signing_key = $2 WHERE id = $1');\n" })).toEqual(['sql-outside-store']);
    expect(rules({ ...base, 'src/a/service.ts': 'const f = `EXISTS (SELECT 1 FROM ledger_leaves l WHERE l.seq < ${v})`;\n' })).toEqual(['sql-outside-store']);
    // prose is not SQL; stores, the db layer and the ledger layer may hold SQL
    expect(rules({ ...base, 'src/a/service.ts': "throw new Error('Select a party from the list; UPDATE your key. With care.');\n" })).toEqual([]);
    expect(rules({ ...base, 'src/parties/store.ts': "q.query('SELECT * FROM parties x JOIN designations d ON d.party_id = x.id');\n" })).toEqual([]);
    expect(rules({ ...base, 'src/db/migrate.ts': "q.query('INSERT INTO schema_migrations (version) VALUES ($1)');\n" })).toEqual([]);
    expect(rules({ ...base, 'src/ledger/store.ts': "q.query('SELECT * FROM ledger_leaves');\n" })).toEqual([]);
    // ... each over its own tables
    expect(run({ ...base, 'src/vetting/store.ts': "q.query('SELECT x.id FROM territories x');\n" }).map((v) => v.detail)).toEqual(['names territories, a table of territory: ask its lookup.ts']);
    expect(rules({ ...base, 'src/vetting/store.ts': 'const sql = `SELECT * FROM vettings v LEFT JOIN accounts a ON a.id = v.requested_by`;\n' })).toEqual(['foreign-table']);
    expect(rules({ ...base, 'src/ledger/store.ts': "q.query('SELECT c.* FROM ledger_cosignatures c JOIN accounts a ON a.id = c.account_id');\n" })).toEqual(['foreign-table']);
    expect(rules({ ...base, 'src/incidents/reports.store.ts': "q.query('INSERT INTO reports (id) VALUES ($1)');\n" })).toEqual([]);
  });

  it('a table no capability owns', () => {
    const v = run({ 'src/x/calc.ts': CALC_OK, 'src/db/migrations/099_x.sql': 'CREATE TABLE mystery (id uuid);\nCREATE TABLE IF NOT EXISTS parties (id uuid);\n' });
    expect(v.map((x) => [x.rule, x.line, x.detail.split(':')[0]])).toEqual([['unowned-table', 1, 'table mystery has no owner']]);
  });

  it('the web app importing server code', () => {
    const base = { 'src/x/calc.ts': CALC_OK, 'web/src/types.ts': 'export interface P { id: string }\n' };
    expect(rules({ ...base, 'web/src/page.ts': "import type { P } from './types.ts';\nimport maplibre from 'maplibre-gl';\n" })).toEqual([]);
    expect(rules({ ...base, 'web/src/page.ts': "import { statusAt } from '../../src/parties/status.ts';\n" })).toEqual(['web-imports-server']);
    expect(rules({ ...base, 'web/src/pages/p.ts': "import type { PartyRecord } from '../../../src/parties/lookup.ts';\n" })).toEqual(['web-imports-server']);
    expect(rules({ ...base, 'web/src/page.ts': "import fs from 'node:fs';\n" })).toEqual(['web-imports-server']);
    expect(rules({ ...base, 'web/src/page.ts': "import Fastify from 'fastify';\n" })).toEqual(['web-imports-server']);
    expect(rules({ ...base, 'web/src/page.ts': "import { listSites } from '../../src/sites/store.ts';\n" })).toEqual(['foreign-store', 'web-imports-server']);
    // a file declared shared with the web (the API's contract) if it is a pure core
    const shared = (pureCores: Architecture['pureCores']) => ({ webShared: ['src/x/api.ts'], pureCores: [{ file: 'src/x/calc.ts' }, ...pureCores] });
    const files = { ...base, 'src/x/api.ts': 'export const CODES = [1];\n', 'web/src/page.ts': "import { CODES } from '../../src/x/api.ts';\n" };
    expect(rules(files, shared([{ file: 'src/x/api.ts' }]))).toEqual([]);
    expect(rules(files, shared([]))).toEqual(['web-imports-server']);
    expect(rules({ ...files, 'src/x/api.ts': "import pg from 'pg';\nexport const CODES = [1];\n" }, shared([{ file: 'src/x/api.ts' }]))).toEqual(['pure-core-io']);
  });

  it('recognises the SQL this project writes, and not prose', () => {
    const sql = [
      'SELECT 1',
      '(SELECT min(n.valid_from) FROM territories n WHERE n.party_id = t.party_id) AS valid_to',
      "INSERT INTO sites (geom) VALUES ($1) RETURNING *",
      'UPDATE accounts AS a SET name = $2',
      'DELETE FROM sessions WHERE id = $1',
      'ANALYZE',
      'NOTIFY truce_events',
      'x.id = ANY($1) AND EXISTS (SELECT 1 FROM ledger_leaves l)',
    ];
    const prose = ['Select a site', 'ANALYZE failed', 'BEGIN PUBLIC KEY', 'Update the key first (PUT /api/v1/ledger/signing-key).', 'With the terms', 'SELECTED', 'The log has 3 leaves; end may be at most 3.'];
    expect(sql.filter((s) => !looksLikeSql(s))).toEqual([]);
    expect(prose.filter(looksLikeSql)).toEqual([]);
  });
});
