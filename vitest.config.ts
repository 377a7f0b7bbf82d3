import { defineConfig } from 'vitest/config';

/** Unit tests: pure logic next to the code it tests, plus the test-model generator run in Node. */
export default defineConfig({
  test: {
    include: ['{src,workers,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
