import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { LostEvent, OtherEvent, TraceEvent } from '../model/events.js';
import { chooseBaseSec, newTimestampParts, parseTimestampNs, readTimestamp, timestampNs, type TimestampParts } from '../model/time.js';
import type { TraceFormat } from './formats.js';
import { contextFromFlags, newHeader, tokenizeHeader } from './header.js';
import { createFilePrefixes } from './file-prefix.js';
import { CPUS_HEADER, ftraceTextKind, KNOWN_HEADER, parseLossMarker } from './markers.js';
import { intern } from './names.js';
import { PAYLOAD_PARSERS, type EventHead } from './payload/index.js';
import { createTaskNames, deltaNs, MISSING_COLUMN, missingColumn, sideBandRecord, sideBandTime, type TaskNames } from './perf-text.js';
import { takeAmbiguity } from './payload/notes.js';
import { printable, quoteLine } from './printable.js';

/**
 * Turns one line of a trace into a TraceEvent, never throwing: a line that does not parse is
 * counted as a diagnostic (with its number and text) and parsing goes on. The three formats share
 * the header tokenizer; what differs is checked here (perf prints `comm tid` and `system:event`,
 * ftrace and trace-cmd print `comm-pid` and bare event names).
 */

export type PayloadSelection = 'all' | 'none' | ReadonlySet<string>;

export interface LineParserOptions {
  format: TraceFormat;
  diagnostics: DiagnosticsCollector;
  /** Which events get their payload parsed; the rest are kept as `other` with raw args. */
  payloads?: PayloadSelection;
  /** `delta`: perf script `--deltatime` times, each since the line before (perf-text.ts); rebuilt as their running sum. */
  times?: 'delta';
}

export interface LineParser {
  parse(line: string, lineNo: number): TraceEvent | null;
  /** `cpus=N` of a trace-cmd header, when seen. */
  readonly cpusHeader: () => number | undefined;
  /** Whole seconds subtracted from every timestamp (0 unless uptime exceeds ~46 days). */
  readonly baseSec: () => number;
  /** True when the first timestamp of tracefs text had no fraction (a clock that does not count ns). */
  readonly clockTicks: () => boolean;
}

const BINARY = /[\u0000-\u0008\u000e-\u001f\ufffd]/;

const ENTRIES = '# entries-in-buffer/entries-written:';
const ENTRIES_COUNTS = /^# entries-in-buffer\/entries-written: (\d+)\/(\d+)/;

const FTRACE_TEXT = {
  stack: 'stack trace line skipped',
  function: 'function-tracer line skipped',
  latency: 'latency-format line skipped (relative µs time, no event of the analysis)',
  function_graph: 'function_graph line skipped',
} as const;

