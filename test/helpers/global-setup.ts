import { BUILT_ENV, buildDist } from './build.js';

/**
 * Runs once in the runner before any test file: compiles dist/ for the files that spawn the CLI
 * or import the built modules, and tells their workers (which inherit this environment) not to
 * compile it again.
 */
export default function setup(): void {
  buildDist({ force: true });
  process.env[BUILT_ENV] = '1';
}
