import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createReservoir, mergeSamples } from '../../src/stats/reservoir.js';

/** χ² statistic of observed inclusion counts against a uniform expectation. */
function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
}

describe('reservoir sample', () => {
  it('keeps everything while under capacity, then exactly capacity distinct items', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 500 }), fc.integer(), (cap, n, seed) => {
        const r = createReservoir<number>(cap, seed);
        for (let i = 0; i < n; i++) r.add(i);
        const s = r.sample();
        expect(r.seen).toBe(n);
        expect(s.length).toBe(Math.min(cap, n));
        expect(new Set(s).size).toBe(s.length);
        if (n <= cap) expect(s).toEqual(Array.from({ length: n }, (_, i) => i));
        for (const v of s) expect(v >= 0 && v < n).toBe(true);
      }),
    );
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const r = createReservoir<number>(100, seed);
      for (let i = 0; i < 100_000; i++) r.add(i);
      return r.sample();
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('includes every item with probability k/N (χ² over 4000 seeds)', () => {
    const n = 60;
    const k = 6;
    const runs = 4000;
    const hits = new Array(n).fill(0);
    for (let seed = 0; seed < runs; seed++) {
      const r = createReservoir<number>(k, seed);
      for (let i = 0; i < n; i++) r.add(i);
      for (const v of r.sample()) hits[v]++;
    }
    // χ²(59) at p = 0.001 is 95.75; inclusion counts are negatively correlated, which only lowers χ².
    expect(chiSquare(hits, (runs * k) / n)).toBeLessThan(95.75);
  });

  it('stays uniform on long streams (early, middle and late items equally likely)', () => {
    const n = 20_000;
    const k = 50;
    const thirds = [0, 0, 0];
    for (let seed = 0; seed < 300; seed++) {
      const r = createReservoir<number>(k, seed);
      for (let i = 0; i < n; i++) r.add(i);
      for (const v of r.sample()) thirds[Math.min(2, Math.floor((3 * v) / n))]! += 1;
    }
    expect(chiSquare(thirds, (300 * k) / 3)).toBeLessThan(13.8); // χ²(2) at p = 0.001
  });

  it('merges two reservoirs into a uniform sample of the union', () => {
    const hits = new Array(40).fill(0);
    const runs = 3000;
    for (let seed = 0; seed < runs; seed++) {
      // Stream A has 10 items (0–9), B has 30 (10–39): a fair merge must not favour A's items.
      const a = createReservoir<number>(5, `a${seed}`);
      const b = createReservoir<number>(5, `b${seed}`);
      for (let i = 0; i < 10; i++) a.add(i);
      for (let i = 10; i < 40; i++) b.add(i);
      const m = mergeSamples({ sample: a.sample(), seen: a.seen }, { sample: b.sample(), seen: b.seen }, seed);
      expect(m.length).toBe(5);
      for (const v of m) hits[v]++;
    }
    expect(chiSquare(hits, (runs * 5) / 40)).toBeLessThan(72.1); // χ²(39) at p = 0.001
  });

  it('merges a small stream whole', () => {
    const m = mergeSamples({ sample: [1, 2], seen: 2 }, { sample: [3], seen: 1 }, 1);
    expect(m.sort()).toEqual([1, 2, 3]);
  });
});
