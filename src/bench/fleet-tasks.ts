import { statSync } from 'node:fs';
import type { Source } from '../input/lines.js';
import { analyzeMany, analyzeSequential, type TraceJob } from '../tables/pool.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * Many traces in one call: the same trace analyzed 8 times, one after another in this thread
 * (`analyze-8-seq`, what 8 `iopath analyze` runs in a row do, each parsing on a second thread for
 * large files) and on a worker thread per core (`analyze-8-pool`, `iopath analyze A B … H`). The
 * ratio of their times is the speedup of many traces at once.
 */

const COPIES = 8;

function jobs(src: Source): TraceJob[] {
  if (typeof src !== 'string') throw new Error('the fleet bench tasks need a trace path');
  return Array.from({ length: COPIES }, (_, i) => ({ path: src, trace: `t${i}` }));
}

async function result(src: Source, run: (j: TraceJob[]) => Promise<{ input: { lines: number; events: number }; ios: { total: number } }[]>): Promise<TaskResult> {
  const all = await run(jobs(src));
  return {
    bytes: COPIES * statSync(src as string).size,
    lines: all.reduce((n, a) => n + a.input.lines, 0),
    events: all.reduce((n, a) => n + a.input.events, 0),
    note: `${COPIES} traces, ios=${all.reduce((n, a) => n + a.ios.total, 0)}`,
  };
}

benchTask('analyze-8-seq', `analyze the trace ${COPIES} times, one after another`, (src) => result(src, analyzeSequential));
benchTask('analyze-8-pool', `analyze the trace ${COPIES} times in one call, a worker thread per core`, (src) => result(src, (j) => analyzeMany(j)));

/** The same 8 in a row with parsing on the analyzing thread: the single-thread work the pool splits over the cores. */
benchTask('analyze-8-seq-1t', `analyze the trace ${COPIES} times, one after another, IOPATH_THREADS=0`, (src) => {
  process.env['IOPATH_THREADS'] = '0';
  return result(src, analyzeSequential);
});
