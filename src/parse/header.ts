import type { ExecContext } from '../model/events.js';
import { newTimestampParts, readTimestamp, type TimestampParts } from '../model/time.js';
import { isDigit } from './scan.js';
import { readTask, type TaskColumn } from './task-column.js';

/**
 * The shared event-line header tokenizer for all three text formats:
 *
 *   ftrace      `            fio-7888    [001] d.s1.   505.925043: workqueue_queue_work: work struct=…`
 *   (tgid)      `            bash-3213    (   3213) [000] d..2.   143.959116: sched_switch: …`
 *   (4.x)       `          <idle>-0     [001] d.h1  4021.114412: irq_handler_entry: irq=36 name=…`
 *   trace-cmd   `             fio-7909  [001]   508.368487: workqueue_queue_work: work struct=0xffff…`
 *   (-l)        `    bash-2891    1d..2.   128.143630: sched_switch:         bash:2891 [120] S ==> …`
 *   perf script ` kworker/1:32-ev  4150 [001]   511.805357: workqueue:workqueue_execute_start: work …`
 *
 * The task name may hold spaces, `-`, `:`, `[`, `(`, so it is never split on whitespace. The fast
 * path anchors on the first `: ` (the end of the timestamp), reads the timestamp, the flags and the
 * CPU leftwards from it and the task from there; anything it cannot vouch for (a task name that
 * itself holds `: `, say) falls back to trying each `[` in turn as the CPU column, and then to
 * trace-cmd's `-l` layout, whose CPU has no brackets and is glued to the flags.
 */

export interface LineHeader extends TaskColumn {
  /** `bracket`: `[cpu]` column; `latency`: trace-cmd `-l`'s `%3d` CPU glued to the flags. */
  layout: 'bracket' | 'latency';
  cpu: number;
  flags: string | undefined;
  /** [tsStart, tsEnd): the timestamp text, e.g. `505.925043`. */
  tsStart: number;
  tsEnd: number;
  /** Its value as printed (whole seconds and ns); the line parser rebases it. */
  ts: TimestampParts;
  /** Tracepoint system when printed (`block` of perf's `block:block_rq_issue`). */
  system: string | undefined;
  name: string;
  /** Index of the first character after `name:` (spaces not yet skipped). */
  afterName: number;
  /** Index where the payload starts (after the separating spaces). */
  payloadStart: number;
}

const SP = 32;
const COLON = 58;
const LBRACK = 91;
const RBRACK = 93;
const LPAREN = 40;
const RPAREN = 41;
const PLUS = 43;
const MINUS = 45;

/**
 * Highest CPU number accepted in a CPU column (twice the largest CONFIG_NR_CPUS any architecture
 * allows, 8192). A larger one is a damaged line, not a CPU: the analyzer keeps state for every CPU
 * up to the highest seen, so one `[800000]` (or a run of digits that overflows to Infinity) made it
 * allocate and walk that many, until it ran out of memory.
 */
export const MAX_CPU = 16_383;

/** Reads the timestamp text in [start, end) and remembers where it stands. */
function readTs(s: string, start: number, end: number, out: LineHeader): boolean {
  if (!readTimestamp(s, start, end, out.ts)) return false;
  out.tsStart = start;
  out.tsEnd = end;
  return true;
}

/**
 * Latency flags: `d.h1.` (5.x/6.x), `d.h1` (4.x), `dNs1.` … The kernel has widened the column
 * twice and may again, so any run of 2–12 characters without `:`, `[`, `]` is accepted.
 */
function isFlags(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 2 || n > 12) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON || c === LBRACK || c === RBRACK || c === SP) return false;
  }
  return true;
}

export function contextFromFlags(flags: string): ExecContext | undefined {
  switch (flags.charCodeAt(2)) {
    case 104: // h
    case 72: // H: hardirq that interrupted a softirq
      return 'hardirq';
    case 115: // s
      return 'softirq';
    case 122: // z
    case 90: // Z
      return 'nmi';
    case 46: // .
      return 'task';
    default:
      return undefined;
  }
}

