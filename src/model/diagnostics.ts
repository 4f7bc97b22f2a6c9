/**
 * Diagnostics are data: a closed table of codes, each with a severity and a one-line description.
 * A collector counts them and keeps the first few examples with their line numbers, so a report can
 * say exactly what was skipped and where. Lenient by default; strict mode throws on the first error.
 */

/**
 * `info`: noted, the analysis is whole; `warning`: nothing is lost but the analysis is less exact
 * than the input allowed; `data-loss`: events are missing; `error`: input that does not parse.
 * `--strict` stops at the last two.
 */
export type Severity = 'info' | 'warning' | 'data-loss' | 'error';

export const DIAGNOSTIC_CODES = {
  malformed_line: ['error', 'a line that looks like an event but whose header (task, cpu, timestamp, event name) does not parse'],
  malformed_payload: ['error', 'a modelled event whose fields do not parse; kept as an `other` event with its raw text'],
  line_too_long: ['error', 'a line longer than the reader accepts (1 MiB); skipped without being held in memory'],
  binary_data: ['error', 'a line holding NUL or other control bytes: not trace text'],
  unknown_line: ['info', 'a non-event line that is not a known header or comment (skipped)'],
  lost_events: ['data-loss', 'the tracer reported lost events on a CPU (ring-buffer overrun or perf lost chunks)'],
  buffer_started: ['data-loss', 'a CPU buffer restarted after an overrun (`##### CPU N buffer started ####`): earlier events on it are gone'],
  timestamp_regression: ['data-loss', 'a timestamp earlier than the previous one on the same CPU'],
  out_of_order: ['info', 'events of different CPUs interleaved out of time order (merged input); from the first one on, events are reordered within a 50 ms window'],
  sorted_input: ['info', 'events out of time order beyond the 50 ms reorder window (per-CPU files concatenated) in an input small enough to hold: all its events were put in time order before analysis (merged by timestamp, each CPU\'s own order kept)'],
  unsorted_input: ['warning', 'events out of time order beyond the 50 ms reorder window in an input too large to hold for sorting: analysed in input order, so I/Os whose events lie far apart may be paired wrongly or not at all'],
  unmatched_complete: ['info', 'a completion whose submission or issue is not in the trace (trace began mid-I/O)'],
  unfinished_io: ['info', 'an I/O submitted or issued but not completed before the trace ended'],
  missing_events: ['info', 'an event type the analysis needs is absent from the trace, limiting what it can tell'],
  untraced_switch: ['info', 'a task ran on a CPU without a traced sched_switch to it; the time since the last event there is counted as unknown'],
  pid_reuse: ['info', 'a pid seen with a different task name (renamed task or reused pid)'],
  context_repaired: ['data-loss', 'an irq/softirq entry without its exit (events dropped without a marker): the context stack was reset at the next task event'],
  missing_completion: ['data-loss', 'an I/O completed but its block_rq_complete never appeared: the tracer dropped it without a marker (perf drops interrupt-context samples of an idle CPU)'],
  binary_damaged: ['error', 'a binary trace (trace.dat, perf.data) damaged or truncated in its event data: the events read before the damage are kept, the rest of that part is skipped'],
  other_buffers: ['info', 'a binary trace holding several ring buffers (trace-cmd instances): one is read as the timeline, the others are named here'],
  vanished_io: ['data-loss', 'an I/O submitted long before the trace ended whose completion never appeared: unreported event loss'],
  ftrace_text: ['info', 'ordinary ftrace text that is no event of the analysis: stack traces (`<stack trace>`, ` => func`), function-tracer (`func <-parent`), latency-format and function_graph lines, the HTML of Android systrace around its trace text (skipped)'],
  ambiguous_state: ['info', 'a numeric sched_switch prev_state that kernels before and after 4.14 print differently (the bit layout changed): read as the newest plausible kernel prints it'],
  // What a perf.data recorded of what happened (parse/binary/perfdata/scope.ts).
  partial_recording: ['data-loss', 'a perf.data recorded per task (perf record without -a, or -p/-t/-u) or on some CPUs only (-C): events of other tasks or CPUs, the kworkers and interrupts that complete I/Os among them, are not in it'],
  sampled_recording: ['data-loss', 'a perf.data whose tracepoints were recorded in sampling mode (perf record -F, or -c N without PERIOD in the sample type): most events are not in it, so I/Os are paired only where both ends happened to be sampled'],
  bad_scope_record: ['error', 'a perf.data THREAD_MAP or CPU_MAP record that does not parse (a count past its size, an unknown encoding): ignored, so which tasks or CPUs were recorded is taken from ID_INDEX, or not known'],
  // perf script text as its options print it (parse/perf-text.ts)
  perf_script_text: ['info', 'perf script text that is no event of the analysis: side-band records of `--show-task-events`, `--show-mmap-events`, `--show-switch-events` and the like (`PERF_RECORD_COMM`, `PERF_RECORD_FORK`, `PERF_RECORD_MMAP2`…, and the lines a NAMESPACES record continues on) and the callchain frame lines of a `-g` recording (skipped)'],
  no_comm_column: ['info', 'perf script printed without its comm column (`-F` without `comm`): task names are taken from perf\'s COMM/FORK records when printed, else from the sched events\' payloads (the kernel\'s comm) as they appear; a task\'s events before its name appears have an empty one'],
  delta_times: ['info', '`perf script --deltatime --ns`: each time was the time since the line before; rebuilt exactly as their running sum, so the first line is at 0 and the times are relative to it'],
  delta_times_truncated: ['warning', '`perf script --deltatime` without `--ns`: each time was the time since the line before, truncated to the µs, so the times cannot be rebuilt exactly; rebuilt as the running sum with each delta taken as the middle of its µs (the first line at 0): each time may be off by up to 0.5 µs per line before it, typically far less (random errors), and latencies by as much per line between; print with `--ns` for exact times'],
  // Time in another unit than ns (kernel/trace-clocks.ts).
  clock_not_ns: ['warning', 'timestamps of a trace clock that does not count nanoseconds (trace_clock counter, uptime, or x86-tsc without a TSC conversion; tracefs prints them as bare integers): durations are in that clock\'s ticks, and no rate is given'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface DiagnosticExample {
  line: number;
  message: string;
  text?: string;
}

export interface DiagnosticSummary {
  code: DiagnosticCode;
  severity: Severity;
  description: string;
  count: number;
  examples: DiagnosticExample[];
}

export class StrictModeError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly code: DiagnosticCode,
    message: string,
    readonly text?: string,
  ) {
    super(`${file}:${line}: ${message}${text !== undefined ? `\n  ${truncate(text, STRICT_TEXT_CHARS)}` : ''}`);
    this.name = 'StrictModeError';
  }
}

