import type { ExecContext } from '../model/events.js';

/**
 * The shared event-line header tokenizer for all three text formats:
 *
 *   ftrace      `            fio-7888    [001] d.s1.   505.925043: workqueue_queue_work: work struct=…`
 *   (tgid)      `            fio-7888    (   7888) [001] d.s1.   505.925043: …`
 *   trace-cmd   `             fio-7909  [001]   508.368487: workqueue_queue_work: work struct=0xffff…`
 *   perf script ` kworker/1:32-ev  4150 [001]   511.805357: workqueue:workqueue_execute_start: work struct …`
 *
 * The task name may hold spaces, `-`, `:`, `[`, `(`, so it is never split on whitespace. We anchor
 * on the one unambiguous run — `[cpu]`, optional flags, `timestamp:`, `event:` — trying each `[` in
 * turn until the rest of the header parses, then read `comm-pid` (or perf's `comm pid[/tid]`)
 * backwards from it.
 */

export interface LineHeader {
  /** `dash`: `comm-pid` (ftrace, trace-cmd); `space`: `comm pid` (perf script). */
  style: 'dash' | 'space';
  comm: string;
  pid: number;
  tgid: number | undefined;
  cpu: number;
  flags: string | undefined;
  tsStart: number;
  tsEnd: number;
  /** Tracepoint system when printed (`block` of perf's `block:block_rq_issue`). */
  system: string | undefined;
  name: string;
  /** Index of the first character after `name:` (spaces not yet skipped). */
  afterName: number;
  /** Index where the payload starts (after the separating spaces). */
  payloadStart: number;
}

const SP = 32;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A timestamp token `505.925043:` / `508.368473123:` / `1234:` ending at `end` (exclusive of ':'). */
function isTimestamp(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  let dot = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (dot || i === start) return false;
      dot = true;
    } else if (!isDigit(c)) return false;
  }
  return true;
}

/** Latency flags: `d.h1.`, `dNs1.`, `....`, `D.Z1`, … — 3 to 8 chars, no digits-only, no ':'. */
function isFlags(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 3 || n > 8) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 /* : */ || c === 91 || c === 93) return false;
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

/** Parses the part after `[`: `cpu] [flags] ts: name:`. Returns false when it is not a header. */
function tryAt(s: string, br: number, out: LineHeader): boolean {
  let i = br + 1;
  let cpu = 0;
  const cpuStart = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) cpu = cpu * 10 + (s.charCodeAt(i++) - 48);
  if (i === cpuStart || s.charCodeAt(i) !== 93 /* ] */ || s.charCodeAt(i + 1) !== SP) return false;
  i += 2;
  while (s.charCodeAt(i) === SP) i++;
  let tokEnd = s.indexOf(' ', i);
  if (tokEnd < 0) tokEnd = s.length;
  let flags: string | undefined;
  if (s.charCodeAt(tokEnd - 1) !== 58 /* : */) {
    if (!isFlags(s, i, tokEnd)) return false;
    flags = s.slice(i, tokEnd);
    i = tokEnd;
    while (s.charCodeAt(i) === SP) i++;
    tokEnd = s.indexOf(' ', i);
    if (tokEnd < 0) tokEnd = s.length;
    if (s.charCodeAt(tokEnd - 1) !== 58) return false;
  }
  if (!isTimestamp(s, i, tokEnd - 1)) return false;
  out.tsStart = i;
  out.tsEnd = tokEnd - 1;
  i = tokEnd;
  while (s.charCodeAt(i) === SP) i++;
  // Event name: up to ": " or a ':' that ends the line. perf prefixes the system ("irq:softirq_entry").
  const nameStart = i;
  let nameEnd = s.indexOf(': ', i);
  if (nameEnd < 0) {
    if (s.charCodeAt(s.length - 1) !== 58) return false;
    nameEnd = s.length - 1;
  }
  if (nameEnd === nameStart) return false;
  const sysColon = s.indexOf(':', nameStart);
  for (let k = nameStart; k < nameEnd; k++) if (s.charCodeAt(k) === SP) return false;
  if (sysColon >= 0 && sysColon < nameEnd) {
    out.system = s.slice(nameStart, sysColon);
    out.name = s.slice(sysColon + 1, nameEnd);
  } else {
    out.system = undefined;
    out.name = s.slice(nameStart, nameEnd);
  }
  out.cpu = cpu;
  out.flags = flags;
  out.afterName = nameEnd + 1;
  let p = nameEnd + 1;
  while (s.charCodeAt(p) === SP) p++;
  out.payloadStart = p;
  return true;
}

/** Reads `comm-pid [(tgid)]` or `comm pid[/tid]` ending before index `end`. */
function readTask(s: string, end: number, out: LineHeader, perf: boolean): boolean {
  let e = end;
  while (e > 0 && s.charCodeAt(e - 1) === SP) e--;
  out.tgid = undefined;
  if (s.charCodeAt(e - 1) === 41 /* ) */) {
    const open = s.lastIndexOf('(', e - 1);
    if (open < 0) return false;
    const inner = s.slice(open + 1, e - 1).trim();
    if (/^\d+$/.test(inner)) out.tgid = Number(inner);
    else if (!/^-+$/.test(inner)) return false;
    e = open;
    while (e > 0 && s.charCodeAt(e - 1) === SP) e--;
  }
  // Digits (and one '/' for perf's pid/tid) at the end of the task column.
  let d = e;
  while (d > 0 && (isDigit(s.charCodeAt(d - 1)) || s.charCodeAt(d - 1) === 47)) d--;
  if (d === e || !isDigit(s.charCodeAt(e - 1))) return false;
  let sep = s.charCodeAt(d - 1);
  let num = s.slice(d, e);
  // perf prints a task it could not resolve as `:-1    -1 [001]`: a negative tid after a space.
  if (perf && sep === 45 && s.charCodeAt(d - 2) === SP) {
    d--;
    sep = SP;
    num = s.slice(d, e);
  }
  const slash = num.indexOf('/');
  if (sep === 45 /* - */ && slash < 0) {
    out.style = 'dash';
    out.pid = Number(num);
  } else if (sep === SP) {
    out.style = 'space';
    out.pid = Number(slash < 0 ? num : num.slice(slash + 1));
    if (slash >= 0) out.tgid = Number(num.slice(0, slash));
  } else return false;
  let c = 0;
  while (c < d - 1 && s.charCodeAt(c) === SP) c++;
  // An empty comm is possible in perf output (`:0` style tasks print as ` 0`).
  out.comm = s.slice(c, sep === SP ? trimEndIndex(s, c, d - 1) : d - 1);
  return Number.isFinite(out.pid);
}

function trimEndIndex(s: string, start: number, end: number): number {
  let e = end;
  while (e > start && s.charCodeAt(e - 1) === SP) e--;
  return e;
}

export function newHeader(): LineHeader {
  return {
    style: 'dash',
    comm: '',
    pid: 0,
    tgid: undefined,
    cpu: 0,
    flags: undefined,
    tsStart: 0,
    tsEnd: 0,
    system: undefined,
    name: '',
    afterName: 0,
    payloadStart: 0,
  };
}

/** Tokenizes an event line's header into `out`; false when the line is not an event line. */
export function tokenizeHeader(s: string, out: LineHeader, perf = false): boolean {
  for (let br = s.indexOf('['); br >= 0; br = s.indexOf('[', br + 1)) {
    if (tryAt(s, br, out) && readTask(s, br, out, perf)) return true;
  }
  return false;
}
