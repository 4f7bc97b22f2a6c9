import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { analyze } from '../index.js';
import type { Analysis } from '../model/analysis.js';
import { IopathError, type ErrorKind } from '../model/errors.js';
import type { IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import { analyzeToParquet } from './trace-tables.js';

/**
 * Many traces on all cores: one child process per core takes the next trace as it finishes the
 * last (traces differ in length, so a fixed split would leave a core idle). Each trace's analysis
 * (and its Parquet files) is made in the child; only the finished Analysis (samples dropped: not
 * needed by the fleet summary) comes back.
 *
 * Processes, not worker threads: on the 2-core VM two worker threads analyzing 4 copies of a
 * 20 000-I/O trace spent 10.3–12.0 s of CPU where one thread spent 7.2–7.9 s and two processes
 * 9.1–9.3 s (docs/sql.md); the threads' extra time was not pinned down (their garbage collection
 * counts were the same), so the measurement decides.
 */

export interface TraceJob {
  path: string;
  trace: string;
  parquet?: string;
  format?: TraceFormat;
  unit?: IoUnit | 'auto';
  strict?: boolean;
}

export type PoolReply = { ok: true; analysis: Analysis } | { ok: false; error: { kind?: ErrorKind; message: string } };

const CHILD = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Analyzes one job in this process: what a pool child runs, and the sequential path. */
export function analyzeJob(j: TraceJob): Promise<Analysis> {
  const o = { format: j.format, unit: j.unit, strict: j.strict, label: j.path };
  return j.parquet ? analyzeToParquet(j.path, j.parquet, j.trace, o) : analyze(j.path, o);
}

/** In this process, one after another (also what runs when the compiled child script is absent, as under vitest on the sources). */
export async function analyzeSequential(jobs: readonly TraceJob[]): Promise<Analysis[]> {
  const out: Analysis[] = [];
  for (const j of jobs) out.push(await analyzeJob(j));
  return out;
}

export async function analyzeMany(jobs: readonly TraceJob[], processes = availableParallelism()): Promise<Analysis[]> {
  const n = Math.max(1, Math.min(processes, jobs.length));
  // Standard input is this process's: a job reading it stays here.
  if (n === 1 || !existsSync(CHILD) || jobs.some((j) => j.path === '-')) return analyzeSequential(jobs);
  const results: Analysis[] = new Array(jobs.length);
  let next = 0;
  let failed: Error | undefined;
  const children: ChildProcess[] = [];
  const run = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // Each child parses in its own thread (IOPATH_THREADS=0): the cores are already all busy with traces.
      // Advanced serialization: the Analysis comes back as a structured clone (NaN, -0 intact), not JSON.
      const child = fork(CHILD, [], { env: { ...process.env, IOPATH_THREADS: '0' }, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      let current = -1;
      const take = (): void => {
        if (failed || next >= jobs.length) return void child.disconnect();
        current = next++;
        child.send(jobs[current]!);
      };
      child.on('message', (r: PoolReply) => {
        if (r.ok) {
          results[current] = r.analysis;
          return take();
        }
        failed ??= new IopathError(r.error.kind ?? 'unreadable', r.error.message);
        child.disconnect();
      });
      child.once('error', (err) => (failed ??= err));
      child.once('exit', (code, signal) => {
        if (failed) return reject(failed);
        if (current >= 0 && results[current] === undefined) return reject((failed = new Error(`${jobs[current]!.path}: the analyzing process ended (${signal ?? `exit ${code}`})`)));
        resolve();
      });
      take();
    });
  try {
    await Promise.all(Array.from({ length: n }, run));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
  return results;
}
