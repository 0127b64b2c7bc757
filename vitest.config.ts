import { defineConfig } from 'vitest/config';

/**
 * Tests that need Debian packages no npm package replaces (nginx, pgbouncer, PostgreSQL's pg_dump, pg_restore
 * and pg_basebackup): `npm run test:debian` runs them (vitest.debian.config.ts); `npm test` runs all the rest.
 */
export const DEBIAN_TESTS = ['test/scale/cluster.test.ts', 'test/scale/faults.test.ts', 'test/faults/pg-dump.test.ts'];

export const testOptions = {
  globalSetup: ['test/setup/global.ts'],
  pool: 'forks' as const,
  maxWorkers: 2,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { TZ: 'UTC' },
};

export default defineConfig({
  test: { ...testOptions, include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...DEBIAN_TESTS] },
});
