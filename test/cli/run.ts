import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { buildDist, CLI } from '../helpers/build.js';
import { REPO } from '../helpers/paths.js';

/**
 * The built CLI as a user runs it: `tsc -p .`, then `node dist/cli.js …` in a child process, so
 * exit codes and stderr are the real ones (commander's exits, the top-level catch, unhandled
 * rejections), not those of a function called in the test's process.
 */

export { CLI };

/** dist/ as `npm ci` builds it: compiled once by the suite's global setup, else here (see helpers/build.ts). */
export function buildCli(): void {
  buildDist();
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function iopath(args: readonly string[], opts: { input?: string | Buffer; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: opts.input, cwd: opts.cwd ?? REPO, timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `iopath` without blocking: children run side by side while the test worker waits. */
export function iopathAsync(args: readonly string[], opts: { input?: string | Buffer; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    // A child that exits before reading its input closes the pipe: not the test's failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

/**
 * Runs many invocations, as many at a time as there are cores, and returns their results in
 * order. Most of a run is loading the CLI's modules, so this is what keeps the suite short where
 * the test runner itself uses one worker.
 */
export async function iopathAll(jobs: readonly (readonly string[] | { args: readonly string[]; input?: string | Buffer })[]): Promise<Run[]> {
  const results: Run[] = new Array<Run>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i]!;
      results[i] = 'args' in job ? await iopathAsync(job.args, { input: job.input }) : await iopathAsync(job);
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
  return results;
}

/** No stack frame, no Node internals: what a user sees is iopath's own words. */
export function expectNoStack(r: Run): void {
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  expect(r.stderr).not.toMatch(/node:internal|internal error|\.js:\d+:\d+/);
}

/** Exit 2 with exactly one line on stderr, starting `iopath:`. */
export function expectOneLineRefusal(r: Run, pattern?: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expectNoStack(r);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^iopath: /);
  if (pattern) expect(lines[0]).toMatch(pattern);
}

/** A scratch directory for one test file, removed after it (call at the top level of the file). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `iopath-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
