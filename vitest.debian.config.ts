import { defineConfig } from 'vitest/config';
import { DEBIAN_TESTS, testOptions } from './vitest.config.ts';

/** `npm run test:debian`: the tests that need Debian's nginx, pgbouncer and PostgreSQL client programs (they fail, never skip, without them). */
export default defineConfig({ test: { ...testOptions, include: DEBIAN_TESTS } });
