import { readFileSync } from 'node:fs';
import { ANALYZED_EVENTS } from '../analyze/analyzed-events.js';
import { streamEventsParallel } from '../parse/stream-parallel.js';
import { streamEvents, type StreamResult } from '../parse/stream.js';
import type { Source } from '../input/lines.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * What the parsing thread saves the analyzing one, to run side by side on one file:
 *
 *   npm run bench -- trace.dat --tasks receive,decode-inplace
 *
 * - `receive`: the events decoded on the worker and rebuilt on this thread (the wire), handed to a
 *   consumer that does nothing: this thread's share is the cost of receiving.
 * - `decode-inplace`: the same events decoded on this thread (no worker), same consumer.
 *
 * The runner's cpu column counts every thread of the process (the worker's, V8's collector
 * helpers); the note gives this thread's own CPU time, ns per event, and, for `receive`, how long
 * this thread waited for the first event (the worker's start: its modules, zstd, the layout).
 */

/** CPU seconds of this process's main thread (/proc/self/task/PID/stat: utime, stime in ticks). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
  // After "pid (comm) ", state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function timed(run: (onEvent: () => void) => Promise<StreamResult>): Promise<TaskResult> {
  const t0 = performance.now();
  let first = -1;
  let events = 0;
  const cpu0 = mainThreadCpuSeconds();
  const r = await run(() => {
    if (events++ === 0) first = performance.now() - t0;
  });
  const cpu = mainThreadCpuSeconds() - cpu0;
  const perEvent = events > 0 ? (cpu * 1e9) / events : 0;
  return {
    bytes: r.read.bytes,
    lines: r.read.lines,
    events,
    note: `main thread cpu ${cpu.toFixed(2)} s (${perEvent.toFixed(0)} ns/event), first event after ${first.toFixed(0)} ms`,
  };
}

function needPath(src: Source): string {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  return src;
}

benchTask('receive', 'events decoded on the parsing thread, rebuilt here from the wire, no-op consumer (this thread: receiving only)', (src) =>
  timed((on) => streamEventsParallel(needPath(src), on, { payloads: ANALYZED_EVENTS })),
);

benchTask('decode-inplace', 'the same events decoded on this thread (no worker), no-op consumer', (src) =>
  timed((on) => streamEvents(needPath(src), on, { payloads: ANALYZED_EVENTS })),
);
