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
 * Many traces on all cores: this process and one child process per other core each take the next
 * trace as they finish the last (traces differ in length, so a fixed split would leave a core
 * idle). A trace's analysis and its Parquet files are made where it runs; from a child only the
 * finished Analysis (samples dropped: not needed by the fleet summary) comes back. This process
 * takes its share because it has loaded and compiled the analyzer already: a child costs ~0.5 s
 * of CPU to start and its first trace runs slower until the JIT has warmed up.
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
  // A large file's job here still parses on a second thread (parse/stream-parallel.ts): one more
  // thread than cores for its duration, which costs less than another child's start.
  const results: Analysis[] = new Array(jobs.length);
  let next = 0;
  let failed: Error | undefined;
  const children: ChildProcess[] = [];
  // The first failure stops every child at once; the job running here ends on its own.
  const fail = (err: Error): void => {
    failed ??= err;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  };
  const run = (): Promise<void> =>
    new Promise<void>((resolve) => {
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
        if (!r.ok) return fail(new IopathError(r.error.kind ?? 'unreadable', r.error.message));
        results[current] = r.analysis;
        take();
      });
      child.once('error', (err) => (fail(err), resolve()));
      child.once('exit', (code, signal) => {
        if (!failed && current >= 0 && results[current] === undefined) fail(new Error(`${jobs[current]!.path}: the analyzing process ended (${signal ?? `exit ${code}`})`));
        resolve();
      });
      take();
    });
  const here = async (): Promise<void> => {
    while (!failed && next < jobs.length) {
      const i = next++;
      try {
        // Without samples, as the children's come back.
        results[i] = { ...(await analyzeJob(jobs[i]!)), samples: [] };
      } catch (err) {
        fail(err as Error);
      }
    }
  };
  // Neither rejects: every child has exited and the job here has ended when this resolves.
  await Promise.all([here(), ...Array.from({ length: n - 1 }, run)]);
  if (failed) throw failed;
  return results;
}
