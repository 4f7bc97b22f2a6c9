import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mean, quantileSorted } from 'simple-statistics';
import { summarizeSketch, type LatencySummary } from '../../src/stats/summary.js';
import { DEFAULT_RELATIVE_ACCURACY } from '../../src/stats/sketch.js';
import { sketchOf } from './helpers.js';

/** The exact summary the sketch's must approach: type-7 quantiles (R, numpy's default) of sorted values. */
function exact(values: number[], divideBy: number): LatencySummary {
  const xs = [...values].sort((a, b) => a - b);
  return {
    count: xs.length,
    mean: mean(xs) / divideBy,
    p50: quantileSorted(xs, 0.5) / divideBy,
    p90: quantileSorted(xs, 0.9) / divideBy,
    p99: quantileSorted(xs, 0.99) / divideBy,
    max: xs[xs.length - 1]! / divideBy,
  };
}

describe('summaries', () => {
  it('gives type-7 percentiles within the sketch accuracy', () => {
    // 1..100: p50 = 50.5, p90 = 90.1, p99 = 99.01 under linear interpolation.
    const s = summarizeSketch(sketchOf(Array.from({ length: 100 }, (_, i) => i + 1)));
    expect(s.count).toBe(100);
    expect(s.mean).toBe(50.5);
    expect(s.max).toBe(100);
    for (const [got, want] of [
      [s.p50, 50.5],
      [s.p90, 90.1],
      [s.p99, 99.01],
    ] as const) {
      expect(Math.abs(got - want)).toBeLessThanOrEqual(DEFAULT_RELATIVE_ACCURACY * want);
    }
  });

  it('converts units with divideBy; empty is count 0 and null elsewhere in JSON', () => {
    const s = summarizeSketch(sketchOf([1000, 3000]), { divideBy: 1000 });
    expect(s.count).toBe(2);
    expect(s.mean).toBe(2);
    expect(s.max).toBe(3);
    const empty = summarizeSketch(sketchOf([]));
    expect(JSON.parse(JSON.stringify(empty))).toEqual({ count: 0, mean: null, p50: null, p90: null, p99: null, max: null });
    expect(() => summarizeSketch(sketchOf([1]), { divideBy: 0 })).toThrow(RangeError);
  });

  it('agrees with the exact summary within the sketch accuracy', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 300 }), (values) => {
        const want = exact(values, 1000);
        const got = summarizeSketch(sketchOf(values), { divideBy: 1000 });
        expect(Object.keys(got)).toEqual(Object.keys(want));
        expect(got.count).toBe(want.count);
        expect(got.max).toBe(want.max);
        expect(got.mean).toBeCloseTo(want.mean, 6);
        for (const k of ['p50', 'p90', 'p99'] as const) expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(DEFAULT_RELATIVE_ACCURACY * want[k] * (1 + 1e-9));
      }),
    );
  });
});
