import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**/*.test.ts) and are pure. Integration tests under
// test/ start real processes, cgroups, a real systemd in nspawn and a real HTTP server;
// they run one file at a time so that CPU-sampling tests do not disturb one another.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
