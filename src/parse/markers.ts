import { MAX_CPU } from './header.js';

/**
 * Non-event lines that carry meaning: data-loss markers of the three tracers and file headers.
 *
 *   tracefs     `CPU:1 [LOST 1234 EVENTS]`                 (kernel/trace/trace.c, print_trace_line)
 *   tracefs     `CPU:1 [LOST EVENTS]`                      (the reader could not count them, e.g. a
 *                                                           `trace` file read while tracing runs)
 *   tracefs     `##### CPU 1 buffer started ####`          (annotate option, after an overrun)
 *   trace-cmd   `CPU:1 [1234 EVENTS DROPPED]` / `CPU:1 [EVENTS DROPPED]`
 *   perf        `PERF_RECORD_LOST` lines of `perf script --show-lost-events`
 *   trace-cmd   `cpus=2` (first line of `trace-cmd report`), `version = 6`,
 *               `CPU:1 [SUBBUFFER START]` (--debug: a ring-buffer page boundary, not a loss)
 */

export interface LossMarker {
  cpu: number;
  /** -1 when the marker does not give a count. */
  count: number;
  form: 'ftrace' | 'trace-cmd' | 'perf' | 'buffer-started';
  /** perf's marker carries a sample header: `perf  3992 [001]   222.545986: PERF_RECORD_LOST lost 12`; [start, end) of its timestamp. */
  tsStart?: number;
  tsEnd?: number;
}

const LOST_FTRACE = /^CPU:(\d+) \[LOST (?:(\d+) )?EVENTS\]\s*$/;
const LOST_TCMD = /^CPU:(\d+) \[(?:(\d+) )?EVENTS DROPPED\]\s*$/;
const BUFFER_STARTED = /^##### CPU (\d+) buffer started ####\s*$/;
const PERF_LOST_HEAD = /\[(\d+)\]\s+(?:(\d+(?:\.\d+)?):\s+)?$/;
const PERF_LOST_COUNT = /lost (\d+)/;

/** A marker's CPU, or undefined when it cannot be one (see MAX_CPU). */
function cpuOf(digits: string | undefined): number | undefined {
  const cpu = Number(digits);
  return cpu <= MAX_CPU ? cpu : undefined;
}

export function parseLossMarker(line: string): LossMarker | null {
  const c0 = line.charCodeAt(0);
  if (c0 === 67 /* C */) {
    let m = LOST_FTRACE.exec(line);
    let form: LossMarker['form'] = 'ftrace';
    if (!m) {
      m = LOST_TCMD.exec(line);
      form = 'trace-cmd';
    }
    const cpu = cpuOf(m?.[1]);
    if (!m || cpu === undefined) return null;
    return { cpu, count: m[2] === undefined ? -1 : Number(m[2]), form };
  }
  if (c0 === 35 /* # */) {
    const cpu = cpuOf(BUFFER_STARTED.exec(line)?.[1]);
    return cpu === undefined ? null : { cpu, count: -1, form: 'buffer-started' };
  }
  const at = line.indexOf('PERF_RECORD_LOST');
  if (at >= 0) {
    const head = PERF_LOST_HEAD.exec(line.slice(0, at));
    const count = PERF_LOST_COUNT.exec(line.slice(at));
    // perf's own header: a CPU it cannot vouch for is an unknown CPU (-1), the loss is still one.
    const m: LossMarker = { cpu: cpuOf(head?.[1]) ?? -1, count: count ? Number(count[1]) : -1, form: 'perf' };
    if (head?.[2] !== undefined) {
      m.tsStart = line.lastIndexOf(`${head[2]}:`, at);
      m.tsEnd = m.tsStart + head[2].length;
    }
    return m;
  }
  return null;
}

export const CPUS_HEADER = /^cpus=(\d+)\s*$/;
/**
 * Other header lines trace-cmd and tracefs print that carry nothing we need, and the summary
 * `trace-cmd report -w` prints after the events (trace-read.c, show_wakeup_timings):
 *   `Average wakeup latency: 8.800 usecs`, `Maximum Latency: 17.135 usecs at timestamp: 13124.304776`,
 *   `Minimum Latency: 1.792 usecs at timestamp: 13122.404520`, `RT task timings:`
 */
export const KNOWN_HEADER =
  /^(version = \d+|CPU \d+ is empty|cpus=\d+|CPU:\d+ \[SUBBUFFER START\]|# .*|#|Average wakeup latency: [\d.]+ usecs|(?:Maximum|Minimum) Latency: [\d.]+ usecs at timestamp: [\d.]+|RT task timings:)\s*$/;

/**
 * Ordinary ftrace text that is not an event of ours and not damage: recognised so that it is
 * counted (`ftrace_text`, info) rather than reported as a malformed line.
 *
 *   stacktrace option  `            bash-2891  [001] ...1.   128.143630: <stack trace>`
 *                      ` => __blk_mq_end_request`            (tracefs, kernel/trace/trace_output.c)
 *                      `=> blk_mq_end_request (ffffffff8161f0f5)`   (trace-cmd report)
 *                      ` =>  <00007f3c1a2b4c5d>`             (userstacktrace)
 *   function tracer    `            bash-2891  [001] ....   128.143630: do_sys_open <-__x64_sys_openat`
 *   latency format     `      ps-6143    2d..1  259us+: trace_hardirqs_on <-_raw_spin_unlock_irqrestore`
 *                      (irqsoff/wakeup tracers and options/latency-format: time relative, in µs)
 *   function_graph     ` 1)   0.351 us    |        rcu_all_qs();`   ` 1) + 14.245 us   |  }`
 */
const STACK_FRAME = /^\s*=> /;
const STACK_HEAD = /: <(?:user )?stack trace ?>\s*$/;
const FUNCTION_LINE = /\d\.\d+: [\w.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)? <-[\w.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\s*$/;
const LATENCY_LINE = /-\d+\s+\d+\S{3,8}\s+\d+(?:\.\d+)?us ?[!+#*@$ ]?: \S/;
const FUNCGRAPH_LINE = /^\s*\d+\)[^|]*\|\s/;

/** What kind of ordinary ftrace text `line` is, or null. */
export function ftraceTextKind(line: string): 'stack' | 'function' | 'latency' | 'function_graph' | null {
  if (STACK_FRAME.test(line) || STACK_HEAD.test(line)) return 'stack';
  if (FUNCTION_LINE.test(line)) return 'function';
  if (LATENCY_LINE.test(line)) return 'latency';
  if (FUNCGRAPH_LINE.test(line)) return 'function_graph';
  return null;
}
