import { defineConfig } from 'vitest/config';

/**
 * The suite on CI's two cores. Vitest's default there is one worker (cores − 1), which leaves a
 * core idle while a file waits on its own child processes or the disk; two workers keep both busy.
 * dist/ is compiled once, before any file starts (test/helpers/global-setup.ts), for the files that
 * run the built CLI.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Whole-capture analyses and spawned CLIs take seconds each on a busy two-core machine: here
    // rather than on `npm test`'s command line, so `npx vitest run FILE` gets them too.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
