import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The map at a million incidents in Chromium is a benchmark (first paint, pan and zoom times), so it
// runs apart from `npm test`: `truce bench map-million` (needs TRUCE_TEST_DATABASE_URL).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['bench/map-million.browser.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    env: { TRUCE_TEST_ENGINE: 'postgres' },
  },
});
