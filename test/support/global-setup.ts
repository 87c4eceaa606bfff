// Builds each engine's migrated template database once per run; test files clone it.
import type { TestProject } from 'vitest/node';
import { buildTemplates } from './templates.ts';

export default async function setup(project: TestProject) {
  const t = await buildTemplates();
  project.provide('pgliteTemplate', t.pgliteTemplate);
  project.provide('postgresTemplate', t.postgresTemplate);
  return t.teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}
