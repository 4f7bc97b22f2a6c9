export const TRACE_FORMATS = ['ftrace', 'trace-cmd', 'perf'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export function isTraceFormat(s: string): s is TraceFormat {
  return (TRACE_FORMATS as readonly string[]).includes(s);
}

/** Binary captures read directly (recognised by their first bytes, never forced). */
export type BinaryFormat = 'trace.dat' | 'perf.data';
