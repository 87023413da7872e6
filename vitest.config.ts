import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration suites each start their own hub on free ports; two cores, so keep it to two at a time.
    maxWorkers: 2,
  },
});
