import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
}

/** The server serves web/dist: build it (once per run, before any test) when missing or older than its sources. */
export function ensureWebBuild(): void {
  const web = path.join(root, 'web');
  const built = path.join(web, 'dist', 'index.html');
  const sources = Math.max(newest(path.join(web, 'src')), ...['index.html', 'vite.config.ts'].map((f) => statSync(path.join(web, f)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
