import { defineConfig } from 'vitest/config';

// The whole suite runs on embedded PGlite, and again on a PostgreSQL + PostGIS server when
// TRUCE_TEST_DATABASE_URL is set (CI sets it). The browser tests drive the web app over HTTP, so
// they run once: on the server engine when there is one (the faster of the two, which keeps CI
// inside its time), else on PGlite. Every route they use is tested on both engines.
const engines = ['pglite', ...(process.env.TRUCE_TEST_DATABASE_URL ? ['postgres'] : [])];
const browserOn = engines[engines.length - 1];

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: engines.map((engine) => ({
      extends: true,
      test: {
        name: engine,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        exclude: ['**/node_modules/**', ...(engine === browserOn ? [] : ['test/browser/**'])],
        env: { TRUCE_TEST_ENGINE: engine },
      },
    })),
  },
});
