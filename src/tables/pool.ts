import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyze } from '../index.js';
import type { Analysis } from '../model/analysis.js';
import { IopathError, type ErrorKind } from '../model/errors.js';
import type { IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import { analyzeToParquet } from './trace-tables.js';

/**
 * Many traces on all cores: one worker thread per core takes the next trace as it finishes the
 * last (traces differ in length, so a fixed split would leave a core idle). Each trace's analysis
 * is independent; only the finished Analysis (samples dropped: bounded, but not needed) comes back.
 */

export interface TraceJob {
  path: string;
  trace: string;
  parquet?: string;
  format?: TraceFormat;
  unit?: IoUnit | 'auto';
  strict?: boolean;
}

type Reply = { ok: true; analysis: Analysis } | { ok: false; error: { kind?: ErrorKind; message: string } };

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** In this thread, one after another (also what runs when the compiled worker is absent, as under vitest on the sources). */
export async function analyzeSequential(jobs: readonly TraceJob[]): Promise<Analysis[]> {
  const out: Analysis[] = [];
  for (const j of jobs) {
    const o = { format: j.format, unit: j.unit, strict: j.strict, label: j.path };
    out.push(j.parquet ? await analyzeToParquet(j.path, j.parquet, j.trace, o) : await analyze(j.path, o));
  }
  return out;
}

export async function analyzeMany(jobs: readonly TraceJob[], threads = availableParallelism()): Promise<Analysis[]> {
  const n = Math.max(1, Math.min(threads, jobs.length));
  // Standard input is this thread's: a job reading it stays here.
  if (n === 1 || !existsSync(WORKER) || jobs.some((j) => j.path === '-')) return analyzeSequential(jobs);
  const results: Analysis[] = new Array(jobs.length);
  let next = 0;
  const run = (w: Worker): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const take = (): void => {
        if (next >= jobs.length) return resolve();
        const i = next++;
        w.once('message', (r: Reply) => {
          if (!r.ok) return reject(new IopathError(r.error.kind ?? 'unreadable', r.error.message));
          results[i] = r.analysis;
          take();
        });
        w.postMessage(jobs[i]);
      };
      w.once('error', reject);
      take();
    });
  // Each worker parses on its own thread (IOPATH_THREADS=0): the cores are already all busy with traces.
  const workers = Array.from({ length: n }, () => new Worker(WORKER, { env: { ...process.env, IOPATH_THREADS: '0' } }));
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
