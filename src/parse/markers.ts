/**
 * Non-event lines that carry meaning: data-loss markers of the three tracers and file headers.
 *
 *   tracefs     `CPU:1 [LOST 1234 EVENTS]`                 (kernel/trace/trace.c, print_trace_line)
 *   tracefs     `##### CPU 1 buffer started ####`          (annotate option, after an overrun)
 *   trace-cmd   `CPU:1 [1234 EVENTS DROPPED]` / `CPU:1 [EVENTS DROPPED]`
 *   perf        `PERF_RECORD_LOST` lines of `perf script --show-lost-events`
 *   trace-cmd   `cpus=2` (first line of `trace-cmd report`), `version = 6`
 */

export interface LossMarker {
  cpu: number;
  /** -1 when the marker does not give a count. */
  count: number;
  form: 'ftrace' | 'trace-cmd' | 'perf' | 'buffer-started';
}

const LOST_FTRACE = /^CPU:(\d+) \[LOST (\d+) EVENTS\]\s*$/;
const LOST_TCMD = /^CPU:(\d+) \[(?:(\d+) )?EVENTS DROPPED\]\s*$/;
const BUFFER_STARTED = /^##### CPU (\d+) buffer started ####\s*$/;
const PERF_LOST_CPU = /\[(\d+)\]/;
const PERF_LOST_COUNT = /lost (\d+)/;

export function parseLossMarker(line: string): LossMarker | null {
  const c0 = line.charCodeAt(0);
  if (c0 === 67 /* C */) {
    let m = LOST_FTRACE.exec(line);
    if (m) return { cpu: Number(m[1]), count: Number(m[2]), form: 'ftrace' };
    m = LOST_TCMD.exec(line);
    if (m) return { cpu: Number(m[1]), count: m[2] === undefined ? -1 : Number(m[2]), form: 'trace-cmd' };
    return null;
  }
  if (c0 === 35 /* # */) {
    const m = BUFFER_STARTED.exec(line);
    return m ? { cpu: Number(m[1]), count: -1, form: 'buffer-started' } : null;
  }
  const at = line.indexOf('PERF_RECORD_LOST');
  if (at >= 0) {
    const cpu = PERF_LOST_CPU.exec(line.slice(0, at));
    const count = PERF_LOST_COUNT.exec(line.slice(at));
    return { cpu: cpu ? Number(cpu[1]) : -1, count: count ? Number(count[1]) : -1, form: 'perf' };
  }
  return null;
}

export const CPUS_HEADER = /^cpus=(\d+)\s*$/;
/** Other header lines trace-cmd and tracefs print that carry nothing we need. */
export const KNOWN_HEADER = /^(version = \d+|CPU \d+ is empty|cpus=\d+|# .*|#)\s*$/;
