import { SOFTIRQ } from '../../kernel/softirq.js';
import type { TraceEvent } from '../../model/events.js';
import type { CpuState, Ctx, IrqBatch } from './cpu-state.js';
import type { DeviceSamples, KernelSamples } from './kernel-samples.js';
import { createLine, createMean, type Mean } from './accumulators.js';
import type { WalkInput } from './io-pass.js';
import { isIdlePid } from '../../kernel/tasks.js';

/**
 * The calibration walk's interrupt tracker: how long each device interrupt's handler ran
 * against the completions it delivered (in the handler, or in the BLOCK softirq run after it),
 * the interrupt that delivered each followed I/O (for its service time), and the tick's softirqs.
 * The BLOCK softirq splices its list only after its entry cost, so an interrupt that comes while
 * a run is in progress, before its first completion, may feed that run or the next: such counts
 * are not one interrupt's (one that comes later feeds the next run).
 */

/** Device samples kept at most (bounded memory on a 10⁶-I/O trace). */
const DEVICE_CAP = 1_000_000;
/** Interrupts awaiting a BLOCK softirq run kept per CPU (the oldest go first). */
const PENDING_IRQS_CAP = 64;

export interface IrqTracker {
  onEvent(c: CpuState, e: TraceEvent, ctx: Ctx, fioCpu: number): void;
  /** Ends a BLOCK softirq run left open at the end of the trace. */
  finish(c: CpuState): void;
}

export function createIrqTracker(k: KernelSamples, device: DeviceSamples, w: WalkInput, irqNames: Map<number, string>): IrqTracker {
  function onEvent(c: CpuState, e: TraceEvent, ctx: Ctx, fioCpu: number): void {
    switch (e.kind) {
      case 'irq_handler_entry':
        irqNames.set(e.irq, e.name);
        for (const vec of c.softirqStart.keys()) c.softirqNested.add(vec);
        c.batch = {
          irq: e.irq,
          entryTs: e.ts,
          idle: isIdlePid(e.pid),
          durNs: NaN,
          n: 0,
          nestedInBlock: c.blockRun !== null && c.blockRun.n === 0,
          busy: e.pid !== 0 && c.prev !== null && !(c.prev.e.kind === 'block_rq_issue' && c.prev.e.pid === w.submitterPid),
          gapNs: c.prev !== null ? e.ts - c.prev.e.ts : NaN,
          prevKind: c.prev?.e.kind ?? '',
        };
        // The run splices its list only after its entry cost, so this interrupt's completions
        // may join it: its count is no longer one interrupt's. Once the run has completed a
        // request it has spliced its list, and this interrupt's completions wait for the next.
        if (c.blockRun !== null && c.blockRun.n === 0) c.blockRun.tainted = true;
        break;
      case 'irq_handler_exit': {
        const b = c.batch;
        if (b === null || b.irq !== e.irq) break;
        b.durNs = e.ts - b.entryTs;
        c.batch = null;
        // Completions ran inside the handler (hardirq completion): its count is known now.
        // Otherwise it handed them to the BLOCK softirq, whose next run counts them.
        if (b.n > 0) record(b, b.n);
        else if (c.pendingIrqs.push(b) > PENDING_IRQS_CAP) c.pendingIrqs.shift();
        break;
      }
      case 'softirq_entry':
        c.softirqStart.set(e.vec, e.ts);
        c.softirqNested.delete(e.vec);
        if (e.vec === SOFTIRQ.BLOCK) {
          endBlockRun(c);
          c.blockRun = { irqs: c.pendingIrqs, n: 0, tainted: false };
          c.pendingIrqs = [];
        }
        if (e.cpu === fioCpu && e.ts >= w.window.startNs && e.ts <= w.window.endNs) {
          if (e.vec === SOFTIRQ.TIMER) k.tickSoftirqs.timer++;
          else if (e.vec === SOFTIRQ.SCHED) k.tickSoftirqs.sched++;
        }
        break;
      case 'softirq_exit': {
        const s = c.softirqStart.get(e.vec);
        c.softirqStart.delete(e.vec);
        if (e.vec === SOFTIRQ.BLOCK) endBlockRun(c);
        if (s !== undefined && e.cpu === fioCpu && !c.softirqNested.has(e.vec)) {
          if (e.vec === SOFTIRQ.TIMER) k.timerSoftirq.add(e.ts - s);
          else if (e.vec === SOFTIRQ.SCHED) k.schedSoftirq.add(e.ts - s);
        }
        break;
      }
      case 'block_rq_complete': {
        // The interrupt that delivered it: the handler it runs in, or the one (the first, when
        // several were pending) whose completions this BLOCK softirq run takes.
        let b: IrqBatch | undefined;
        let pos = 0;
        let ambiguous = false;
        if (ctx === 'hardirq' && c.batch !== null) {
          b = c.batch;
          pos = b.n++;
        } else if (c.blockRun !== null) {
          b = c.blockRun.irqs[0];
          pos = c.blockRun.n++;
          ambiguous = c.blockRun.irqs.length > 1;
        }
        const issueTs = w.deviceLines.get(e.line);
        if (issueTs === undefined) break;
        k.completeCtx[ctx]++;
        k.completions++;
        if (e.error !== 0) k.errors++;
        if (b === undefined || ambiguous) {
          device.unlinked++;
          break;
        }
        if (device.toIrq.length < DEVICE_CAP && b.entryTs >= issueTs) {
          device.toIrq.push(b.entryTs - issueTs);
          device.pos.push(pos);
          device.idle.push(b.idle);
          device.busy.push(b.busy);
          device.gapNs.push(b.gapNs);
          device.prevKind.push(b.prevKind);
          device.toComplete.push(e.ts - issueTs);
          device.issueTs.push(issueTs);
        }
        break;
      }
      default:
        break;
    }
  }

  function endBlockRun(c: CpuState): void {
    const run = c.blockRun;
    if (run === null) return;
    c.blockRun = null;
    // One interrupt before this run, and none during it or during the one before: all its
    // completions are that interrupt's. Otherwise only their mean count is known.
    const only = run.irqs.length === 1 ? (run.irqs[0] as IrqBatch) : undefined;
    if (only !== undefined && !run.tainted && !only.nestedInBlock) record(only, run.n);
    else for (const b of run.irqs) perIrq(b.irq).add(run.n / run.irqs.length);
  }

  function perIrq(irq: number): Mean {
    let m = k.completionsPerIrq.get(irq);
    if (m === undefined) k.completionsPerIrq.set(irq, (m = createMean()));
    return m;
  }

  function record(b: IrqBatch, n: number): void {
    let line = k.irqByCompletions.get(b.irq);
    if (line === undefined) k.irqByCompletions.set(b.irq, (line = createLine()));
    line.add(n, b.durNs);
    perIrq(b.irq).add(n);
  }

  return { onEvent, finish: endBlockRun };
}
