import { PRIO_DEVICE, PRIO_IRQ, type Engine } from './engine.js';
import type { SimParams } from './params.js';
import { empirical, exponential, fixed, lognormal, type Rng, type Sampler } from './rng.js';
import type { Io } from './types.js';

/**
 * The block device: up to `queueDepth` requests in service at once, each for an independent
 * service time (an SSD's internal parallelism; requests beyond the depth wait in FIFO order).
 * Finished requests go on the completion queue; the interrupt is raised `irqDelayNs` after the
 * first one (or, with NVMe aggregation, when `irqCoalesceCount` are waiting or `irqCoalesceNs`
 * passed). While its handler runs, the interrupt is not raised again: the handler reads every
 * completion that arrives until it finishes (nvme_irq / virtblk_done loop until the queue is
 * empty), which is how completions batch per interrupt under load.
 *
 * With kickWhen = host-idle the device is a virtio host thread instead (virtio-blk with
 * VIRTIO_RING_F_EVENT_IDX): the guest notifies only when the host has asked for it, which it does
 * once it has posted every request it took and found the ring empty (virtqueue_kick_prepare →
 * vring_need_event). A notify wakes the host; it runs one service time later, takes every request
 * queued by then (those added after the notify needed none), posts them all to the used ring and
 * re-arms: one interrupt per run. So the device time of a request is the wait for the host's next
 * run, and how often the guest traps on the notify follows from the host's rhythm instead of a
 * fixed rate.
 */

export interface Device {
  /** Queues a request; true when the guest must notify the host (a trap on host-idle devices). */
  submit(io: Io): boolean;
  /** Takes the next finished request, or undefined. Called by the interrupt handler. */
  take(): Io | undefined;
  /** The handler finished: re-arm the interrupt for completions that came after its last read. */
  handlerDone(): void;
  inFlight(): number;
}

export function serviceSampler(p: SimParams, rng: Rng): Sampler {
  switch (p.serviceDist) {
    case 'fixed':
      return fixed(p.serviceMedianNs);
    case 'exponential':
      return exponential(rng, p.serviceMedianNs);
    case 'lognormal':
      return lognormal(rng, p.serviceMedianNs, p.serviceSigma);
    case 'empirical':
      return empirical(rng, p.serviceLowNs, p.serviceHistogram);
  }
}

/**
 * `hostCpu(run)` (host-idle only): the host thread shares the physical CPU of the vCPU that takes
 * the device interrupt. It calls `run(false)` at once when that vCPU is out (halted, or exited on
 * its notify), else `run(true)` after holding the physical CPU for irqStealNs (a stall the guest
 * cannot see); the vCPU then re-enters with the interrupt already pending.
 */
export function createDevice(engine: Engine, p: SimParams, rng: Rng, raiseIrq: () => void, hostCpu: (run: (onCpu: boolean) => void) => void = (run) => run(false)): Device {
  const sample = serviceSampler(p, rng);
  const waiting: Io[] = [];
  const cq: Io[] = [];
  let cqHead = 0;
  let busy = 0;
  let irqScheduled = false;
  let inHandler = false;
  let coalesceTimer = false;
  const hostIdle = p.kickWhen === 'host-idle';
  /** host-idle: the host has re-armed its notify (it sleeps until the next one). */
  let armed = true;
  const ring: Io[] = [];

  /** Delay of the next interrupt: 0 when the host posts from the interrupt vCPU's own physical CPU. */
  let irqDelay = p.irqDelayNs;

  function hostRun(onCpu: boolean): void {
    const batch = ring.splice(0);
    busy -= batch.length;
    for (const io of batch) {
      io.deviceDone = true;
      io.tDevice = engine.now();
      cq.push(io);
    }
    // The ring is empty now (the run is instantaneous): the host asks for the next notify.
    armed = true;
    irqDelay = onCpu ? 0 : p.irqDelayNs;
    maybeInterrupt();
    irqDelay = p.irqDelayNs;
  }

  function start(io: Io): void {
    busy++;
    engine.after(Math.max(1, Math.round(sample())), PRIO_DEVICE, () => finish(io));
  }

  function finish(io: Io): void {
    busy--;
    io.deviceDone = true;
    io.tDevice = engine.now();
    cq.push(io);
    const next = waiting.shift();
    if (next !== undefined) start(next);
    maybeInterrupt();
  }

  function pendingCount(): number {
    return cq.length - cqHead;
  }

  function fire(): void {
    irqScheduled = false;
    if (pendingCount() === 0) return;
    inHandler = true;
    raiseIrq();
  }

  function maybeInterrupt(): void {
    if (irqScheduled || inHandler || pendingCount() === 0) return;
    if (pendingCount() >= p.irqCoalesceCount || p.irqCoalesceNs === 0) {
      irqScheduled = true;
      engine.after(irqDelay, PRIO_IRQ, fire);
    } else if (!coalesceTimer) {
      coalesceTimer = true;
      engine.after(p.irqCoalesceNs, PRIO_IRQ, () => {
        coalesceTimer = false;
        if (!irqScheduled && !inHandler && pendingCount() > 0) {
          irqScheduled = true;
          engine.after(p.irqDelayNs, PRIO_IRQ, fire);
        }
      });
    }
  }

  return {
    submit(io) {
      if (hostIdle) {
        busy++;
        ring.push(io);
        if (!armed) return false;
        armed = false;
        engine.after(Math.max(1, Math.round(sample())), PRIO_DEVICE, () => hostCpu(hostRun));
        return true;
      }
      if (busy < p.queueDepth) start(io);
      else waiting.push(io);
      return false;
    },
    take() {
      if (cqHead >= cq.length) return undefined;
      const io = cq[cqHead++] as Io;
      // Compact now and then so the queue does not grow with the run.
      if (cqHead > 1024 && cqHead * 2 > cq.length) {
        cq.splice(0, cqHead);
        cqHead = 0;
      }
      return io;
    },
    handlerDone() {
      inHandler = false;
      maybeInterrupt();
    },
    inFlight: () => busy + waiting.length + pendingCount(),
  };
}
