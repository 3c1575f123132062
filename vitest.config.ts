import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Native addons and LibTorch thread pools do not mix with worker_threads pools.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
