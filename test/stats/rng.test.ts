import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, deriveSeed, randomNormal, type Rng } from '../../src/stats/rng.js';
import { randomPoisson } from './helpers.js';

describe('rng', () => {
  // Recorded from the generators as they were when compare and simulate first published results:
  // a change here changes every bootstrap interval or every simulated trace for a seed.
  it('draws the recorded streams (xoshiro128** for statistics, sfc32 for the simulator)', () => {
    const draw = (r: Rng, n: number) => Array.from({ length: n }, () => r.uint32());
    expect(draw(createRng(7), 4)).toEqual([528176053, 1971517529, 2518844666, 2215595902]);
    expect(draw(createRng(7).fork('rate', 'before'), 3)).toEqual([2658661283, 1544699345, 417416774]);
    expect(draw(createRng(deriveSeed(7, 'rate', 'before')), 3)).toEqual([2658661283, 1544699345, 417416774]);
    expect(draw(createRng('iopath'), 2)).toEqual([2579367635, 2278788876]);
    expect(draw(createRng(7, 'sfc32'), 4)).toEqual([3608620773, 3954924856, 2830318352, 2256514248]);
    expect(draw(createRng(7, 'sfc32').fork('device'), 3)).toEqual([4042506873, 3121561165, 399826953]);
    // sfc32's next() is its uint32 over 2^32 (so it may be 0); int(n) scales it.
    const a = createRng(7, 'sfc32');
    expect(a.next()).toBe(3608620773 / 2 ** 32);
    expect(a.int(1000)).toBe(Math.floor((3954924856 / 2 ** 32) * 1000));
  });

  it('forks streams that do not depend on what the parent drew', () => {
    for (const algorithm of ['xoshiro128**', 'sfc32'] as const) {
      const fresh = createRng(11, algorithm).fork('x').uint32();
      const used = createRng(11, algorithm);
      for (let i = 0; i < 10; i++) used.uint32();
      expect(used.fork('x').uint32()).toBe(fresh);
      expect(createRng(11, algorithm).fork('y').uint32()).not.toBe(fresh);
      expect(createRng(12, algorithm).fork('x').uint32()).not.toBe(fresh);
      const xs = Array.from({ length: 1000 }, createRng(11, algorithm).next);
      expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (let i = 0; i < 20; i++) expect(a.uint32()).toBe(b.uint32());
      }),
    );
    const draws = (seed: number) => Array.from({ length: 8 }, createRng(seed).uint32);
    expect(draws(1)).not.toEqual(draws(2));
    // Seeds beyond 2^32 must not alias their low 32 bits.
    expect(draws(2 ** 32 + 5)).not.toEqual(draws(5));
  });

  it('keeps next() strictly inside (0, 1) and int(n) inside [0, n)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const r = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const u = r.next();
          expect(u).toBeGreaterThan(0);
          expect(u).toBeLessThan(1);
          const k = r.int(n);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
  });

  it('draws int(n) uniformly (chi-square, 6 cells)', () => {
    const r = createRng('uniformity');
    const cells = new Array(6).fill(0);
    const draws = 60_000;
    for (let i = 0; i < draws; i++) cells[r.int(6)]++;
    const e = draws / 6;
    const chi2 = cells.reduce((a, c) => a + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(20.5); // χ²(5) at p = 0.001
  });

  it('derives stable, distinct sub-seeds', () => {
    expect(deriveSeed(7, 'before')).toBe(deriveSeed(7, 'before'));
    expect(deriveSeed(7, 'before')).not.toBe(deriveSeed(7, 'after'));
    expect(deriveSeed(7, 'a', 'b')).not.toBe(deriveSeed(7, 'b', 'a'));
  });

  it('generates normal and Poisson deviates with the right moments', () => {
    const r = createRng(3);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = randomNormal(r);
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    let p = 0;
    for (let i = 0; i < n; i++) p += randomPoisson(r, 4);
    expect(Math.abs(p / n - 4)).toBeLessThan(0.05);
  });
});
