import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: build the page once, serve it with `vite preview` on 127.0.0.1, and drive it
 * in Debian's Chromium through playwright-core (tests/e2e). Run with `npm run test:e2e`.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
