import { describe, expect, it } from 'vitest';
import { createDevice } from '../../src/sim/device.js';
import { createEngine } from '../../src/sim/engine.js';
import { defaultParams, type SimParams } from '../../src/sim/params.js';
import { createRng } from '../../src/sim/rng.js';
import type { Io } from '../../src/sim/types.js';
import { runToText, sha256 } from './helpers.js';

/**
 * kickWhen = host-idle: the device is a virtio host that asks for a notify only once it has posted
 * everything it took (EVENT_IDX), and serves every request queued by its run in one go.
 */

const io = (id: number): Io => ({ id, deviceDone: false, tDevice: -1 }) as unknown as Io;

/** A host-idle device whose interrupt vCPU is always out (the host posts at once). */
function host(): { engine: ReturnType<typeof createEngine>; device: ReturnType<typeof createDevice>; irqs: number[] } {
  const p: SimParams = { ...defaultParams(), kickWhen: 'host-idle', serviceDist: 'fixed', serviceMedianNs: 10_000, irqDelayNs: 500 };
  const engine = createEngine(0);
  const irqs: number[] = [];
  const device = createDevice(engine, p, createRng(1), () => irqs.push(engine.now()), (run) => run(false));
  return { engine, device, irqs };
}

describe('virtio host device (kickWhen host-idle)', () => {
  it('asks for a notify only when idle, and serves what was queued since in one run and one interrupt', () => {
    const { engine, device, irqs } = host();
    const a = io(1);
    const b = io(2);
    const c = io(3);
    expect(device.submit(a)).toBe(true);
    engine.run({ until: 4000 });
    expect(device.submit(b)).toBe(false);
    engine.run({ until: 9999 });
    expect(a.deviceDone || b.deviceDone).toBe(false);
    engine.run({ until: 10_000 });
    expect(a.tDevice).toBe(10_000);
    expect(b.tDevice).toBe(10_000);
    // Posted and re-armed: the next submission notifies again, before the interrupt is handled.
    expect(device.submit(c)).toBe(true);
    engine.run({ until: 10_500 });
    expect(irqs).toEqual([10_500]);
    expect([device.take(), device.take(), device.take()]).toEqual([a, b, undefined]);
    device.handlerDone();
    engine.run();
    expect(c.tDevice).toBe(20_000);
    expect(irqs).toEqual([10_500, 20_500]);
  });

  it('posts from the interrupt vCPU\'s own physical CPU with no interrupt delay', () => {
    const p: SimParams = { ...defaultParams(), kickWhen: 'host-idle', serviceDist: 'fixed', serviceMedianNs: 10_000, irqDelayNs: 500 };
    const engine = createEngine(0);
    const irqs: number[] = [];
    const device = createDevice(engine, p, createRng(1), () => irqs.push(engine.now()), (run) => engine.after(3000, 0, () => run(true)));
    device.submit(io(1));
    engine.run();
    expect(irqs).toEqual([13_000]);
  });

  it('runs deterministically and leaves the random-notify presets alone', async () => {
    const a = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params: { ios: 2000, kickWhen: 'host-idle' } });
    const b = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params: { ios: 2000, kickWhen: 'host-idle' } });
    const r = await runToText({ preset: 'vm-cpu1', seed: 5, format: 'ftrace', params: { ios: 2000 } });
    expect(sha256(a.text)).toBe(sha256(b.text));
    expect(sha256(a.text)).not.toBe(sha256(r.text));
    expect(a.figures.ios).toBe(2000);
  });
});