/**
 * `trace-cmd report --ts-diff` prints the time since the previous event after the timestamp, as
 * `(+N)` padded to 8 columns (µs, or ns with -t; trace-read.c, trace_show_data: ` %-8s`), and spaces
 * alone on the first event:
 *   `             tsc-12086 [000] 13121.181250: (+4)     sched_wakeup:         tsc:12078 [120] CPU:000`
 * Returns the index after it and its spaces, or `i` itself when the text there is no such column.
 */
function afterTsDiff(s: string, i: number): number {
  let j = i + 1;
  if (s.charCodeAt(j) === PLUS) j++;
  // `(+%lld)` of a negative difference (an input of several files merged) prints `(+-5)`.
  if (s.charCodeAt(j) === MINUS) j++;
  const digits = j;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (j === digits || s.charCodeAt(j) !== RPAREN) return i;
  j++;
  while (j < s.length && s.charCodeAt(j) === SP) j++;
  return j;
}

/** Reads `[system:]name: ` after the timestamp's `: ` at `colon`; sets the name and payload start. */
function readNameAt(s: string, colon: number, out: LineHeader): boolean {
  let i = colon + 1;
  const n = s.length;
  while (i < n && s.charCodeAt(i) === SP) i++;
  if (s.charCodeAt(i) === LPAREN) i = afterTsDiff(s, i);
  const nameStart = i;
  let nameEnd = s.indexOf(': ', i);
  if (nameEnd < 0) {
    // An event with an empty payload may end at its colon.
    if (s.charCodeAt(n - 1) !== COLON) return false;
    nameEnd = n - 1;
  }
  if (nameEnd <= nameStart) return false;
  // perf's side-band records (`0.000000: PERF_RECORD_COMM: fio:6010/6010`) are no events (perf-text.ts).
  if (s.charCodeAt(nameStart) === 80 /* P */ && s.startsWith('PERF_RECORD_', nameStart)) return false;
  const sp = s.indexOf(' ', nameStart);
  if (sp >= 0 && sp < nameEnd) return false;
  const sysColon = s.indexOf(':', nameStart);
  // Plain slices: the line parser looks them up by hash and shares the name of any event it keeps
  // under its own name (names.ts), so these never outlive the line.
  if (sysColon < nameEnd) {
    out.system = s.slice(nameStart, sysColon);
    out.name = s.slice(sysColon + 1, nameEnd);
  } else {
    out.system = undefined;
    out.name = s.slice(nameStart, nameEnd);
  }
  out.afterName = nameEnd + 1;
  let p = nameEnd + 1;
  while (p < n && s.charCodeAt(p) === SP) p++;
  out.payloadStart = p;
  return true;
}

/**
 * The fast path: the first `: ` ends the timestamp in every layout unless the task name holds one.
 * Returns false without side effects the slow path depends on.
 */
function tokenizeFast(s: string, out: LineHeader, perf: boolean): boolean {
  const colon = s.indexOf(': ');
  if (colon < 2) return false;
  const t = s.lastIndexOf(' ', colon - 1) + 1;
  if (t === 0 || !readTs(s, t, colon, out)) return false;
  return tokenizeTask(s, t, out, perf) && readNameAt(s, colon, out);
}

/** Reads task, tgid, CPU and flags from the text left of the timestamp starting at `t`. */
function tokenizeTask(s: string, t: number, out: LineHeader, perf: boolean): boolean {
  let k = t - 1;
  while (k > 0 && s.charCodeAt(k - 1) === SP) k--;
  // k: one past the token left of the timestamp: `]`, flags, or trace-cmd -l's `1d..2.`.
  let flags: string | undefined;
  if (s.charCodeAt(k - 1) !== RBRACK) {
    const fe = k;
    let fs = fe;
    while (fs > 0 && s.charCodeAt(fs - 1) !== SP) fs--;
    k = fs;
    while (k > 0 && s.charCodeAt(k - 1) === SP) k--;
    if (s.charCodeAt(k - 1) === RBRACK) {
      if (!isFlags(s, fs, fe)) return false;
      flags = s.slice(fs, fe);
    } else return readLatencyColumn(s, fs, fe, out, perf);
  }
  // k - 1 is the `]` of `[cpu]`.
  const rb = k - 1;
  let d = rb;
  let cpu = 0;
  let mul = 1;
  while (d > 0 && isDigit(s.charCodeAt(d - 1))) {
    cpu += (s.charCodeAt(d - 1) - 48) * mul;
    mul *= 10;
    d--;
  }
  if (d === rb || !(cpu <= MAX_CPU) || s.charCodeAt(d - 1) !== LBRACK) return false;
  if (!readTask(s, d - 1, out, perf)) return false;
  out.layout = 'bracket';
  out.cpu = cpu;
  out.flags = flags;
  return true;
}

