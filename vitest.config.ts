import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'samples/*/test/**/*.test.ts'],
    // the CLI tests spawn the built flowc; the ts-morph tests take a second to warm up
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
