import type { TraceEvent } from '../model/events.js';
import { NS_PER_S, type TimestampParts } from '../model/time.js';

/**
 * `perf script` text besides its default sample lines, as its options print it (perf 6.1,
 * tools/perf/builtin-script.c):
 *
 *  - side-band records of `--show-task-events`, `--show-mmap-events`, `--show-switch-events`,
 *    `--show-namespace-events`, `--show-cgroup-events`, `--show-round-events` …: perf's own
 *    records, not trace events, printed behind a sample header:
 *      `     process_api     0 [000]     0.000000: PERF_RECORD_COMM: process_api:1/1`
 *      `             fio  6010 [000] 41578.403778: PERF_RECORD_COMM exec: fio:6010/6010`
 *      `             fio  6010 [000] 41578.556089: PERF_RECORD_FORK(6010:6012):(6010:6010)`
 *      `            perf  5448 [000] 41491.286091: PERF_RECORD_SWITCH_CPU_WIDE IN  prev pid/tid:  0/0`
 *      `PERF_RECORD_FINISHED_ROUND`
 *    (`PERF_RECORD_LOST` is a loss marker: markers.ts);
 *  - callchain frames of a `-g` recording, one per line under its sample, and a blank line:
 *      `\tffffffff813c52d5 try_to_wake_up+0x3c5 ([kernel.kallsyms])`;
 *  - `-F` selections without comm (`27940 [001] 41578.558530: workqueue:…`, task-column.ts reads
 *    them): the task names are then learnt here from what the events themselves say;
 *  - `--deltatime`: each time is `sample->time - previous_time` of the line before (the first
 *    line prints 0), printed like any time: `%5lu.%09llu` with `--ns`, else truncated to µs.
 */

/** The `PERF_RECORD_…` type a side-band line holds (`PERF_RECORD_COMM`), or null. */
export function sideBandRecord(line: string, from = 0): string | null {
  const at = line.indexOf('PERF_RECORD_', from);
  if (at < 0) return null;
  // The record type follows the sample header's `: ` (or starts the line), never a payload's text.
  if (at > 0 && !(line.charCodeAt(at - 1) === 32 && line.charCodeAt(at - 2) === 58)) return null;
  let end = at + 12;
  while (end < line.length) {
    const c = line.charCodeAt(end);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
    end++;
  }
  return end > at + 12 ? line.slice(at, end) : null;
}

/** The time of a side-band line's header (`0.000000:` before the record), [start, end), or null. */
export function sideBandTime(line: string): [number, number] | null {
  const end = line.indexOf(': PERF_RECORD_');
  if (end < 0) return null;
  // Scanned leftwards rather than matched with a regex: no backtracking over a hostile run of digits.
  let start = end;
  let dot = -1;
  while (start > 0) {
    const c = line.charCodeAt(start - 1);
    if (c === 46 /* . */ && dot < 0) dot = start - 1;
    else if (c < 48 || c > 57) break;
    start--;
  }
  return dot > start && dot < end - 1 ? [start, end] : null;
}

/**
 * A sample line printed without its CPU or time column (`-F tid,time,event,trace`,
 * `-F comm,tid,cpu,event,trace`): `system:event:` is there, the rest of the header is not.
 *   ` 6009 41578.402807:                sched:sched_waking: comm=migration/0 pid=18 …`
 *   `            perf  6009 [000]                sched:sched_waking: comm=migration/0 pid=18 …`
 */
