import type { Engine } from '../engine.js';
import type { Rng } from '../../stats/rng.js';
import { lognormal } from '../samplers.js';
import type { Seg, Timeline } from './timeline.js';

/**
 * The disk under every stack: independent service times (lognormal), completions posted to the
 * queue's completion ring, one interrupt per ring while its handler has not run yet. With one
 * queue per CPU (NVMe, blk-mq's default map) ring q belongs to CPU q and its vector's affinity is
 * that CPU, so a request completes where it was submitted; with one queue (virtio-blk) every
 * completion comes on irqCpu, and the handler hands the requests to the BLOCK softirq.
 * Completion callbacks can raise the BLOCK softirq again (a stacked device completing its own
 * request with blk_mq_complete_request on a single-queue device): the softirq loop runs them in
 * another pass of __do_softirq before the CPU goes back to its task.
 */

export interface DiskReq {
  queue: number;
  /** Runs in the completion context (hardirq or BLOCK softirq) on the interrupt's CPU. */
  complete(s: Seg): void;
}

export interface Disk {
  submit(req: DiskReq, at: number): void;
  /** Queues a BLOCK-softirq callback on `cpu` (blk_mq_raise_softirq). */
  raiseBlock(cpu: number, fn: (s: Seg) => void): void;
  /** Runs the BLOCK softirq passes pending on s.cpu (s is in any context; leaves it in task context). */
  runBlock(s: Seg): void;
  blockPending(cpu: number): boolean;
}

export interface DiskOpts {
  queues: number;
  perCpuQueues: boolean;
  irqCpu: number;
  completion: 'hardirq' | 'softirq';
  serviceMedianNs: number;
  serviceSigma: number;
  irqDelayNs: number;
  irqNumber: (q: number) => number;
  irqName: (q: number) => string;
}

export function createDisk(engine: Engine, tl: Timeline, rng: Rng, o: DiskOpts): Disk {
  const sample = lognormal(rng, o.serviceMedianNs, o.serviceSigma);
  const cq: DiskReq[][] = Array.from({ length: o.queues }, () => []);
  const armed: boolean[] = new Array<boolean>(o.queues).fill(false);
  const block = new Map<number, ((s: Seg) => void)[]>();

  function runBlock(s: Seg): void {
    for (let list = block.get(s.cpu); list !== undefined && list.length > 0; list = block.get(s.cpu)) {
      const fns = list.splice(0);
      const ctx = s.ctx;
      s.ctx = 'softirq';
      s.put({ kind: 'softirq_entry', vec: 4, action: 'BLOCK' });
      s.spend(200);
      for (const fn of fns) fn(s);
      s.put({ kind: 'softirq_exit', vec: 4, action: 'BLOCK' });
      s.ctx = ctx;
    }
  }

  function raiseBlock(cpu: number, fn: (s: Seg) => void): void {
    let l = block.get(cpu);
    if (l === undefined) block.set(cpu, (l = []));
    l.push(fn);
  }

  function fire(q: number): void {
    armed[q] = false;
    const cpu = o.perCpuQueues ? q : o.irqCpu;
    tl.reserve(cpu, engine.now(), (s) => {
      s.ctx = 'hardirq';
      s.put({ kind: 'irq_handler_entry', irq: o.irqNumber(q), name: o.irqName(q) });
      s.spend(300);
      const reqs = (cq[q] as DiskReq[]).splice(0);
      if (o.completion === 'hardirq') for (const r of reqs) r.complete(s);
      else for (const r of reqs) raiseBlock(cpu, (s2) => r.complete(s2));
      s.put({ kind: 'irq_handler_exit', irq: o.irqNumber(q), ret: 'handled' });
      s.spend(200);
      s.ctx = 'task';
      runBlock(s);
    });
  }

  return {
    submit(req, at) {
      engine.schedule(at + Math.max(1000, Math.round(sample())), 0, () => {
        (cq[req.queue] as DiskReq[]).push(req);
        if (!armed[req.queue]) {
          armed[req.queue] = true;
          engine.after(o.irqDelayNs, 1, () => fire(req.queue));
        }
      });
    },
    raiseBlock,
    runBlock,
    blockPending: (cpu) => (block.get(cpu)?.length ?? 0) > 0,
  };
}
