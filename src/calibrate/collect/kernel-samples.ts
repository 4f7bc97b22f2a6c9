import { createMean, type Line, type Mean } from './accumulators.js';

/**
 * The kernel-side durations the walk collects, each between two adjacent events of one CPU.
 * The simulator emits these events around exactly one cost each (src/sim/kernel.ts, cpu.ts,
 * scheduler.ts, workqueue.ts), which is what makes each pair a measurement of one parameter.
 */
export interface KernelSamples {
  /** irq_handler_entry → irq_handler_exit against completions delivered: intercept irqEntryNs, slope irqPerCqeNs (softirq mode). */
  irqByCompletions: Map<number, Line>;
  /** Completions delivered per interrupt, per irq number. */
  completionsPerIrq: Map<number, Mean>;
  /** irq_handler_entry → first block_rq_complete inside it (hardirq completion): irqEntryNs / 2. */
  irqToFirstComplete: Mean;
  /** softirq_entry BLOCK → block_rq_complete. */
  softirqEntry: Mean;
  /** block_rq_complete → workqueue_queue_work or iomap_dio_complete in the same interrupt context. */
  blkComplete: Mean;
  /** iomap_dio_complete (interrupt, or a DIO kworker) → the next event of that context. */
  dioComplete: Mean;
  /** workqueue_queue_work of DIO work → the first event after its activate_work. */
  queueWork: Mean;
  /** sched_waking → sched_wakeup of the submitter or a DIO kworker. */
  wakeup: Mean;
  /** sched_switch to a DIO kworker → its workqueue_execute_start. */
  ctxSwitch: Mean;
  /** execute_start → iomap_dio_complete, and execute_end → next execute_start: each workItemNs / 2. */
  workStart: Mean;
  workBetween: Mean;
  /** last execute_end → the kworker's switch out: workItemNs / 2 + workerSleepNs. */
  workerSleep: Mean;
  /** TIMER and SCHED softirq lengths on the submitter's CPU (those no hardirq interrupted), and how many ran in the I/O window. */
  timerSoftirq: Mean;
  schedSoftirq: Mean;
  tickSoftirqs: { timer: number; sched: number };
  /** sched_wakeup of a task on another, idle CPU → that CPU switches to it. */
  ipi: Mean;
  /** Context of block_rq_complete events of the workload's I/Os. */
  completeCtx: { hardirq: number; softirq: number; task: number };
  /** Submitter switched out with R+ (preempted inside the kernel). */
  preemptPlus: number;
  /** Block completions of followed I/Os, and those with an error. */
  completions: number;
  errors: number;
}

export function createKernelSamples(): KernelSamples {
  return {
    irqByCompletions: new Map(),
    completionsPerIrq: new Map(),
    irqToFirstComplete: createMean(),
    softirqEntry: createMean(),
    blkComplete: createMean(),
    dioComplete: createMean(),
    queueWork: createMean(),
    wakeup: createMean(),
    ctxSwitch: createMean(),
    workStart: createMean(),
    workBetween: createMean(),
    workerSleep: createMean(),
    timerSoftirq: createMean(),
    schedSoftirq: createMean(),
    tickSoftirqs: { timer: 0, sched: 0 },
    ipi: createMean(),
    completeCtx: { hardirq: 0, softirq: 0, task: 0 },
    preemptPlus: 0,
    completions: 0,
    errors: 0,
  };
}

/** Device-side samples per I/O: issue → entry of the interrupt that delivered it. */
export interface DeviceSamples {
  /** ns from block_rq_issue to irq_handler_entry of the delivering interrupt. */
  toIrq: number[];
  /** 0 for the completion that raised the interrupt, 1+ for those that joined its batch. */
  pos: number[];
  idle: boolean[];
  /** The delivering interrupt entered a CPU running a task, not right after the submitter's block_rq_issue. */
  busy: boolean[];
  /** The gap from that CPU's previous event to the interrupt's entry, and that event's kind. */
  gapNs: number[];
  prevKind: string[];
  /** ns from block_rq_issue to block_rq_complete (what analyze calls `device`). */
  toComplete: number[];
  /** block_rq_issue timestamp of each sample (to single out the requests that notified the host). */
  issueTs: number[];
  /** Completions whose interrupt could not be told (several pending before one softirq run). */
  unlinked: number;
}

export function createDeviceSamples(): DeviceSamples {
  return { toIrq: [], pos: [], idle: [], busy: [], gapNs: [], prevKind: [], toComplete: [], issueTs: [], unlinked: 0 };
}
