import { PRIO_DEVICE, PRIO_IRQ, type Engine } from './engine.js';
import type { SimParams } from './params.js';
import type { Rng } from '../stats/rng.js';
import { empirical, exponential, fixed, lognormal, type Sampler } from './samplers.js';
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
 *
 * An interrupt is injected when the vCPU enters guest mode. A vCPU that is out (halted, exited on
 * its notify, or held by the host) takes it on its way back in; one that runs guest code keeps it
 * pending until its next exit (`held`): its next notify (the host re-armed when it posted, so the
 * submitter's next submission traps), or its halt. A notify that finds an interrupt held exits only
 * until the vCPU can re-enter with it (irqDelayNs); the host, woken by that notify, then takes the
 * vCPU's physical CPU hostTakeNs after the re-entry for irqStealNs (a stall the guest cannot see),
 * serves what is queued by the end of it and posts it as it gives the CPU back.
 */

/** What a submission's queue notify costs the guest (host-idle devices; `none` otherwise). */
export type Notify = 'none' | 'trap' | 'release';

export interface Device {
  /**
   * Queues a request from `cpu`. host-idle: `trap` when the guest must notify the host (a VM exit of
   * kickNs), `release` when that notify also lets the vCPU take an interrupt held for it (an exit of
   * irqDelayNs, see above), `none` when no notify is due.
   */
  submit(io: Io, cpu?: number): Notify;
  /** The interrupt vCPU halted (host-idle): an interrupt held for it enters now. */
  vcpuHalted(): void;
  /** Takes the next finished request, or undefined. Called by the interrupt handler. */
  take(): Io | undefined;
  /** The handler finished: re-arm the interrupt for completions that came after its last read. */
  handlerDone(): void;
  inFlight(): number;
}

function serviceSampler(p: SimParams, rng: Rng): Sampler {
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

/** Where the interrupt vCPU is, as the host sees it (host-idle devices). */
export type VcpuState = 'idle' | 'out' | 'busy';

export interface HostVcpu {
  /** The interrupt vCPU: halted, out (exited on its notify, or held by the host), or running guest code. */
  state(): VcpuState;
  /** The host holds the vCPU's physical CPU for `ns` (unseen by the guest), then calls `done`. */
  stall(ns: number, done: () => void): void;
}

/**
 * `raiseIrq(wake)`: deliver the interrupt; `wake` false when the vCPU takes it on an entry the
 * host already made (no idle wakeup). `vcpu` and `irqCpu` are used by host-idle devices only.
 */
export function createDevice(
  engine: Engine,
  p: SimParams,
  rng: Rng,
  raiseIrq: (wake: boolean) => void,
  vcpu: HostVcpu = { state: () => 'out', stall: (ns, done) => engine.after(ns, PRIO_DEVICE, done) },
  irqCpu = p.irqCpu,
): Device {
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

  /** Delay of the next interrupt: 0 when the host posts as it gives the vCPU's physical CPU back. */
  let irqDelay = p.irqDelayNs;
  /** The next interrupt enters on an entry the host made (no idle wakeup). */
  let irqWake = true;
  /** host-idle: completions posted while the interrupt vCPU ran guest code; their interrupt waits for its next exit. */
  let held = false;

  /** The host's run: post every request taken, re-arm the notify, interrupt the vCPU if it can take it. */
  function hostRun(fromStall: boolean): void {
    const batch = ring.splice(0);
    busy -= batch.length;
    for (const io of batch) {
      io.deviceDone = true;
      io.tDevice = engine.now();
      cq.push(io);
    }
    // The ring is empty now (the run is instantaneous): the host asks for the next notify.
    armed = true;
    const st = fromStall ? 'out' : vcpu.state();
    if (st === 'busy') {
      if (pendingCount() > 0 && !irqScheduled && !inHandler) held = true;
      return;
    }
    inject(fromStall ? 0 : p.irqDelayNs, st === 'idle' && !fromStall);
  }

  function inject(delay: number, wake: boolean): void {
    held = false;
    irqDelay = delay;
    irqWake = wake;
    maybeInterrupt();
    irqDelay = p.irqDelayNs;
    irqWake = true;
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

  function fire(wake: boolean): void {
    irqScheduled = false;
    if (pendingCount() === 0) return;
    inHandler = true;
    raiseIrq(wake);
  }

  function maybeInterrupt(): void {
    if (held || irqScheduled || inHandler || pendingCount() === 0) return;
    if (pendingCount() >= p.irqCoalesceCount || p.irqCoalesceNs === 0) {
      irqScheduled = true;
      const wake = irqWake;
      engine.after(irqDelay, PRIO_IRQ, () => fire(wake));
    } else if (!coalesceTimer) {
      coalesceTimer = true;
      engine.after(p.irqCoalesceNs, PRIO_IRQ, () => {
        coalesceTimer = false;
        if (!irqScheduled && !inHandler && pendingCount() > 0) {
          irqScheduled = true;
          engine.after(p.irqDelayNs, PRIO_IRQ, () => fire(true));
        }
      });
    }
  }

  return {
    submit(io, cpu) {
      if (hostIdle) {
        busy++;
        ring.push(io);
        if (!armed) return 'none';
        armed = false;
        if (held && cpu === irqCpu) {
          // The exit lets the vCPU take the held interrupt on its way back in; the host, woken by
          // this notify, takes the physical CPU a little later and posts as it gives it back.
          inject(p.irqDelayNs, false);
          engine.after(p.irqDelayNs + p.hostTakeNs, PRIO_DEVICE, () => vcpu.stall(p.irqStealNs, () => hostRun(true)));
          return 'release';
        }
        engine.after(Math.max(1, Math.round(sample())), PRIO_DEVICE, () => hostRun(false));
        return 'trap';
      }
      if (busy < p.queueDepth) start(io);
      else waiting.push(io);
      return 'none';
    },
    vcpuHalted() {
      if (held) inject(p.irqDelayNs, false);
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
      // The handler read everything posted so far (virtblk_done loops until the ring is empty).
      if (pendingCount() === 0) held = false;
      maybeInterrupt();
    },
    inFlight: () => busy + waiting.length + pendingCount(),
  };
}
