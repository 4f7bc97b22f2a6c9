import { newCpuContext, resetContext, stepContext, type CpuContext } from '../../kernel/cpu-context.js';
import type { LostEvent, TraceEvent } from '../../model/events.js';

/**
 * Per-CPU state of the calibration walk: the previous event (costs are measured between two
 * ADJACENT events of one CPU, so an interrupt or a switch in between excludes the pair), the
 * interrupt nesting, and the interrupt time that fell inside the submitter's current segment.
 *
 * The nesting is the analyzer's (kernel/cpu-context.ts: flags where printed, else the irq and
 * softirq brackets, repaired where an exit went missing), so both passes agree on what ran in an
 * interrupt. A "run of interrupt work" spans from the first entry on an empty stack to the exit
 * that empties it again; a repaired stack drops the run it had open.
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

export interface CpuState extends CpuContext {
  prev: Prev | null;
  /** Hardirqs open on this CPU (from the context stack). */
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

export function newCpuState(cpu = -1): CpuState {
  return {
    ...newCpuContext(cpu),
    prev: null,
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
  const before = c.stack.length;
  // Calibration counts every event outside a bracket as task work, traced interrupts or not.
  const ctx = stepContext(c, e, true);
  const after = c.stack.length;
  c.hardDepth = 0;
  for (const x of c.stack) if (x === 'hardirq') c.hardDepth++;
  switch (e.kind) {
    case 'irq_handler_entry':
      // A new interrupt, even right after another's exit: the task may have run in between, and
      // a pended interrupt's own unseen cost lies between the two anyway.
      if (before === 0) open(c, e.ts, true);
      break;
    case 'softirq_entry':
      // Softirqs run on the way out of an interrupt (or of another softirq): the same run of
      // interrupt work, gap included. One that opens a run had no traced interrupt before it:
      // the local timer (a vector without irq_handler events) or a bottom-half enable.
      if (before === 0) {
        if (Number.isNaN(c.lastExit)) open(c, e.ts, true);
        else {
          c.segIrqNs += Math.max(0, e.ts - c.lastExit);
          open(c, e.ts, false);
        }
      }
      break;
    case 'irq_handler_exit':
    case 'softirq_exit':
      if (after === 0) close(c, e.ts);
      break;
    default:
      // The stack was repaired (an exit was lost): drop the open run.
      if (before > 0 && after === 0) c.spanStart = NaN;
      if (after === 0) c.lastExit = NaN;
      break;
  }
  return ctx === 'nmi' ? 'hardirq' : ctx === 'unknown' ? 'task' : ctx;
}

/** A lost-events marker: the CPUs it names (every CPU when it names none) forget what was open. */
export function lostContext(cpus: readonly (CpuState | undefined)[], e: LostEvent): void {
  for (const [i, c] of cpus.entries()) {
    if (c === undefined || (e.cpu >= 0 && i !== e.cpu)) continue;
    resetContext(c);
    c.hardDepth = 0;
    c.spanStart = NaN;
    c.lastExit = NaN;
  }
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
