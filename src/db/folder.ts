import fs from 'node:fs';
import path from 'node:path';
import { FatalError } from './db.ts';

/** Creates a folder level by level: one clear sentence for whatever is in the way. */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    missing.unshift(d);
    d = path.dirname(d);
  }
  if (!fs.statSync(d).isDirectory()) throw new FatalError(`Cannot use ${dir} as the data folder: ${d} is not a folder.`);
  for (const m of missing) {
    try {
      fs.mkdirSync(m); // not recursive: Node's recursive mkdir can spin on special filesystems such as /proc
    } catch (e) {
      throw new FatalError(`Cannot create the data folder ${dir}: ${(e as Error).message}.`);
    }
  }
}
