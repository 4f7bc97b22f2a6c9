import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLatencyTable, latencyTableFromJSON, sketchOf, summarize, summarizeSketch } from '../../src/stats/index.js';

describe('summaries', () => {
  it('summarize gives exact type-7 values', () => {
    // 1..100: p50 = 50.5, p90 = 90.1, p99 = 99.01 under linear interpolation (R type 7, numpy default).
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.count).toBe(100);
    expect(s.mean).toBe(50.5);
    expect(s.p50).toBeCloseTo(50.5, 12);
    expect(s.p90).toBeCloseTo(90.1, 12);
    expect(s.p99).toBeCloseTo(99.01, 12);
    expect(s.max).toBe(100);
  });

  it('converts units with divideBy and skips non-finite values', () => {
    const s = summarize([1000, 3000, NaN, Infinity], { divideBy: 1000 });
    expect(s).toEqual({ count: 2, mean: 2, p50: 2, p90: 2.8, p99: 2.98, max: 3 });
    expect(summarize([])).toMatchObject({ count: 0 });
    expect(JSON.parse(JSON.stringify(summarize([])))).toEqual({ count: 0, mean: null, p50: null, p90: null, p99: null, max: null });
  });

  it('summarizeSketch has the same shape and agrees within the sketch accuracy', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 300 }), (values) => {
        const exact = summarize(values, { divideBy: 1000 });
        const approx = summarizeSketch(sketchOf(values), { divideBy: 1000 });
        expect(Object.keys(approx)).toEqual(Object.keys(exact));
        expect(approx.count).toBe(exact.count);
        expect(approx.max).toBe(exact.max);
        expect(approx.mean).toBeCloseTo(exact.mean, 6);
        for (const k of ['p50', 'p90', 'p99'] as const) expect(Math.abs(approx[k] - exact[k])).toBeLessThanOrEqual(0.005 * exact[k] * (1 + 1e-9));
      }),
    );
  });
});

describe('latency table', () => {
  it('keeps a sketch and a bounded sample per key, deterministically', () => {
    const build = () => {
      const t = createLatencyTable({ sampleSize: 100, seed: 5 });
      for (let i = 0; i < 5000; i++) {
        t.add('kworker-deferred/total', 20_000 + (i % 97) * 100);
        if (i % 2) t.add('irq-inline/total', 10_000 + i);
      }
      return t;
    };
    const t = build();
    expect(t.keys()).toEqual(['kworker-deferred/total', 'irq-inline/total']);
    const e = t.get('irq-inline/total')!;
    expect(e.sketch.count).toBe(2500);
    expect(e.sample.length).toBe(100);
    expect(e.seen).toBe(2500);
    expect(build().get('irq-inline/total')!.sample).toEqual(e.sample);
    expect(t.summaries({ divideBy: 1000 })['irq-inline/total']!.max).toBeCloseTo(14.999, 9);
  });

  it("a key's sample does not depend on the other keys", () => {
    const a = createLatencyTable({ sampleSize: 10, seed: 1 });
    const b = createLatencyTable({ sampleSize: 10, seed: 1 });
    for (let i = 0; i < 1000; i++) {
      a.add('x', i);
      b.add('other', i);
      b.add('x', i);
    }
    expect(a.get('x')!.sample).toEqual(b.get('x')!.sample);
  });

  it('saves and restores sketches and (optionally) samples', () => {
    const t = createLatencyTable({ sampleSize: 50, seed: 2 });
    for (let i = 1; i <= 1000; i++) t.add('p', i * 1000);
    const bare = JSON.parse(JSON.stringify(t.toJSON()));
    expect(bare.entries.p.sample).toBeUndefined();
    const saved = JSON.parse(JSON.stringify(t.toJSON({ samples: true })));
    const r = latencyTableFromJSON(saved);
    expect(r.summaries()).toEqual(t.summaries());
    expect(r.get('p')!.sample).toEqual(t.get('p')!.sample);
    expect(r.get('p')!.seen).toBe(1000);
    expect(() => r.add('p', 1)).toThrow(/read-only/);
    expect(() => latencyTableFromJSON({ schema: 'nope' })).toThrow();
  });
});
