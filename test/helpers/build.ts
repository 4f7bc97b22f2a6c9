import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.js';

/**
 * `tsc -p .` into dist/, as `npm ci` does, for the tests that run the built CLI or modules. The
 * suite's global setup calls it once before any test file starts and sets BUILT_ENV, so the files
 * that need dist/ find it current instead of each compiling it again (15 files, ~5 s each on two
 * busy cores). A file run alone outside that setup (or a dist/ removed mid-run) still compiles.
 * No vitest import here: the global setup runs it in the runner's own process.
 */

export const BUILT_ENV = 'IOPATH_TEST_DIST_BUILT';
export const CLI = join(REPO, 'dist', 'cli.js');
const LOCK = join(REPO, 'dist', '.build-lock');

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Compiles unless the global setup already did. Test files run in parallel workers: a lock
 * directory keeps two of them from rewriting dist/ while a third is spawning the CLI from it.
 * Compile errors elsewhere in a tree being edited do not stop the build (tsc still emits), so they
 * do not stop these tests.
 */
export function buildDist(opts: { force?: boolean } = {}): void {
  if (!opts.force && process.env[BUILT_ENV] === '1' && existsSync(CLI)) return;
  mkdirSync(join(REPO, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      const st = statSync(LOCK, { throwIfNoEntry: false });
      if (Date.now() > deadline || (st && Date.now() - st.mtimeMs > 120_000)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      sleep(100);
    }
  }
  try {
    spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO], { encoding: 'utf8', cwd: REPO });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  if (!existsSync(CLI)) throw new Error('dist/cli.js was not built');
}
