import { describe, expect, it } from 'vitest';
import { createDevice, type HostVcpu, type VcpuState } from '../../src/sim/device.js';
import { createEngine } from '../../src/sim/engine.js';
import { defaultParams, type SimParams } from '../../src/sim/params.js';
import { createRng } from '../../src/stats/rng.js';
import type { Io } from '../../src/sim/types.js';
import { runToText, sha256 } from './helpers.js';

/**
 * kickWhen = host-idle: the device is a virtio host that asks for a notify only once it has posted
 * everything it took (EVENT_IDX), and serves every request queued by its run in one go. Its
 * interrupt enters when the vCPU enters guest mode: at once when the vCPU is out, at its next exit
 * when it runs guest code.
 */

const io = (id: number): Io => ({ id, deviceDone: false, tDevice: -1 }) as unknown as Io;

const PARAMS: SimParams = { ...defaultParams(), kickWhen: 'host-idle', serviceDist: 'fixed', serviceMedianNs: 10_000, irqDelayNs: 500, irqStealNs: 3000, hostTakeNs: 1000, irqCpu: 1 };

/** A host-idle device whose interrupt vCPU is in `state` (the test moves it). */
function host(state: { s: VcpuState }): { engine: ReturnType<typeof createEngine>; device: ReturnType<typeof createDevice>; irqs: [number, boolean][]; stalls: [number, number][] } {
  const engine = createEngine(0);
  const irqs: [number, boolean][] = [];
  const stalls: [number, number][] = [];
  const vcpu: HostVcpu = {
    state: () => state.s,
    stall: (ns, done) => {
      stalls.push([engine.now(), ns]);
      engine.after(ns, 0, done);
    },
  };
  const device = createDevice(engine, PARAMS, createRng(1, 'sfc32'), (wake) => irqs.push([engine.now(), wake]), vcpu, 1);
  return { engine, device, irqs, stalls };
}

describe('virtio host device (kickWhen host-idle)', () => {
  it('asks for a notify only when idle, and serves what was queued since in one run and one interrupt', () => {
    const { engine, device, irqs } = host({ s: 'out' });
    const a = io(1);
    const b = io(2);
    const c = io(3);
    expect(device.submit(a, 0)).toBe('trap');
    engine.run({ until: 4000 });
    expect(device.submit(b, 0)).toBe('none');
    engine.run({ until: 9999 });
    expect(a.deviceDone || b.deviceDone).toBe(false);
    engine.run({ until: 10_000 });
    expect(a.tDevice).toBe(10_000);
    expect(b.tDevice).toBe(10_000);
    // Posted and re-armed: the next submission notifies again, before the interrupt is handled.
    expect(device.submit(c, 0)).toBe('trap');
    engine.run({ until: 10_500 });
    expect(irqs).toEqual([[10_500, false]]);
    expect([device.take(), device.take(), device.take()]).toEqual([a, b, undefined]);
    device.handlerDone();
    engine.run();
    expect(c.tDevice).toBe(20_000);
    expect(irqs.map(([t]) => t)).toEqual([10_500, 20_500]);
  });

  it('an idle vCPU is woken for the interrupt', () => {
    const { engine, device, irqs } = host({ s: 'idle' });
    device.submit(io(1), 0);
    engine.run();
    expect(irqs).toEqual([[10_500, true]]);
  });

  it('holds the interrupt of a busy vCPU until its next notify, then stalls it and posts as it gives the CPU back', () => {
    const state: { s: VcpuState } = { s: 'busy' };
    const { engine, device, irqs, stalls } = host(state);
    const a = io(1);
    const e = io(2);
    expect(device.submit(a, 1)).toBe('trap');
    engine.run();
    expect(a.tDevice).toBe(10_000);
    expect(irqs).toEqual([]);
    // Later, the host having re-armed when it posted, this submission notifies, and its exit lets
    // the vCPU take the held interrupt on the way back in.
    engine.after(40_000, 0, () => expect(device.submit(e, 1)).toBe('release'));
    engine.run({ until: 50_500 });
    expect(irqs).toEqual([[50_500, false]]);
    expect(device.take()).toBe(a);
    device.handlerDone();
    // hostTakeNs after the re-entry the host holds the CPU for irqStealNs, serving what is queued.
    engine.run();
    expect(stalls).toEqual([[51_500, 3000]]);
    expect(e.tDevice).toBe(54_500);
    expect(irqs).toEqual([
      [50_500, false],
      [54_500, false],
    ]);
  });

  it('a vCPU that halts takes a held interrupt; a notify from another CPU does not release it', () => {
    const state: { s: VcpuState } = { s: 'busy' };
    const { engine, device, irqs, stalls } = host(state);
    device.submit(io(1), 1);
    engine.run();
    expect(device.submit(io(2), 0)).toBe('trap');
    engine.run({ until: 15_000 });
    expect(irqs).toEqual([]);
    engine.after(10_000, 0, () => device.vcpuHalted());
    engine.run({ until: 20_500 });
    expect(irqs).toEqual([[20_500, false]]);
    expect(stalls).toEqual([]);
  });

  it('runs deterministically and leaves the random-notify presets alone', async () => {
    const params = { ios: 2000, kickWhen: 'host-idle' as const, irqStealNs: 30_000, hostTakeNs: 7000, ksoftirqd: true };
    const a = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params });
    const b = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params });
    const r = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params: { ios: 2000 } });
    expect(sha256(a.text)).toBe(sha256(b.text));
    expect(sha256(a.text)).not.toBe(sha256(r.text));
    expect(a.figures.ios).toBe(2000);
    // The softirq left to ksoftirqd runs there.
    expect(a.text).toMatch(/ksoftirqd\/1-22 +\[001\] \.\.s\.\. +[\d.]+: softirq_entry: vec=4/);
  });
});
