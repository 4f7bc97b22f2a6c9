import type { TraceEvent } from '../../model/events.js';
import type { TraceFormat } from '../../parse/formats.js';
import { createFtraceWriter, ftraceHeader } from './ftrace.js';
import { createPerfWriter } from './perf.js';
import { createShaper, type ShapeOptions } from './shape.js';
import { createTraceCmdWriter, traceCmdHeader } from './trace-cmd.js';

/**
 * One output format: `shape` gives a simulated event the format's conventions (in place), `line`
 * writes it; `header` is the file's first lines (`entries` is the event count, for tracefs).
 */
export interface Emitter {
  format: TraceFormat;
  shape(e: TraceEvent): TraceEvent;
  line(e: TraceEvent): string;
  header(entries: number, cpus: number): string;
}

export function createEmitter(format: TraceFormat, opts: ShapeOptions): Emitter {
  const shape = createShaper(format, opts);
  switch (format) {
    case 'ftrace':
      return { format, shape, line: createFtraceWriter(), header: ftraceHeader };
    case 'trace-cmd':
      return { format, shape, line: createTraceCmdWriter(), header: (_n, cpus) => traceCmdHeader(cpus) };
    case 'perf':
      return { format, shape, line: createPerfWriter(), header: () => '' };
  }
}