// Bounded repeats: a hostile line (a megabyte of digits) must not make these backtrack for long.
const NO_CPU = /^[^[]{0,80}?\d{1,7} +\d{1,12}\.\d{1,9}: +\w{1,64}:\w{1,64}:/;
const NO_TIME = /^[^[]{0,80}?\d{1,7} +\[\d{1,5}\] +\w{1,64}:\w{1,64}:/;
/**
 * Without its tid and pid columns (`-F comm,cpu,time,event,trace`): the comm, then the CPU.
 *   `            perf [000]   500.273560:                sched:sched_waking: comm=migration/0 pid=18 …`
 * (A comm that ends in `-N`, `memfd:sealed-91 [001] …`, reads as a comm-pid header instead: the
 * detection counts such a header with a `system:` before its event name here too.)
 */
const NO_TASK = /^ {0,80}\S[^[]{0,80}? \[\d{1,5}\] +\d{1,12}\.\d{1,9}: +\w{1,64}:\w{1,64}:/;
export function missingColumn(line: string): 'cpu' | 'time' | 'task' | null {
  if (NO_TIME.test(line)) return 'time';
  if (NO_CPU.test(line)) return 'cpu';
  if (NO_TASK.test(line)) return 'task';
  return null;
}

export const MISSING_COLUMN = {
  cpu: 'perf script printed without its cpu column (`-F` without `cpu`): which CPU each event ran on is what the analysis follows (contexts, kworkers, the task on each CPU), so nothing can be analysed; print it with the default fields or add `cpu` to `-F`',
  time: 'perf script printed without its time column (`-F` without `time`): the analysis needs each event\'s time, so nothing can be analysed; print it with the default fields or add `time` to `-F`',
  task: 'perf script printed without its tid and pid columns (`-F` without `tid` or `pid`): which task each event ran in is what the analysis follows (submitters, kworkers, the task on each CPU), so nothing can be analysed; print it with the default fields or add `tid` to `-F`',
} as const;

/** 2^64 ns as perf prints it: a negative delta (a sample older than the line before) wraps to it. */
const WRAP_SEC = 18_446_744_073;
const WRAP_NS = 709_551_616;

/** A `--deltatime` time in ns (negative when perf's unsigned subtraction wrapped). */
export function deltaNs(t: TimestampParts): number {
  const frac = t.fracNs < 0 ? 0 : t.fracNs;
  if (t.sec >= WRAP_SEC) return (t.sec - WRAP_SEC) * NS_PER_S + frac - WRAP_NS;
  return t.sec * NS_PER_S + frac;
}

/**
 * Task names for `-F` selections without comm, learnt as the lines come: perf's own COMM and FORK
 * records (`--show-task-events`, the names perf would have printed) first, else the names the sched
 * events carry in their payloads (the kernel's comm: `kworker/1:20`, where perf prints the
 * `/proc` name `kworker/1:20-mm`). Tid 0 is `swapper`, as perf names it.
 */
export interface TaskNames {
  name(pid: number): string | undefined;
  /** A side-band line's COMM or FORK record. */
  record(line: string): void;
  /** Names a sched event gives for itself and the task it names. */
  event(ev: TraceEvent): void;
}

const COMM_RECORD = /PERF_RECORD_COMM(?: exec)?: (.*):(-?\d+)\/(-?\d+)\s*$/;
const FORK_RECORD = /PERF_RECORD_FORK\((-?\d+):(-?\d+)\):\((-?\d+):(-?\d+)\)/;

export function createTaskNames(): TaskNames {
  const names = new Map<number, string>([[0, 'swapper']]);
  /** Named by a record: payload names (shorter, kernel comm) do not replace these. */
  const byRecord = new Set<number>([0]);
  const learn = (pid: number, comm: string): void => {
    if (!byRecord.has(pid) && names.get(pid) !== comm) names.set(pid, comm);
  };
  return {
    name: (pid) => names.get(pid),
    record(line) {
      const c = COMM_RECORD.exec(line);
      if (c) {
        const tid = Number(c[3]);
        names.set(tid, c[1] as string);
        byRecord.add(tid);
        return;
      }
      const f = FORK_RECORD.exec(line);
      if (f) {
        const tid = Number(f[2]);
        const parent = names.get(Number(f[4]));
        if (parent !== undefined && byRecord.has(Number(f[4]))) {
          names.set(tid, parent);
          byRecord.add(tid);
        }
      }
    },
    event(ev) {
      if (ev.kind === 'sched_switch') {
        learn(ev.prevPid, ev.prevComm);
        learn(ev.nextPid, ev.nextComm);
      } else if (ev.kind === 'sched_waking' || ev.kind === 'sched_wakeup' || ev.kind === 'sched_wakeup_new' || ev.kind === 'sched_migrate_task') {
        learn(ev.targetPid, ev.targetComm);
      }
    },
  };
}
