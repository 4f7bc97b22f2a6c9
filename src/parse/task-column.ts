import { detach, SLICE_MIN_LENGTH } from '../input/lines.js';
import { isDigit } from './scan.js';

/**
 * The task column of an event line, read leftwards from where the CPU column starts:
 *
 *   ftrace, trace-cmd   `            fio-7888    [001]`          comm-pid
 *   record-tgid         `            bash-3213    (   3213) [000]`   comm-pid (tgid)
 *   perf script         ` kworker/1:32-ev  4150 [001]`          comm pid (or pid/tid)
 *
 * The comm may hold spaces, `-` and digits, so the pid is the run of digits nearest the CPU column
 * and the comm everything before its separator.
 */

export interface TaskColumn {
  /** `dash`: `comm-pid` (ftrace, trace-cmd); `space`: `comm pid` (perf script). */
  style: 'dash' | 'space';
  comm: string;
  pid: number;
  tgid: number | undefined;
}

const SP = 32;
const TAB = 9;
const DASH = 45;
const SLASH = 47;
const RPAREN = 41;

/**
 * Long comm strings (SLICE_MIN_LENGTH+ characters, which a slice would take by reference, pinning
 * the decoded text it came from) by pid: tasks repeat, and one shared copy neither allocates nor pins.
 */
const commCache = new Map<number, string>();

function commAt(s: string, start: number, end: number, pid: number): string {
  const len = end - start;
  if (len < SLICE_MIN_LENGTH) return s.slice(start, end);
  const slice = s.slice(start, end);
  const c = commCache.get(pid);
  if (c === slice) return c;
  const fresh = detach(slice);
  if (commCache.size > 4096) commCache.clear();
  commCache.set(pid, fresh);
  return fresh;
}

/** Reads `comm-pid [(tgid)]` or `comm pid[/tid]` ending before index `end`. */
export function readTask(s: string, end: number, out: TaskColumn, perf: boolean): boolean {
  let e = end;
  while (e > 0 && s.charCodeAt(e - 1) === SP) e--;
  out.tgid = undefined;
  if (s.charCodeAt(e - 1) === RPAREN) {
    // `(   3213)` or `(-------)` of the record-tgid option.
    const open = s.lastIndexOf('(', e - 1);
    if (open < 0) return false;
    let i = open + 1;
    while (s.charCodeAt(i) === SP) i++;
    if (isDigit(s.charCodeAt(i))) {
      let v = 0;
      while (isDigit(s.charCodeAt(i))) v = v * 10 + (s.charCodeAt(i++) - 48);
      out.tgid = v;
    } else while (s.charCodeAt(i) === DASH) i++;
    if (i !== e - 1) return false;
    e = open;
    while (e > 0 && s.charCodeAt(e - 1) === SP) e--;
  }
  // Digits (and one '/' for perf's pid/tid) at the end of the task column.
  let d = e;
  let slash = -1;
  // `-F comm,pid,tid` of an exited task: `:-1  6010/-1` (the pid is known, the tid is not).
  let negTid = false;
  if (perf && e > 3 && s.charCodeAt(e - 1) === 49 /* 1 */ && s.charCodeAt(e - 2) === DASH && s.charCodeAt(e - 3) === SLASH) {
    negTid = true;
    slash = d = e - 3;
  }
  while (d > 0) {
    const c = s.charCodeAt(d - 1);
    if (isDigit(c)) d--;
    else if (c === SLASH && slash < 0 && perf) slash = --d;
    else break;
  }
  if (d === e || !isDigit(s.charCodeAt(e - 1)) || slash === d) return false;
  // `-F tid,cpu,…` prints no comm: the tid starts the line (`27940 [001] 41578.558530: …`).
  let sep = d === 0 && perf ? SP : s.charCodeAt(d - 1);
  let neg = false;
  // perf prints a task it could not resolve as `:-1    -1 [001]`: a negative tid after a space.
  if (perf && sep === DASH && s.charCodeAt(d - 2) === SP) {
    neg = true;
    d--;
    sep = SP;
  }
  if (sep === DASH) {
    if (slash >= 0) return false;
    out.style = 'dash';
  } else if (sep === SP) out.style = 'space';
  else return false;
  const numStart = neg ? d + 1 : d;
  let pid = 0;
  let tg = 0;
  for (let i = numStart; i < (negTid ? slash : e); i++) {
    const c = s.charCodeAt(i);
    if (c === SLASH) {
      tg = pid;
      pid = 0;
    } else pid = pid * 10 + (c - 48);
  }
  if (neg) pid = -pid;
  if (negTid) {
    tg = pid;
    pid = -1;
  }
  if (slash >= 0) out.tgid = tg;
  out.pid = pid;
  let c = 0;
  // Leading padding is not part of the name, tabs included (`\tirq/43-e-280`: a line pasted
  // with a tab indent, or a tab-separated dump).
  while (c < d - 1 && (s.charCodeAt(c) === SP || s.charCodeAt(c) === TAB)) c++;
  let ce = d - 1;
  // perf right-aligns the comm and pads the tid: trim the gap between them.
  if (sep === SP) while (ce > c && s.charCodeAt(ce - 1) === SP) ce--;
  // An empty comm is possible in perf output.
  out.comm = ce > c ? commAt(s, c, ce, pid) : '';
  return true;
}
