import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**/*.test.ts) and are pure. Integration tests under
// test/ start real processes, cgroups, a real systemd in nspawn and a real HTTP server;
// they run one file at a time so that CPU-sampling tests do not disturb one another.
// The quiet-machine check runs first, alone, before any test has started (or left behind)
// a process of its own.
const QUIET = 'test/diagnose/quiet.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'quiet',
          include: [QUIET],
          testTimeout: 150_000,
          sequence: { groupOrder: 0 },
        },
      },
      { test: { name: 'unit', include: ['src/**/*.test.ts'], sequence: { groupOrder: 1 } } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [QUIET],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
