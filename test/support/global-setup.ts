// Builds each engine's migrated template database once per run; test files clone it.
import type { TestProject } from 'vitest/node';
import { buildTemplates } from './templates.ts';
import { ensureWebBuild } from './web-build.ts';

export default async function setup(project: TestProject) {
  ensureWebBuild();
  const t = await buildTemplates();
  project.provide('pgliteTemplate', t.pgliteTemplate);
  project.provide('postgresTemplate', t.postgresTemplate);
  project.provide('testDbPrefix', t.testDbPrefix);
  return t.teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    /** This run's test databases are named with it (teardown drops only those). */
    testDbPrefix: string;
  }
}