export function createLineParser(opts: LineParserOptions): LineParser {
  const { format, diagnostics } = opts;
  const payloads = opts.payloads ?? 'all';
  const parseAll = payloads === 'all';
  const selected = payloads === 'all' || payloads === 'none' ? undefined : payloads;
  const h = newHeader();
  let baseSec: number | undefined;
  let lastTs = 0;
  let cpusHeader: number | undefined;
  /** The largest and the sum of the `cpus=` headers: trace-cmd prints one per input file. */
  let cpusMax: number | undefined;
  const wantsPerf = format === 'perf';
  // trace-cmd report prints file names before the task (several -i files or instances); a
  // pasted excerpt of one may be taken for tracefs text, so any comm-pid format looks for them.
  const prefixes = format !== 'perf' ? createFilePrefixes(() => cpusMax) : undefined;
  const deltas = wantsPerf && opts.times === 'delta';
  /** The running sum of `--deltatime` times so far (ns). */
  let deltaSum = 0;
  let deltaNoted = false;
  /** Task names when perf printed no comm column (perf-text.ts); created at the first COMM/FORK record or comm-less line. */
  let names: TaskNames | undefined;
  let noComm = false;
  /** The first timestamp of tracefs text had no fraction: a clock that does not count ns (kernel/trace-clocks.ts). */
  let ticks = false;

  /**
   * A `--deltatime` time (the text in [start, end) of `line`): the running sum it makes. perf
   * truncates a delta to the µs unless `--ns` (timestamp__scnprintf_usec), so a µs delta is read as
   * the middle of its µs rather than its start: the sum still drifts (sub-µs parts are not spread
   * evenly), but far less than the truncated sum falls behind. Measured against the `--ns` print of
   * the same samples: 0.5 ms off after 20000 lines against 10.5 ms (a 2000-I/O capture), 27 µs
   * after 150 lines against 49 µs (fixtures/excerpts/perf-script-deltatime.txt).
   */
  function deltaTime(line: string, start: number, end: number, lineNo: number): number {
    const t = parseTimestampParts(line, start, end);
    if (t === null) return deltaSum;
    const dot = line.indexOf('.', start);
    const exact = dot >= 0 && dot < end && end - dot - 1 >= 9;
    // The first line's 0 is no delta (perf prints 0 when there is no line before).
    deltaSum += deltaNs(t) + (exact || !deltaNoted ? 0 : HALF_US);
    if (!deltaNoted) {
      deltaNoted = true;
      diagnostics.add(
        exact ? 'delta_times' : 'delta_times_truncated',
        lineNo,
        exact
          ? 'perf script --deltatime --ns: times rebuilt exactly as the running sum of the deltas, from 0 at the first line (the absolute times are not in the text)'
          : 'perf script --deltatime: times rebuilt as the running sum of µs-truncated deltas (each taken as the middle of its µs), from 0 at the first line; not exact',
        quoteLine(line),
      );
    }
    return deltaSum;
  }

  /** A `PERF_RECORD_…` side-band line of type `rec` (perf-text.ts): no event, but it may name a task or carry a delta. */
  function sideBand(line: string, lineNo: number, rec: string): null {
    if (deltas) {
      const t = sideBandTime(line);
      if (t !== null) deltaTime(line, t[0], t[1], lineNo);
    }
    if (rec === 'PERF_RECORD_COMM' || rec === 'PERF_RECORD_FORK') (names ??= createTaskNames()).record(line);
    diagnostics.add('perf_script_text', lineNo, `perf side-band record ${rec} skipped`, quoteLine(line));
    return null;
  }

  /**
   * Whether perf printed the task column without comm (`-F tid,cpu,…`): an empty comm with the
   * tid at the start (`27940 [001]`, `    0 [000]`), where a `%16s` comm would pad it past column 16.
   */
  function commLess(line: string): boolean {
    let i = 0;
    while (line.charCodeAt(i) === 32) i++;
    return i < 16 && line.charCodeAt(16) !== 32;
  }

  /**
   * `# entries-in-buffer/entries-written: 1870/190898   #P:2` (tracefs header): more written than
   * left in the buffer means the ring buffer overran and the earliest events are gone, even when
   * no marker says so (a `trace` file read after the run, without the annotate option, has none).
   */
  function entriesHeader(line: string, lineNo: number): void {
    const m = ENTRIES_COUNTS.exec(line);
    if (!m) return;
    const inBuffer = Number(m[1]);
    const written = Number(m[2]);
    if (written > inBuffer) {
      diagnostics.add('lost_events', lineNo, `the header counts ${written - inBuffer} events written but no longer in the buffer (all CPUs; ring buffer overrun): the earliest events are gone`, quoteLine(line));
    }
  }

  function nonEvent(line: string, lineNo: number): TraceEvent | null {
    // A report of several files prints its markers behind the file's name too
    // (`trace.dat: CPU:1 [188240 EVENTS DROPPED]`): the marker's CPU is in that file's space.
    let cpuOffset = 0;
    if (prefixes !== undefined && line.includes(': CPU:')) {
      const f = prefixes.split(line.trimStart());
      if (f !== null && f.comm.startsWith('CPU:')) {
        line = f.comm;
        cpuOffset = f.offset;
      }
    }
    const loss = parseLossMarker(line);
    if (loss && loss.cpu >= 0) loss.cpu += cpuOffset;
    if (loss) {
      diagnostics.add(
        loss.form === 'buffer-started' ? 'buffer_started' : 'lost_events',
        lineNo,
        loss.form === 'buffer-started'
          ? `CPU ${loss.cpu} buffer started: its earlier events were overwritten`
          : loss.count >= 0
            ? `CPU ${loss.cpu} lost ${loss.count} events`
            : `CPU ${loss.cpu} lost events (count not given)`,
        quoteLine(line),
      );
      let ts = lastTs;
      if (loss.tsStart !== undefined && loss.tsEnd !== undefined) {
        const t = deltas ? deltaTime(line, loss.tsStart, loss.tsEnd, lineNo) : parseTimestampNs(line, loss.tsStart, loss.tsEnd, baseSec ?? 0);
        if (!Number.isNaN(t)) ts = t;
      }
      const ev: LostEvent = { kind: 'lost', line: lineNo, ts, cpu: loss.cpu, pid: -1, comm: '', count: loss.count, form: loss.form };
      return ev;
    }
    const cpus = CPUS_HEADER.exec(line);
    if (cpus) {
      const n = Number(cpus[1]);
      cpusHeader = (cpusHeader ?? 0) + n;
      cpusMax = Math.max(cpusMax ?? 0, n);
      return null;
    }
    if (KNOWN_HEADER.test(line)) return null;
    if (line.trimStart().length === 0) return null;
    if (BINARY.test(line)) {
      diagnostics.add('binary_data', lineNo, 'line holds binary data', printable(line));
      return null;
    }
    if (wantsPerf) {
      // perf script with callchains prints indented "\t ffffffff8123 func+0x12 (…)" lines, and a
      // NAMESPACES record two more ("\t\t[0/net: 0/0, 1/uts: 0/0, …").
      if (line.charCodeAt(0) === 9) {
        const what = line.charCodeAt(1) === 9 ? 'perf side-band record continuation line skipped' : 'perf callchain frame line skipped';
        diagnostics.add('perf_script_text', lineNo, what, quoteLine(line));
        return null;
      }
      const at = line.lastIndexOf(': PERF_RECORD_');
      const rec = sideBandRecord(line, at < 0 ? 0 : at + 2);
      if (rec !== null) return sideBand(line, lineNo, rec);
      const missing = missingColumn(line);
      if (missing !== null) {
        diagnostics.add('malformed_line', lineNo, MISSING_COLUMN[missing], quoteLine(line));
        return null;
      }
    }
    const kind = ftraceTextKind(line);
    if (kind !== null) {
      diagnostics.add('ftrace_text', lineNo, FTRACE_TEXT[kind], quoteLine(line));
      return null;
    }
    diagnostics.add('malformed_line', lineNo, 'not an event line of this format', quoteLine(line));
    return null;
  }

  /** The header fields of the current line, handed to the payload parsers (reused). */
  const head: EventHead = { line: 0, ts: 0, cpu: 0, pid: 0, comm: '' };

  function parse(line: string, lineNo: number): TraceEvent | null {
    const c0 = line.charCodeAt(0);
    if (c0 === 35 /* # */ || line.length === 0) {
      if (c0 === 35 && line.startsWith('#####')) return nonEvent(line, lineNo);
      if (c0 === 35 && line.startsWith(ENTRIES)) entriesHeader(line, lineNo);
      return null;
    }
    if (!tokenizeHeader(line, h, wantsPerf)) return nonEvent(line, lineNo);
    if ((h.style === 'space') !== wantsPerf) {
      diagnostics.add(
        'malformed_line',
        lineNo,
        wantsPerf ? 'an ftrace/trace-cmd style line (comm-pid) in perf script input' : 'a perf script style line (comm pid) in ftrace/trace-cmd input',
        quoteLine(line),
      );
      return null;
    }
    let ts: number;
    if (deltas) ts = deltaTime(line, h.tsStart, h.tsEnd, lineNo);
    else {
      if (baseSec === undefined) {
        baseSec = chooseBaseSec(h.ts);
        // The first event line decides, a real clock never mixes forms (one damaged line must not
        // turn a trace into ticks), and only for tracefs text, where a bare integer is the kernel's
        // mark of such a clock (kernel/trace-clocks.ts): `trace-cmd report --raw-ts` prints a ns
        // clock that way too, and prints uptime with a fraction.
        if (h.ts.fracNs < 0 && format === 'ftrace') {
          ticks = true;
          diagnostics.add('clock_not_ns', lineNo, `timestamp ${line.slice(h.tsStart, h.tsEnd)} has no fraction: the trace clock counts ticks (trace_clock counter, uptime or x86-tsc), not nanoseconds`, quoteLine(line));
        }
      }
      ts = timestampNs(h.ts, baseSec);
    }
    lastTs = ts;
    if (wantsPerf && h.comm === '' && !noComm && commLess(line)) {
      noComm = true;
      names ??= createTaskNames();
      diagnostics.add('no_comm_column', lineNo, 'perf script printed no comm column: task names taken from COMM/FORK records and sched payloads as they appear', quoteLine(line));
    }
    const name = h.name;
    head.line = lineNo;
    head.ts = ts;
    head.cpu = h.cpu;
    head.pid = h.pid;
    head.comm = h.comm;
    if (prefixes !== undefined && h.comm.includes(': ')) {
      const f = prefixes.split(h.comm);
      if (f !== null) {
        head.comm = h.comm = f.comm;
        head.cpu = h.cpu += f.offset;
      }
    }
    let ev: TraceEvent | null = null;
    if (parseAll || (selected !== undefined && selected.has(name))) {
      const parser = PAYLOAD_PARSERS.get(name);
      if (parser !== undefined) {
        ev = parser(line, h.payloadStart, head);
        if (ev === null) diagnostics.add('malformed_payload', lineNo, `${name} payload does not parse`, quoteLine(line));
        const ambiguity = takeAmbiguity();
        if (ambiguity !== undefined) diagnostics.add('ambiguous_state', lineNo, ambiguity, quoteLine(line));
      }
    }
    if (ev === null) {
      const other: OtherEvent = { kind: 'other', line: lineNo, ts, cpu: h.cpu, pid: h.pid, comm: h.comm, name: intern(name), args: line.slice(h.payloadStart) };
      if (h.system !== undefined) other.system = intern(h.system);
      ev = other;
    }
    if (noComm && names !== undefined) nameTask(ev, names);
    if (h.tgid !== undefined) ev.tgid = h.tgid;
    const flags = h.flags;
    if (flags !== undefined) {
      ev.flags = flags;
      const ctx = contextFromFlags(flags);
      if (ctx !== undefined) ev.ctx = ctx;
    }
    return ev;
  }

  return { parse, cpusHeader: () => cpusHeader, baseSec: () => baseSec ?? 0, clockTicks: () => ticks };
}

/** Gives an event of a comm-less line its task's name, once a record or a sched event has told it. */
function nameTask(ev: TraceEvent, names: TaskNames): void {
  names.event(ev);
  if (ev.comm !== '') return;
  const name = names.name(ev.pid);
  if (name !== undefined) ev.comm = name;
}

/** Half a µs: the middle of a µs-truncated delta. */
const HALF_US = 500;

const partsScratch = newTimestampParts();
function parseTimestampParts(text: string, start: number, end: number): TimestampParts | null {
  return readTimestamp(text, start, end, partsScratch) ? partsScratch : null;
}
