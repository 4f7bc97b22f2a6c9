import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/sim/engine.js';
import { createRng } from '../../src/stats/rng.js';
import { empirical, exponential, lognormal } from '../../src/sim/samplers.js';

describe('engine', () => {
  it('orders by time, then priority, then scheduling order', () => {
    const e = createEngine();
    const log: string[] = [];
    e.schedule(20, 0, () => log.push('t20'));
    e.schedule(10, 2, () => log.push('t10p2a'));
    e.schedule(10, 1, () => log.push('t10p1'));
    e.schedule(10, 2, () => log.push('t10p2b'));
    e.schedule(5, 9, () => log.push('t5'));
    e.run();
    expect(log).toEqual(['t5', 't10p1', 't10p2a', 't10p2b', 't20']);
    expect(e.now()).toBe(20);
  });

  it('cancels, steps, stops at `until`, and refuses the past', () => {
    const e = createEngine();
    const log: number[] = [];
    const s = e.schedule(3, 0, () => log.push(3));
    e.schedule(1, 0, () => {
      log.push(1);
      e.after(1, 0, () => log.push(2));
    });
    e.schedule(50, 0, () => log.push(50));
    e.cancel(s);
    expect(e.step()).toBe(true);
    expect(log).toEqual([1]);
    e.run({ until: 10 });
    expect(log).toEqual([1, 2]);
    expect(() => e.schedule(0, 0, () => {})).toThrow();
    e.run();
    expect(log).toEqual([1, 2, 50]);
    expect(e.step()).toBe(false);
  });

  it('keeps heap order over many random insertions', () => {
    const e = createEngine();
    const rng = createRng(42, 'sfc32');
    const seen: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.int(1000);
      e.schedule(t, rng.int(3), () => seen.push(t));
    }
    e.run();
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

describe('samplers', () => {
  it('samplers have the requested centre', () => {
    const rng = createRng(1, 'sfc32');
    const n = 20000;
    const mean = (f: () => number): number => Array.from({ length: n }, f).reduce((s, x) => s + x, 0) / n;
    expect(mean(exponential(rng, 1000))).toBeGreaterThan(950);
    expect(mean(exponential(rng, 1000))).toBeLessThan(1050);
    const ln = lognormal(rng, 1000, 0.3);
    const xs = Array.from({ length: n }, ln).sort((a, b) => a - b);
    expect(xs[n / 2]).toBeGreaterThan(970);
    expect(xs[n / 2]).toBeLessThan(1030);
    const emp = empirical(rng, 0, [
      [10, 1],
      [20, 3],
    ]);
    const ys = Array.from({ length: n }, emp);
    expect(ys.every((y) => y >= 0 && y <= 20)).toBe(true);
    const high = ys.filter((y) => y > 10).length / n;
    expect(high).toBeGreaterThan(0.72);
    expect(high).toBeLessThan(0.78);
  });
});
