import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Kills any child process (hebb serve) a test left running, however the run ends.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'threads',
    // Two files at a time on two cores (Vitest's default is cores − 1 = 1): much of a file's time is spent waiting on
    // the processes and servers it starts, which the other file's work fills (measured: 32 min → 24 min).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/robustness/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // The browser tests afterwards, one file at a time: they measure playback and latency, which another file's
      // CPU would distort (SwiftShader rasterises on the same two cores).
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
