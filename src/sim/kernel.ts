import { SECTOR_BYTES } from '../model/events.js';
import type { Engine } from './engine.js';
import type { CpuSet } from './cpu.js';
import type { Device } from './device.js';
import type { KernelEvents } from './kevents.js';
import type { SimParams } from './params.js';
import type { Policy } from './policies/types.js';
import type { Scheduler } from './scheduler.js';
import type { Cpu, Io, Program } from './types.js';
import type { Workqueue } from './workqueue.js';

/**
 * The kernel's completion path from the interrupt to the DIO completion:
 *   hardirq   irq_handler_entry → (NVMe: every CQE completed here | single-queue: each request put
 *             on blk_cpu_done and BLOCK softirq raised) → irq_handler_exit
 *   softirq   softirq_entry vec=4 → each request completed → softirq_exit
 *   request   block_rq_complete → bio_endio → the last reference of the dio drops:
 *             still submitting → the submitter completes it (task-inline);
 *             a waiter → wake it, it completes in its task (task-inline);
 *             else the policy: inline (iomap_dio_complete here, irq-inline) or queue_work (kworker).
 */

export interface Submitter {
  /** aio_complete / io_uring CQE: hand the finished I/O to the submitter, waking it if it waits. */
  deliver(cpu: Cpu, io: Io): Program;
  /** Wake the submitter blocked on this sync I/O. */
  wakeWaiter(cpu: Cpu, io: Io): Program;
}

export interface KernelPath {
  irqHandler(cpu: Cpu): Program;
  blockSoftirq(cpu: Cpu): Program;
  /** iomap_dio_complete (+ aio_complete) in the current frame of `cpu`. */
  dioComplete(cpu: Cpu, io: Io): Program;
  /** Emits the iomap_dio_complete event and records the completion. */
  completeEvent(cpu: Cpu, io: Io): void;
}

/** The parts of the model (model.ts) that both the kernel paths and the workload run on. */
export interface ModelParts {
  engine: Engine;
  p: SimParams;
  ev: KernelEvents;
  cpus: CpuSet;
  sched: Scheduler;
  policy: Policy;
  device: Device;
  /** The file's inode number as the iomap events print it. */
  inode: string;
}

export interface KernelDeps extends ModelParts {
  wq: () => Workqueue;
  submitter: () => Submitter;
  fileSize: () => number;
  /** Frees the dio (kfree in the completion: its slab address can be reused at once). */
  freeDio: (io: Io) => void;
}

export function createKernelPath(d: KernelDeps): KernelPath {
  const { engine, p, ev, cpus, policy, device } = d;
  const dev = ev.dev;
  const softirqMode = p.deviceCompletion === 'softirq';

  function* irqHandler(cpu: Cpu): Program {
    const irqAt = engine.now();
    ev.put(cpu, true, 0, { kind: 'irq_handler_entry', irq: p.irqNumber, name: p.irqName });
    yield p.irqEntryNs / 2;
    for (let io = device.take(); io !== undefined; io = device.take()) {
      io.tIrq = irqAt;
      if (softirqMode) {
        yield p.irqPerCqeNs;
        cpu.blockDone.push(io);
        cpus.raiseSoftirq(cpu, 4);
      } else yield* completeRequest(cpu, io, 'hardirq');
    }
    device.handlerDone();
    yield p.irqEntryNs / 2;
    ev.put(cpu, true, 0, { kind: 'irq_handler_exit', irq: p.irqNumber, ret: 'handled' });
  }

  function* blockSoftirq(cpu: Cpu): Program {
    const list = cpu.blockDone.splice(0);
    for (const io of list) yield* completeRequest(cpu, io, 'softirq');
  }

  function completeEvent(cpu: Cpu, io: Io): void {
    io.tComplete = engine.now();
    io.completeCpu = cpu.id;
    const err = io.case.error ? -5 : 0;
    ev.put(cpu, false, 0, { kind: 'iomap_dio_complete',
      dev,
      ino: d.inode,
      size: d.fileSize(),
      offset: err === 0 ? io.offset + io.bytes : io.offset,
      iocbFlags: io.iocbFlags,
      aio: io.aio,
      error: err,
      ret: err === 0 ? io.bytes : err,
    });
    d.freeDio(io);
  }

  function* dioComplete(cpu: Cpu, io: Io): Program {
    completeEvent(cpu, io);
    yield p.dioCompleteNs;
    io.done = true;
    yield* d.submitter().deliver(cpu, io);
  }

  function* completeRequest(cpu: Cpu, io: Io, ctx: 'hardirq' | 'softirq'): Program {
    io.tBlockComplete = engine.now();
    ev.put(cpu, false, 0, { kind: 'block_rq_complete',
      dev,
      rwbs: rwbs(io),
      cmd: '',
      sector: io.sector,
      nrSector: io.bytes / SECTOR_BYTES,
      ioprio: 'be,0,4',
      error: io.case.error ? -5 : 0,
    });
    yield p.blkCompleteNs;
    if (io.submitting) {
      // The submitter still holds its reference: dropping ours is all; it completes the dio.
      io.completedEarly = true;
      io.mode = 'task-inline';
      io.reason = 'completed before submission dropped its reference';
      return;
    }
    if (io.waits) {
      io.mode = 'task-inline';
      io.reason = 'submitter waits (sync kiocb or forced wait)';
      yield* d.submitter().wakeWaiter(cpu, io);
      return;
    }
    const dec = policy.complete(io.case);
    io.reason = dec.reason;
    if (dec.where === 'inline') {
      io.mode = 'irq-inline';
      io.irqCtx = ctx;
      yield* dioComplete(cpu, io);
    } else {
      io.mode = 'kworker-deferred';
      yield* d.wq().queue(cpu, io);
    }
  }

  return { irqHandler, blockSoftirq, dioComplete, completeEvent };
}

/** blk_fill_rwbs: op, F for FUA, S for REQ_SYNC (DIO sets it on every request). */
export function rwbs(io: Io): string {
  return io.write ? (io.fua ? 'WFS' : 'WS') : 'RS';
}
