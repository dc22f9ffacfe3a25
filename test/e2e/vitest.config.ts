// Browser tests: one file at a time (each starts Vigil and Chromium), generous timeouts for a
// first start that migrates the database and collects the demo sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
