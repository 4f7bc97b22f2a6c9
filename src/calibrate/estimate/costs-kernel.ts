import { NS_PER_MS } from '../../model/time.js';
import type { KernelSamples } from '../collect/kernel-samples.js';
import type { Line } from '../collect/accumulators.js';
import { byDefault, meanOr, measured, MIN_SAMPLES, ns } from './calibrated-values.js';
import type { CalibratedValues } from './model-file.js';

/**
 * Completion-path and scheduler costs, each the mean of one pair of adjacent events
 * (collect/walk.ts). The simulator emits these pairs around exactly one cost (src/sim/kernel.ts,
 * cpu.ts, scheduler.ts, workqueue.ts); on a real kernel each is the same code path's time.
 */

/** TIMER and SCHED softirq runs (together) below which tickSoftirqNs keeps its default. */
const MIN_TICK_SOFTIRQS = 10;

export interface KernelCosts {
  values: CalibratedValues;
  /** The device's interrupt: the irq number that delivered most completions. */
  irq: number | null;
}

export function kernelCosts(k: KernelSamples, softirqMode: boolean, windowNs: number): KernelCosts {
  const v: CalibratedValues = {};
  let irq: number | null = null;
  let best = -1;
  for (const [num, m] of k.completionsPerIrq) {
    if (m.sum > best) (best = m.sum), (irq = num);
  }
  const line: Line | undefined = irq === null ? undefined : k.irqByCompletions.get(irq);
  const fit = line?.fit() ?? null;
  if (!softirqMode && k.irqToFirstComplete.n >= MIN_SAMPLES) {
    // Completions run inside the handler, each with its own (wakeup-dependent) work: the line's
    // intercept would hold the first wakeup; the handler's entry half is measured directly.
    v.irqEntryNs = meanOr('irqEntryNs', k.irqToFirstComplete, 'twice the mean irq_handler_entry → first block_rq_complete inside the handler', '', 2);
    v.irqPerCqeNs = byDefault('irqPerCqeNs', 'Completions run inside the handler here, so the handler\'s per-completion hand-off to the softirq does not exist.');
  } else if (line !== undefined && fit !== null && line.spread() >= 2 && line.n >= MIN_SAMPLES) {
    v.irqEntryNs = measured(ns(fit.a), line.n, `intercept of irq_handler_entry → irq_handler_exit (irq ${irq}) against the block completions each interrupt delivered`);
    v.irqPerCqeNs = softirqMode
      ? measured(ns(fit.b), line.n, 'slope of that line: per completion the handler passes to the BLOCK softirq')
      : byDefault('irqPerCqeNs', 'Completions run inside the handler here, so the handler\'s per-completion hand-off to the softirq does not exist.');
  } else if (k.irqToFirstComplete.n >= MIN_SAMPLES) {
    v.irqEntryNs = meanOr('irqEntryNs', k.irqToFirstComplete, 'twice the mean irq_handler_entry → first block_rq_complete inside the handler', '', 2);
    v.irqPerCqeNs = byDefault('irqPerCqeNs', 'Completions per interrupt did not vary.');
  } else {
    v.irqEntryNs = byDefault('irqEntryNs', 'Too few device interrupts with their exit.');
    v.irqPerCqeNs = byDefault('irqPerCqeNs', 'Too few device interrupts with their exit.');
  }
  v.softirqEntryNs = meanOr('softirqEntryNs', k.softirqEntry, 'mean of softirq_entry (BLOCK) → its first block_rq_complete', 'Too few BLOCK softirqs');
  v.blkCompleteNs = meanOr('blkCompleteNs', k.blkComplete, 'mean of block_rq_complete → workqueue_queue_work of the DIO work or → iomap_dio_complete, in the same interrupt context', 'Too few completions followed by queue_work or the DIO completion');
  v.dioCompleteNs = meanOr('dioCompleteNs', k.dioComplete, 'mean of iomap_dio_complete → the next event of the same context (execute_end in a kworker; the next completion, softirq_exit or a wakeup in an interrupt)', 'Too few iomap_dio_complete events followed in their context');
  v.queueWorkNs = meanOr('queueWorkNs', k.queueWork, 'mean of workqueue_queue_work (DIO work) → the first event after its workqueue_activate_work, same context', 'Too few DIO work items queued');
  v.wakeupNs = meanOr('wakeupNs', k.wakeup, 'mean of sched_waking → sched_wakeup of the submitter or a DIO kworker, same CPU', 'Too few wakeups of the submitter or a DIO kworker');
  v.ctxSwitchNs = meanOr('ctxSwitchNs', k.ctxSwitch, 'mean of sched_switch to a DIO kworker → its workqueue_execute_start', 'Too few switches to a DIO kworker');

  const ws = k.workStart;
  const wb = k.workBetween;
  let workItem = NaN;
  if (ws.n >= MIN_SAMPLES || wb.n >= MIN_SAMPLES) {
    // Half of process_one_work's overhead is before the work function, half after.
    const a = ws.n >= MIN_SAMPLES ? ws.mean() : wb.mean();
    const b = wb.n >= MIN_SAMPLES ? wb.mean() : ws.mean();
    workItem = a + b;
    v.workItemNs = measured(ns(workItem), ws.n + wb.n, 'mean of workqueue_execute_start → iomap_dio_complete plus mean of execute_end → next execute_start (DIO work, same kworker)');
  } else v.workItemNs = byDefault('workItemNs', 'Too few DIO work items executed.');
  const half = Number.isFinite(workItem) ? workItem / 2 : 0;
  v.workerSleepNs = meanOr('workerSleepNs', k.workerSleep, 'mean of the last workqueue_execute_end → the kworker switching out idle, less workItemNs/2', 'Too few kworker runs ending', 1, -half);
  v.ipiNs = meanOr('ipiNs', k.ipi, 'mean of sched_wakeup of the submitter or a kworker on another, idle CPU → that CPU switching to it', 'Too few wakeups across CPUs to an idle CPU');

  // The local timer is a vector without irq_handler events: the tick itself is not traced, only
  // the softirqs it raises. The simulator raises TIMER and SCHED on every tick, each costing
  // softirqEntryNs plus half of tickSoftirqNs; a real tickless kernel raises them only when due.
  // Keeping their CPU time: tickSoftirqNs = their time in the window / ticks in it − 2·entry.
  v.tickNs = byDefault('tickNs', 'The local timer interrupt has no irq_handler events; only the softirqs it raises are traced.');
  const entry = (v.softirqEntryNs?.value as number | undefined) ?? 0;
  const tickNs = v.tickNs.value as number;
  const n = k.tickSoftirqs;
  if (k.timerSoftirq.n + k.schedSoftirq.n >= MIN_TICK_SOFTIRQS && windowNs > tickNs) {
    const busy = (k.timerSoftirq.n > 0 ? k.timerSoftirq.mean() * n.timer : 0) + (k.schedSoftirq.n > 0 ? k.schedSoftirq.mean() * n.sched : 0);
    const t = (busy * tickNs) / windowNs - 2 * entry;
    v.tickSoftirqNs = measured(ns(t), n.timer + n.sched, `TIMER and SCHED softirq time on the submitter's CPU in the I/O window (${n.timer} and ${n.sched} runs, mean length of those no interrupt fell in), per ${tickNs / NS_PER_MS} ms tick, less 2·softirqEntryNs`);
  } else v.tickSoftirqNs = byDefault('tickSoftirqNs', 'Too few TIMER and SCHED softirqs on the submitter\'s CPU.');
  return { values: v, irq };
}
