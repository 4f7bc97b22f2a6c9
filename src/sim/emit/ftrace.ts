import type { TraceEvent } from '../../model/events.js';
import { cpu3, createTaskColumn, createTsFormatter } from './line-parts.js';
import { nameOf, payloadText } from './payload.js';

/**
 * The tracefs `trace` file of a ≥5.15 kernel (kernel/trace/trace_output.c):
 * `%16s-%-7d [%03d] <flags> %5lu.%06lu: <event>: <payload>`, after the `# tracer: nop` header.
 */

export function ftraceHeader(entries: number, cpus: number): string {
  return [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${entries}/${entries}   #P:${cpus}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
    '',
  ].join('\n');
}

export function createFtraceWriter(): (e: TraceEvent) => string {
  const ts = createTsFormatter();
  const task = createTaskColumn((comm, pid, cpu) => `${comm.padStart(16, ' ')}-${String(pid).padEnd(7, ' ')} [${cpu3(cpu)}] `);
  return (e) => {
    if (e.kind === 'lost') return e.form === 'buffer-started' ? `##### CPU ${e.cpu} buffer started ####` : `CPU:${e.cpu} [LOST ${e.count} EVENTS]`;
    return `${task(e.comm, e.pid, e.cpu)}${e.flags ?? '.....'} ${ts(e.ts)}: ${nameOf(e)}: ${payloadText(e)}`;
  };
}
