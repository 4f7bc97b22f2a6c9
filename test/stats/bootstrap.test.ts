import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { bootstrapQuantileDiffs } from '../../src/stats/bootstrap.js';
import { normalQuantile } from '../../src/stats/normal.js';
import { createRng, randomNormal, type Rng } from '../../src/stats/rng.js';

const lognormal = (rng: Rng, median: number, sigma: number): number => median * Math.exp(sigma * randomNormal(rng));

describe('bootstrap of quantile differences', () => {
  it('reports exact quantiles and is deterministic for a seed', () => {
    const r = createRng(1);
    const a = Array.from({ length: 500 }, () => lognormal(r, 100, 0.5));
    const b = Array.from({ length: 400 }, () => lognormal(r, 130, 0.5));
    const res = bootstrapQuantileDiffs(a, b, [0.99, 0.5], { seed: 7, resamples: 500 });
    const sa = a.slice().sort((x, y) => x - y);
    const sb = b.slice().sort((x, y) => x - y);
    expect(res.map((d) => d.q)).toEqual([0.99, 0.5]);
    expect(res[1]!.before).toBe(quantileSorted(sa, 0.5));
    expect(res[1]!.after).toBe(quantileSorted(sb, 0.5));
    expect(res[1]!.diff).toBe(res[1]!.after - res[1]!.before);
    expect(res[1]!.significant).toBe(true);
    expect(bootstrapQuantileDiffs(a, b, [0.99, 0.5], { seed: 7, resamples: 500 })).toEqual(res);
    expect(bootstrapQuantileDiffs(a, b, [0.99, 0.5], { seed: 8, resamples: 500 })[1]!.ci).not.toEqual(res[1]!.ci);
  });

  it('is shift-equivariant and antisymmetric (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer(),
        (a, b, shift, seed) => {
          const base = bootstrapQuantileDiffs(a, b, [0.5, 0.9], { seed, resamples: 50 });
          const moved = bootstrapQuantileDiffs(a, b.map((v) => v + shift), [0.5, 0.9], { seed, resamples: 50 });
          base.forEach((d, i) => {
            expect(d.ci[0]).toBeLessThanOrEqual(d.ci[1]);
            expect(moved[i]!.diff).toBeCloseTo(d.diff + shift, 9);
            expect(moved[i]!.ci[0]).toBeCloseTo(d.ci[0] + shift, 9);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('covers the true p50 and p90 differences ≥ 93% of the time and rarely flags the null', () => {
    // Lognormal latencies, median 100 vs 110 µs, σ = 0.5: true differences 10 (p50) and 10·e^(0.5·z0.9) (p90).
    const trueP90 = 10 * Math.exp(0.5 * normalQuantile(0.9));
    const sims = 200;
    let c50 = 0;
    let c90 = 0;
    let nullFlags = 0;
    for (let k = 0; k < sims; k++) {
      const r = createRng(`qdiff${k}`);
      const a = Array.from({ length: 300 }, () => lognormal(r, 100, 0.5));
      const b = Array.from({ length: 300 }, () => lognormal(r, 110, 0.5));
      const c = Array.from({ length: 300 }, () => lognormal(r, 100, 0.5));
      const [d50, d90] = bootstrapQuantileDiffs(a, b, [0.5, 0.9], { seed: k, resamples: 300 });
      if (d50!.ci[0] <= 10 && 10 <= d50!.ci[1]) c50++;
      if (d90!.ci[0] <= trueP90 && trueP90 <= d90!.ci[1]) c90++;
      if (bootstrapQuantileDiffs(a, c, [0.5], { seed: k, resamples: 300 })[0]!.significant) nullFlags++;
    }
    expect(c50 / sims).toBeGreaterThanOrEqual(0.93);
    expect(c90 / sims).toBeGreaterThanOrEqual(0.93);
    expect(nullFlags / sims).toBeLessThanOrEqual(0.07);
  });

  it('returns NaN rather than inventing numbers for an empty side', () => {
    const [d] = bootstrapQuantileDiffs([], [1, 2], [0.5], { seed: 1 });
    expect(d!.diff).toBeNaN();
    expect(d!.significant).toBe(false);
  });
});
