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
 */

export interface Device {
  submit(io: Io): void;
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

export function createDevice(engine: Engine, p: SimParams, rng: Rng, raiseIrq: () => void): Device {
  const sample = serviceSampler(p, rng);
  const waiting: Io[] = [];
  const cq: Io[] = [];
  let cqHead = 0;
  let busy = 0;
  let irqScheduled = false;
  let inHandler = false;
  let coalesceTimer = false;

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
      engine.after(p.irqDelayNs, PRIO_IRQ, fire);
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
      if (busy < p.queueDepth) start(io);
      else waiting.push(io);
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
