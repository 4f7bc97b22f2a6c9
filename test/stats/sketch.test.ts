import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { createRng } from '../../src/stats/rng.js';
import { createSketch, type QuantileSketch } from '../../src/stats/sketch.js';
import { sketchFromJSON } from '../../src/stats/sketch-json.js';
import { sketchOf } from './helpers.js';

const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** Latency-like integer nanoseconds: zeros, tiny values, and log-uniform values up to ~17 minutes. */
const latency = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 7, arbitrary: fc.double({ min: 0, max: 30, noNaN: true }).map((e) => Math.round(Math.exp(e))) },
);

/** Largest |estimate − exact| / exact over `qs` (exact values of 0 must be met exactly). */
function worstRelativeError(sketch: QuantileSketch, values: number[], qs: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const est = sketch.quantiles(qs);
  let worst = 0;
  qs.forEach((q, i) => {
    const exact = quantileSorted(sorted, q);
    const err = Math.abs(est[i]! - exact);
    worst = Math.max(worst, exact === 0 ? (err === 0 ? 0 : Infinity) : err / exact);
  });
  return worst;
}

describe('quantile sketch', () => {
  it('is within the relative accuracy of the exact type-7 quantile (property, several α)', () => {
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0.001, 0.005, 0.02),
        // Arbitrary q in steps of 1e-9 (denormal q would only test floating-point underflow).
        fc.array(fc.integer({ min: 0, max: 1e9 }).map((i) => i / 1e9), { maxLength: 5 }),
        (values, alpha, extraQs) => {
          const s = sketchOf(values, { relativeAccuracy: alpha });
          // 1e-12 absorbs floating-point rounding at bucket boundaries, nothing more.
          expect(worstRelativeError(s, values, [...QS, ...extraQs])).toBeLessThanOrEqual(alpha * (1 + 1e-9) + 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the bound on 200 000 skewed latencies at every 0.1% quantile', () => {
    const r = createRng('lognormal');
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Lognormal around 20 µs plus a 1% tail around 5 ms: the shape of device + deferral latency.
      const z = Math.sqrt(-2 * Math.log(r.next())) * Math.cos(2 * Math.PI * r.next());
      values.push(Math.round(r.next() < 0.01 ? 5e6 * Math.exp(0.5 * z) : 2e4 * Math.exp(0.7 * z)));
    }
    const s = sketchOf(values);
    const qs = Array.from({ length: 1001 }, (_, i) => i / 1000);
    const worst = worstRelativeError(s, values, qs);
    expect(worst).toBeLessThanOrEqual(0.005 * (1 + 1e-9));
    expect(worst).toBeGreaterThan(0.001); // the bound is tight-ish, not vacuous
  });

  it('tracks count, sum, mean, min and max exactly', () => {
    fc.assert(
      fc.property(fc.array(latency, { minLength: 1, maxLength: 200 }), (values) => {
        const s = sketchOf(values);
        const sum = values.reduce((a, b) => a + b, 0);
        expect(s.count).toBe(values.length);
        expect(s.sum).toBe(sum);
        expect(s.mean).toBe(sum / values.length);
        expect(s.min).toBe(Math.min(...values));
        expect(s.max).toBe(Math.max(...values));
        expect(s.quantile(0)).toBe(s.min);
        expect(s.quantile(1)).toBe(s.max);
      }),
    );
  });

  it('merging sketches equals sketching the union, in any order', () => {
    fc.assert(
      fc.property(fc.array(latency), fc.array(latency), fc.array(latency), (a, b, c) => {
        const union = sketchOf([...a, ...b, ...c]).toJSON();
        const ab = sketchOf(a);
        ab.merge(sketchOf(b));
        ab.merge(sketchOf(c));
        const cb = sketchOf(c);
        cb.merge(sketchOf(b));
        cb.merge(sketchOf(a));
        expect(ab.toJSON()).toEqual(union);
        expect(cb.toJSON()).toEqual(union);
      }),
    );
  });

  it('clones independently and merges with itself as doubling', () => {
    const s = sketchOf([5, 50, 500]);
    const c = s.clone();
    c.add(5000);
    expect(s.count).toBe(3);
    s.merge(s);
    expect(s.toJSON()).toEqual(sketchOf([5, 50, 500, 5, 50, 500]).toJSON());
  });

  it('round-trips through JSON and keeps working after', () => {
    fc.assert(
      fc.property(fc.array(latency), fc.array(latency), (a, b) => {
        const s = sketchOf(a);
        const restored = sketchFromJSON(JSON.parse(JSON.stringify(s)));
        expect(restored.toJSON()).toEqual(s.toJSON());
        expect(restored.quantiles(QS)).toEqual(s.quantiles(QS));
        for (const v of b) restored.add(v);
        expect(restored.toJSON()).toEqual(sketchOf([...a, ...b]).toJSON());
      }),
    );
  });

  it('uses bounded memory whatever the count', () => {
    const s = createSketch();
    const r = createRng(9);
    // One million values spread over the whole trackable range (1 ns … 2^53 ns).
    for (let i = 0; i < 1_000_000; i++) s.add(Math.exp(r.next() * Math.log(2 ** 53)));
    expect(s.bucketCapacity).toBeLessThanOrEqual(3675);
    expect(JSON.stringify(s).length).toBeLessThan(40_000);
    // A realistic 1 µs … 100 ms spread needs far fewer.
    const t = createSketch();
    for (let i = 0; i < 200_000; i++) t.add(1e3 * Math.exp(r.next() * Math.log(1e5)));
    expect(t.bucketCapacity).toBeLessThanOrEqual(2 * 1160);
  });

  it('handles empty sketches, zeros, rejected and saturated values', () => {
    const e = createSketch();
    expect(e.quantile(0.5)).toBeNaN();
    expect(e.mean).toBeNaN();
    expect(e.toJSON()).toMatchObject({ count: 0, min: null, max: null, counts: [] });
    expect(sketchFromJSON(JSON.parse(JSON.stringify(e))).count).toBe(0);

    const s = createSketch({ maxTrackable: 1e6 });
    for (const v of [0, 0, -1, NaN, Infinity, 5, 1e9]) s.add(v);
    expect(s.count).toBe(4);
    expect(s.rejected).toBe(3);
    expect(s.saturated).toBe(1);
    expect(s.quantile(0.25)).toBe(0);
    expect(s.max).toBe(1e9);
    expect(s.quantile(1.5)).toBeNaN();

    const w = createSketch();
    w.add(100, 3);
    expect(w.count).toBe(3);
    expect(w.sum).toBe(300);
    expect(() => w.add(1, 1.5)).toThrow(RangeError);
  });

  it('refuses to merge different parameters and to load inconsistent JSON', () => {
    expect(() => createSketch().merge(createSketch({ relativeAccuracy: 0.01 }))).toThrow(/different parameters/);
    const j = sketchOf([1, 2, 3]).toJSON();
    expect(() => sketchFromJSON({ ...j, count: 4 })).toThrow(/add up/);
    expect(() => sketchFromJSON({ ...j, schema: 'x' })).toThrow(/schema/);
    expect(() => sketchFromJSON({ ...j, offset: -1e9 })).toThrow(/out of range/);
  });

  it('lists bins whose counts add up and whose values lie inside them', () => {
    const s = sketchOf([0, 1, 2, 3, 1000, 1001, 5e6]);
    const bins = s.bins();
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(7);
    for (const b of bins.slice(1)) expect(b.value > b.lower && b.value <= b.upper).toBe(true);
  });
});
