import { innermost } from '../../kernel/cpu-context.js';
import { isIdlePid } from '../../kernel/tasks.js';
import type { AnalyzerContext } from '../context.js';
import { ACC, ACC_SLOTS, type AnalyzerCpu } from '../records.js';
import { isKworker } from './workqueue-state.js';

/**
 * CPU-time accounting. Each CPU has an accounting clock (`lastMark`): at every change of who owns
 * the CPU — irq/softirq entry and exit, a context switch, the start and end of a DIO work item —
 * the time since the mark is charged to the owner that was on top until then (hardirq, softirq, or
 * the running task's category) and the mark moves. Nesting (a hardirq inside a softirq inside a
 * task) needs nothing special: only the innermost owner is ever charged.
 */

function ownerSlot(ctx: AnalyzerContext, c: AnalyzerCpu): number {
  const top = innermost(c);
  if (top === 'hardirq' || top === 'nmi') return ACC.hardirq;
  if (top === 'softirq') return ACC.softirq;
  const pid = c.curPid;
  if (pid === undefined) return ACC.unknown;
  if (isIdlePid(pid)) return ACC.idle;
  if (isKworker(ctx.work, pid, c.curComm)) return c.inDioWork ? ACC.dioWork : ACC.kworkerOther;
  if (ctx.io.submitterPids.has(pid)) return ACC.submitter;
  return ACC.otherTask;
}

/** Charges the time since the CPU's mark to its current owner and moves the mark to `ts`. */
export function charge(ctx: AnalyzerContext, c: AnalyzerCpu, ts: number): void {
  if (Number.isNaN(c.lastMark)) {
    c.lastMark = ts;
    return;
  }
  const dt = ts - c.lastMark;
  if (dt > 0) {
    const slot = ownerSlot(ctx, c);
    c.acc[slot] = (c.acc[slot] ?? 0) + dt;
    c.lastMark = ts;
  }
}

/**
 * Charges every CPU up to `ts` and copies the accumulators into `into` (window start / latest
 * completion). Runs once per finished I/O, so it reuses the arrays it is given.
 */
export function snapshot(ctx: AnalyzerContext, ts: number, into: Float64Array[] = []): Float64Array[] {
  for (const c of ctx.cpus) {
    if (!c) continue;
    charge(ctx, c, ts);
    const dst = into[c.cpu];
    if (dst) dst.set(c.acc);
    else into[c.cpu] = Float64Array.from(c.acc);
  }
  return into;
}

export function emptyAcc(): Float64Array {
  return new Float64Array(ACC_SLOTS);
}

/** Marks the start of the I/O window: CPU shares count from here. */
export function startWindow(ctx: AnalyzerContext, ts: number): void {
  const t = ctx.time;
  if (!Number.isNaN(t.windowStart)) return;
  t.windowStart = ts;
  t.accAtStart = snapshot(ctx, ts);
  t.dioKworkerRunNsAtStart = t.dioKworkerRunNs + pendingKworkerRuns(ctx, ts);
}

/**
 * Moves the end of the window to a completion at `ts`, or to the current event when the I/O is
 * finished later than its completion (a deferred DIO ends with its work item's execute_end).
 */
export function extendWindow(ctx: AnalyzerContext, completionTs: number): void {
  const t = ctx.time;
  const ts = Math.max(completionTs, ctx.lastTs);
  if (!(ts >= t.windowEnd) && !Number.isNaN(t.windowEnd)) return;
  t.windowEnd = ts;
  snapshot(ctx, ts, t.accAtEnd);
  t.dioKworkerRunNsAtEnd = t.dioKworkerRunNs + pendingKworkerRuns(ctx, ts);
}

/** DIO kworker runs still on CPU at `ts`, counted up to `ts`. */
function pendingKworkerRuns(ctx: AnalyzerContext, ts: number): number {
  let sum = 0;
  for (const c of ctx.cpus) if (c && c.kworkerRunDid && c.kworkerRunStart !== undefined) sum += ts - c.kworkerRunStart;
  return sum;
}
