import type { TraceEvent } from '../../model/events.js';
import { cpu3, createTaskColumn, createTsFormatter } from './line-parts.js';
import { nameOf, payloadText } from './payload.js';

/**
 * `trace-cmd report` with default options (tracecmd/trace-read.c, before 3.3's latency column):
 * `cpus=N` first, then `%16s-%-5d [%03d] %5lu.%06lu: <event>:` padded to 20 columns, payload.
 */

/** Columns `name:` is left-aligned in, before one more space (`softirq_entry:        vec=7`). */
const NAME_COLUMNS = 21;

export function traceCmdHeader(cpus: number): string {
  return `cpus=${cpus}\n`;
}

export function createTraceCmdWriter(): (e: TraceEvent) => string {
  const ts = createTsFormatter();
  const task = createTaskColumn((comm, pid, cpu) => `${comm.padStart(16, ' ')}-${String(pid).padEnd(5, ' ')} [${cpu3(cpu)}] `);
  const names = new Map<string, string>();
  const padded = (name: string): string => {
    let s = names.get(name);
    if (s === undefined) {
      s = `${`${name}:`.padEnd(NAME_COLUMNS, ' ')} `;
      names.set(name, s);
    }
    return s;
  };
  return (e) => {
    if (e.kind === 'lost') return e.count >= 0 ? `CPU:${e.cpu} [${e.count} EVENTS DROPPED]` : `CPU:${e.cpu} [EVENTS DROPPED]`;
    return `${task(e.comm, e.pid, e.cpu)}${ts(e.ts)}: ${padded(nameOf(e))}${payloadText(e)}`;
  };
}
