import { eventSystem, type TraceEvent } from '../../model/events.js';
import { cpu3, createTaskColumn, createTsFormatter } from './line-parts.js';
import { nameOf, payloadText } from './payload.js';

/**
 * `perf script` default fields for tracepoints (tools/perf/builtin-script.c):
 * `%16s %5d [%03d] %5lu.%06lu: <system:event right-aligned to the longest name>: <payload>`.
 * The width is that of the longest event name recorded; for the captures' event set it is 33
 * (`workqueue:workqueue_activate_work`). No header line.
 */

const PERF_NAME_WIDTH = 33;

export function createPerfWriter(width = PERF_NAME_WIDTH): (e: TraceEvent) => string {
  const ts = createTsFormatter();
  const task = createTaskColumn((comm, pid, cpu) => `${comm.padStart(16, ' ')} ${String(pid).padStart(5, ' ')} [${cpu3(cpu)}] `);
  const names = new Map<string, string>();
  const label = (e: TraceEvent): string => {
    const name = nameOf(e);
    const sys = e.kind === 'other' ? (e.system ?? '') : eventSystem(name);
    const key = `${sys}:${name}`;
    let s = names.get(key);
    if (s === undefined) {
      s = key.padStart(width, ' ');
      names.set(key, s);
    }
    return s;
  };
  return (e) => {
    if (e.kind === 'lost') return `${' '.repeat(16)} ${String(0).padStart(5, ' ')} [${cpu3(e.cpu)}] ${ts(e.ts)}: PERF_RECORD_LOST lost ${e.count}`;
    return `${task(e.comm, e.pid, e.cpu)}${ts(e.ts)}: ${label(e)}: ${payloadText(e)}`;
  };
}
