import { defineConfig } from 'vitest/config';

// Tests sit beside the code they test (*.test.ts) and in tests/ for integration.
// Two cores: run files in forks, at most two at a time, so pseudo-terminals,
// child processes and servers of one file never share a worker with another.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'drivers/**/*.test.ts', 'simulators/**/*.test.ts', 'tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