/**
 * trace-cmd -l's `%8.8s-%-5d %3d` and the flags: the token [fs, fe) is the CPU glued to the flags
 * (`1d..2.` of `    bash-2891    1d..2.`), the task is left of it.
 */
function readLatencyColumn(s: string, fs: number, fe: number, out: LineHeader, perf: boolean): boolean {
  let cpu = 0;
  let i = fs;
  while (i < fe && isDigit(s.charCodeAt(i))) cpu = cpu * 10 + (s.charCodeAt(i++) - 48);
  if (i === fs || cpu > MAX_CPU || !isFlags(s, i, fe)) return false;
  if (!readTask(s, fs, out, perf) || out.style !== 'dash') return false;
  out.layout = 'latency';
  out.cpu = cpu;
  out.flags = s.slice(i, fe);
  return true;
}

/** Parses the part after `[`: `cpu] [flags] ts: name:`. Returns false when it is not a header. */
function tryAt(s: string, br: number, out: LineHeader): boolean {
  let i = br + 1;
  let cpu = 0;
  const cpuStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) cpu = cpu * 10 + (s.charCodeAt(i++) - 48);
  if (i === cpuStart || cpu > MAX_CPU || s.charCodeAt(i) !== RBRACK || s.charCodeAt(i + 1) !== SP) return false;
  i += 2;
  while (s.charCodeAt(i) === SP) i++;
  let tokEnd = s.indexOf(' ', i);
  if (tokEnd < 0) tokEnd = s.length;
  let flags: string | undefined;
  if (s.charCodeAt(tokEnd - 1) !== COLON) {
    if (!isFlags(s, i, tokEnd)) return false;
    flags = s.slice(i, tokEnd);
    i = tokEnd;
    while (s.charCodeAt(i) === SP) i++;
    tokEnd = s.indexOf(' ', i);
    if (tokEnd < 0) tokEnd = s.length;
    if (s.charCodeAt(tokEnd - 1) !== COLON) return false;
  }
  if (!readTs(s, i, tokEnd - 1, out) || !readNameAt(s, tokEnd - 1, out)) return false;
  out.layout = 'bracket';
  out.cpu = cpu;
  out.flags = flags;
  return true;
}

/** trace-cmd -l with a task name holding `: `: try each `N<flags> <ts>: ` run. */
function tryLatencyAt(s: string, colon: number, out: LineHeader, perf: boolean): boolean {
  const t = s.lastIndexOf(' ', colon - 1) + 1;
  if (t === 0 || !readTs(s, t, colon, out)) return false;
  let fe = t - 1;
  while (fe > 0 && s.charCodeAt(fe - 1) === SP) fe--;
  let fs = fe;
  while (fs > 0 && s.charCodeAt(fs - 1) !== SP) fs--;
  return readLatencyColumn(s, fs, fe, out, perf) && readNameAt(s, colon, out);
}

export function newHeader(): LineHeader {
  return {
    style: 'dash',
    layout: 'bracket',
    comm: '',
    pid: 0,
    tgid: undefined,
    cpu: 0,
    flags: undefined,
    tsStart: 0,
    tsEnd: 0,
    ts: newTimestampParts(),
    system: undefined,
    name: '',
    afterName: 0,
    payloadStart: 0,
  };
}

/** Tokenizes an event line's header into `out`; false when the line is not an event line. */
export function tokenizeHeader(s: string, out: LineHeader, perf = false): boolean {
  if (tokenizeFast(s, out, perf)) return true;
  for (let br = s.indexOf('['); br >= 0; br = s.indexOf('[', br + 1)) {
    if (tryAt(s, br, out) && readTask(s, br, out, perf)) return true;
  }
  for (let c = s.indexOf(': '); c >= 0; c = s.indexOf(': ', c + 1)) {
    if (tryLatencyAt(s, c, out, perf)) return true;
  }
  return false;
}