export interface DiagnosticsCollector {
  add(code: DiagnosticCode, line: number, message: string, text?: string, count?: number): void;
  count(code: DiagnosticCode): number;
  counts(): Partial<Record<DiagnosticCode, number>>;
  summaries(): DiagnosticSummary[];
}

const STOPS_STRICT: ReadonlySet<Severity> = new Set(['error', 'data-loss']);

/** Examples kept per code (the first ones). */
export const MAX_EXAMPLES = 5;

/** Characters of an input line kept in a diagnostic's example (and shown by the reports). */
export const EXAMPLE_TEXT_CHARS = 300;

/** Characters of the line quoted in a --strict error message (one terminal line or two). */
const STRICT_TEXT_CHARS = 200;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/**
 * @param file name used in strict-mode messages
 * @param strict throw a StrictModeError on the first diagnostic of severity `error` or `data-loss` (STOPS_STRICT)
 */
export function createDiagnostics(file: string, strict = false): DiagnosticsCollector {
  const counts = new Map<DiagnosticCode, number>();
  const examples = new Map<DiagnosticCode, DiagnosticExample[]>();
  return {
    add(code, line, message, text, count = 1) {
      if (strict && STOPS_STRICT.has(DIAGNOSTIC_CODES[code][0])) throw new StrictModeError(file, line, code, message, text);
      counts.set(code, (counts.get(code) ?? 0) + count);
      let list = examples.get(code);
      if (!list) examples.set(code, (list = []));
      if (list.length < MAX_EXAMPLES) {
        const ex: DiagnosticExample = { line, message };
        if (text !== undefined) ex.text = truncate(text, EXAMPLE_TEXT_CHARS);
        list.push(ex);
      }
    },
    count: (code) => counts.get(code) ?? 0,
    counts() {
      const out: Partial<Record<DiagnosticCode, number>> = {};
      for (const [k, v] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) out[k] = v;
      return out;
    },
    summaries() {
      return [...counts.keys()].sort().map((code) => ({
        code,
        severity: DIAGNOSTIC_CODES[code][0],
        description: DIAGNOSTIC_CODES[code][1],
        count: counts.get(code) ?? 0,
        examples: examples.get(code) ?? [],
      }));
    },
  };
}
