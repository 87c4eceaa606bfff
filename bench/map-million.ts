// `truce bench map-million`: the web map at a million seeded incidents in Chromium (first paint of a
// view, pan and zoom, the drawn counts against the SQL's), run by Vitest with its own config because
// it drives a browser. PostgreSQL only: TRUCE_TEST_DATABASE_URL names the server; TRUCE_TEST_MILLION
// another size.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

if (!process.env.TRUCE_TEST_DATABASE_URL) {
  process.stderr.write('truce bench map-million needs TRUCE_TEST_DATABASE_URL (a PostgreSQL + PostGIS server)\n');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', path.join(root, 'bench/map-million.vitest.config.ts')], { stdio: 'inherit', cwd: root });
process.exitCode = r.status ?? 1;
