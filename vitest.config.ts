import { defineConfig } from 'vitest/config';

// The whole suite runs on embedded PGlite, and again on a PostgreSQL + PostGIS server when
// TRUCE_TEST_DATABASE_URL is set (CI sets it).
const engines = ['pglite', ...(process.env.TRUCE_TEST_DATABASE_URL ? ['postgres'] : [])];

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
        env: { TRUCE_TEST_ENGINE: engine },
      },
    })),
  },
});
