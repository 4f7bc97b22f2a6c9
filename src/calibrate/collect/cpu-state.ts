import type { TraceEvent } from '../../model/events.js';

/**
 * Per-CPU state of the calibration walk: the previous event (costs are measured between two
 * ADJACENT events of one CPU, so an interrupt or a switch in between excludes the pair), the
 * interrupt nesting, and the interrupt time that fell inside the submitter's current segment.
 *
 * Context comes from the bracket events (irq_handler_entry/exit, softirq_entry/exit), so traces
 * without a latency-flags column (trace-cmd report, perf script) give the same answer; where the
 * flags say `task` while a bracket is still open, its exit was lost and the bracket is closed.
 */

export type Ctx = 'task' | 'softirq' | 'hardirq';

export interface Prev {
  e: TraceEvent;
  ctx: Ctx;
}

export interface IrqBatch {
  irq: number;
  entryTs: number;
  /** The interrupt came while the CPU was idle (its entry is traced under pid 0). */
  idle: boolean;
  durNs: number;
  /** Block completions run inside its handler (hardirq completion). */
  n: number;
  /** It came while a BLOCK softirq ran, before the run's first completion: its completions may have joined that run or the next. */
  nestedInBlock: boolean;
  /** It entered a CPU running a task other than right after the submitter's block_rq_issue (notify.ts). */
  busy: boolean;
  /** Then: the gap since that CPU's previous event, and that event's kind. */
  gapNs: number;
  prevKind: string;
}

export interface CpuState {
  prev: Prev | null;
  depth: number;
  hardDepth: number;
  /** Entry of the open interrupt bracket at depth 0 (NaN when none is open). */
  spanStart: number;
  /** Exit back to depth 0 with no task event since (a softirq starting now continues it). */
  lastExit: number;
  /** Traced interrupt time, and interrupts (runs of interrupt work), since the submitter's last event on this CPU. */
  segIrqNs: number;
  segIrqs: number;
  /** Runs of interrupt work on this CPU over the whole trace. */
  runs: number;
  batch: IrqBatch | null;
  /** Interrupts that handed completions to the BLOCK softirq and await its next run. */
  pendingIrqs: IrqBatch[];
  /** The BLOCK softirq run in progress: the interrupts whose completions it runs, and its count. */
  blockRun: { irqs: IrqBatch[]; n: number; tainted: boolean } | null;
  softirqStart: Map<number, number>;
  /** A hardirq came while this softirq vector ran (its length is then not its own). */
  softirqNested: Set<number>;
  /** workqueue_queue_work of a DIO completion awaiting the next event (queueWorkNs). */
  queueTs: number;
  queueCtx: Ctx | null;
}

export function newCpuState(): CpuState {
  return {
    prev: null,
    depth: 0,
    hardDepth: 0,
    spanStart: NaN,
    lastExit: NaN,
    segIrqNs: 0,
    segIrqs: 0,
    runs: 0,
    batch: null,
    pendingIrqs: [],
    blockRun: null,
    softirqStart: new Map(),
    softirqNested: new Set(),
    queueTs: NaN,
    queueCtx: null,
  };
}

/** Updates nesting for `e` and returns the context it ran in. */
export function enterContext(c: CpuState, e: TraceEvent): Ctx {
  switch (e.kind) {
    case 'irq_handler_entry':
      // A new interrupt, even right after another's exit: the task may have run in between, and
      // a pended interrupt's own unseen cost lies between the two anyway.
      if (c.depth === 0) open(c, e.ts, true);
      c.depth++;
      c.hardDepth++;
      return 'hardirq';
    case 'irq_handler_exit':
      c.depth = Math.max(0, c.depth - 1);
      c.hardDepth = Math.max(0, c.hardDepth - 1);
      if (c.depth === 0) close(c, e.ts);
      return 'hardirq';
    case 'softirq_entry':
      // Softirqs run on the way out of an interrupt (or of another softirq): the same run of
      // interrupt work, gap included. One that opens a run had no traced interrupt before it:
      // the local timer (a vector without irq_handler events) or a bottom-half enable.
      if (c.depth === 0) {
        if (Number.isNaN(c.lastExit)) open(c, e.ts, true);
        else {
          c.segIrqNs += Math.max(0, e.ts - c.lastExit);
          open(c, e.ts, false);
        }
      }
      c.depth++;
      return c.hardDepth > 0 ? 'hardirq' : 'softirq';
    case 'softirq_exit':
      c.depth = Math.max(c.hardDepth, c.depth - 1);
      if (c.depth === 0) close(c, e.ts);
      return c.hardDepth > 0 ? 'hardirq' : 'softirq';
    default:
      break;
  }
  if (c.depth > 0 && e.kind !== 'lost' && e.ctx === 'task') {
    // Flags say task while a bracket is open: its exit was lost. Drop the open run.
    c.depth = 0;
    c.hardDepth = 0;
    c.spanStart = NaN;
  }
  if (c.depth > 0) return c.hardDepth > 0 ? 'hardirq' : 'softirq';
  c.lastExit = NaN;
  return 'task';
}

function open(c: CpuState, ts: number, counts: boolean): void {
  c.spanStart = ts;
  c.lastExit = NaN;
  if (counts) {
    c.segIrqs++;
    c.runs++;
  }
}

function close(c: CpuState, ts: number): void {
  if (!Number.isNaN(c.spanStart)) c.segIrqNs += Math.max(0, ts - c.spanStart);
  c.spanStart = NaN;
  c.lastExit = ts;
}
