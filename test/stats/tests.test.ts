import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_EXACT_MAX_PRODUCT, exactUDistribution, hodgesLehmann, mannWhitneyU } from '../../src/stats/mann-whitney.js';
import { adjustBH } from '../../src/stats/multiple.js';
import { FISHER_BELOW_EXPECTED, fisherExact, newcombeInterval, twoProportionTest, wilsonInterval } from '../../src/stats/proportions.js';
import { createRng, randomExponential } from '../../src/stats/rng.js';

// Reference values: textbook examples, cross-checked with scipy.stats 1.17 (mannwhitneyu, fisher_exact,
// chi2_contingency, false_discovery_control) and R (wilcox.test, fisher.test, prop.test, p.adjust).

describe('Mann-Whitney U', () => {
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('matches the exact and asymptotic textbook p-values', () => {
    const exact = mannWhitneyU(males, females);
    expect(exact).toMatchObject({ u: 17, method: 'exact', ties: false });
    expect(exact.pValue).toBeCloseTo(0.1111111111111111, 12); // scipy method="exact"
    const normal = mannWhitneyU(males, females, { method: 'normal' });
    expect(normal.pValue).toBeCloseTo(0.11134688653314041, 6); // scipy "asymptotic", continuity-corrected
    // Hollander & Wolfe, the permeability data of R's wilcox.test example: W = 35, two-sided p = 0.2544.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const hw = mannWhitneyU(x, y);
    expect(hw.u).toBe(35);
    expect(hw.pValue).toBeCloseTo(0.2544122544122544, 12);
    expect(mannWhitneyU(x, y, { method: 'normal' }).pValue).toBeCloseTo(0.24462360512698333, 6);
  });

  it('corrects for ties in the normal approximation', () => {
    const a = [1, 2, 2, 3, 4, 5, 5, 5, 7, 9];
    const b = [2, 3, 3, 6, 7, 8, 9, 9, 10, 11, 12];
    const r = mannWhitneyU(a, b, { method: 'normal' });
    expect(r.u).toBe(26.5);
    expect(r.ties).toBe(true);
    expect(r.pValue).toBeCloseTo(0.04740382057290986, 6);
    expect(mannWhitneyU(a, b, { method: 'normal', continuity: false }).pValue).toBeCloseTo(0.04358301231269765, 6);
    // With ties and small samples `auto` uses permutations: Monte Carlo here (C(21, 10) > 10 000),
    // against the complete-enumeration value 0.044120 (352 716 splits).
    const perm = mannWhitneyU(a, b, { seed: 1, permutations: 20_000 });
    expect(perm.method).toBe('permutation');
    expect(Math.abs(perm.pValue - 0.04412048220097756)).toBeLessThan(0.006);
  });

  it('enumerates all splits when that is cheap', () => {
    // C(11, 4) = 330 splits; brute force gives 14/330.
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 3, 5, 6, 6, 7]);
    expect(r).toMatchObject({ method: 'permutation', u: 3 });
    expect(r.pValue).toBeCloseTo(0.04242424242424243, 12);
  });

  it('is deterministic for a seed and never runs an exact table it cannot afford', () => {
    const a = [1, 2, 2, 3, 4, 5, 5, 5, 7, 9];
    const b = [2, 3, 3, 6, 7, 8, 9, 9, 10, 11, 12];
    expect(mannWhitneyU(a, b, { seed: 3 }).pValue).toBe(mannWhitneyU(a, b, { seed: 3 }).pValue);
    const r = createRng(5);
    const big = Array.from({ length: 300 }, () => r.next());
    const other = Array.from({ length: 300 }, () => r.next());
    expect(mannWhitneyU(big, other, { method: 'exact' }).method).toBe('normal');
    expect(mannWhitneyU(big, other).method).toBe('normal');
    // auto: the exact table up to DEFAULT_EXACT_MAX_PRODUCT (no ties), the normal null above.
    const side = Math.floor(Math.sqrt(DEFAULT_EXACT_MAX_PRODUCT));
    expect(mannWhitneyU(big.slice(0, side), other.slice(0, side)).method).toBe('exact');
    expect(mannWhitneyU(big.slice(0, side + 1), other.slice(0, side + 1)).method).toBe('normal');
    expect(() => mannWhitneyU([], [1])).toThrow(/empty/);
    expect(() => mannWhitneyU([NaN], [1])).toThrow(/NaN/);
  });

  it('reports effect sizes signed as "y larger is positive"', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.u).toBe(0);
    expect(r.rankBiserial).toBe(1);
    expect(r.probabilityOfSuperiority).toBe(1);
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3]).rankBiserial).toBe(-1);
    const t = mannWhitneyU([1, 1], [1, 1]);
    expect(t).toMatchObject({ pValue: 1, rankBiserial: 0, z: 0 });
  });

  it('has an exact null distribution that sums to 1, is symmetric, and matches enumeration', () => {
    const d = exactUDistribution(4, 6);
    expect(d.length).toBe(25);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let u = 0; u < d.length; u++) expect(d[u]).toBeCloseTo(d[24 - u]!, 14);
    // Enumerate which 4 of 10 ranks belong to x: U = rank sum − 10.
    const counts = new Array(25).fill(0);
    for (let mask = 0; mask < 1 << 10; mask++) {
      let bits = 0;
      let sum = 0;
      for (let i = 0; i < 10; i++) {
        if (mask & (1 << i)) {
          bits++;
          sum += i + 1;
        }
      }
      if (bits === 4) counts[sum - 10]++;
    }
    counts.forEach((c, u) => expect(d[u]).toBeCloseTo(c / 210, 14));
  });

  it('U agrees with the pair-counting definition (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }), (x, y) => {
        let u = 0;
        for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
        const r = mannWhitneyU(x, y, { method: 'normal' });
        expect(r.u).toBe(u);
        expect(r.rankBiserial).toBeCloseTo(1 - (2 * u) / (x.length * y.length), 12);
      }),
    );
  });

  it('holds its level under the null and has power under a shift', () => {
    let falsePositives = 0;
    let detections = 0;
    const trials = 400;
    for (let seed = 0; seed < trials; seed++) {
      const r = createRng(seed);
      const x = Array.from({ length: 60 }, () => randomExponential(r, 100));
      const y = Array.from({ length: 60 }, () => randomExponential(r, 100));
      const z = Array.from({ length: 60 }, () => randomExponential(r, 180));
      if (mannWhitneyU(x, y).pValue < 0.05) falsePositives++;
      if (mannWhitneyU(x, z).pValue < 0.05) detections++;
    }
    expect(falsePositives / trials).toBeLessThan(0.075);
    expect(detections / trials).toBeGreaterThan(0.6);
  });
});

describe('Hodges–Lehmann shift', () => {
  it('equals the median of all pairwise differences (property, brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (x, y) => {
          const diffs = x.flatMap((a) => y.map((b) => b - a)).sort((a, b) => a - b);
          const m = diffs.length;
          const median = m % 2 ? diffs[(m - 1) / 2]! : (diffs[m / 2 - 1]! + diffs[m / 2]!) / 2;
          expect(hodgesLehmann(x, y)).toBe(median);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches the permeability example and recovers a known shift fast on large samples', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    expect(hodgesLehmann(x, y)).toBeCloseTo(-0.305, 12);
    const r = createRng(11);
    const a = Array.from({ length: 20_000 }, () => randomExponential(r, 100));
    const b = Array.from({ length: 20_000 }, () => 25 + randomExponential(r, 100));
    expect(Math.abs(hodgesLehmann(a, b) - 25)).toBeLessThan(3);
  });
});

describe('proportions', () => {
  it('z-test equals Pearson χ² without continuity correction', () => {
    const r = twoProportionTest(50, 100, 40, 100);
    expect(r.method).toBe('z');
    expect(r.z * r.z).toBeCloseTo(2.0202020202020203, 10);
    expect(r.pValue).toBeCloseTo(0.15521848968468005, 6);
    expect(r.diff).toBeCloseTo(-0.1, 12);
  });

  it("Fisher's exact test matches the tea-tasting and other references", () => {
    expect(fisherExact(3, 4, 1, 4)).toBeCloseTo(0.48571428571428565, 12);
    expect(fisherExact(8, 10, 1, 6)).toBeCloseTo(0.034965034965034975, 12);
    expect(fisherExact(0, 10, 5, 10)).toBeCloseTo(0.032507739938080496, 12);
    // auto switches to Fisher when the smallest expected count (smaller n × smaller column / N) is
    // below FISHER_BELOW_EXPECTED: 10·5/20 = 2.5, 19·10/39 ≈ 4.87, and 20·10/40 = 5 exactly.
    expect(FISHER_BELOW_EXPECTED).toBe(5);
    expect(twoProportionTest(0, 10, 5, 10).method).toBe('fisher');
    expect(twoProportionTest(0, 19, 10, 20).method).toBe('fisher');
    expect(twoProportionTest(0, 20, 10, 20).method).toBe('z');
  });

  it("Newcombe's interval matches his worked example (56/70 vs 48/80: 0.0524 to 0.3339)", () => {
    const [lo, hi] = newcombeInterval(48, 80, 56, 70);
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
    expect(wilsonInterval(0, 50)[0]).toBe(0);
    expect(wilsonInterval(50, 50)[1]).toBe(1);
  });

  it('detects a mode that vanished (96% → 0%) and stays inside [−1, 1]', () => {
    const r = twoProportionTest(9600, 10000, 0, 10000);
    expect(r.pValue).toBeLessThan(1e-10);
    expect(r.ci[0]).toBeGreaterThanOrEqual(-1);
    expect(r.ci[1]).toBeLessThan(-0.95);
    expect(twoProportionTest(0, 100, 0, 100).pValue).toBe(1);
  });

  it('Newcombe interval covers the true difference ≥ 93% of the time', () => {
    let covered = 0;
    const trials = 1000;
    const rng = createRng('newcombe');
    for (let t = 0; t < trials; t++) {
      let x1 = 0;
      let x2 = 0;
      for (let i = 0; i < 40; i++) x1 += rng.next() < 0.1 ? 1 : 0;
      for (let i = 0; i < 60; i++) x2 += rng.next() < 0.3 ? 1 : 0;
      const [lo, hi] = newcombeInterval(x1, 40, x2, 60);
      if (lo <= 0.2 && 0.2 <= hi) covered++;
    }
    expect(covered / trials).toBeGreaterThanOrEqual(0.93);
  });
});

describe('Benjamini–Hochberg', () => {
  it('matches p.adjust(p, "BH")', () => {
    const q = adjustBH([0.01, 0.04, 0.03, 0.005, 0.2, 0.5]);
    [0.03, 0.06, 0.06, 0.03, 0.24, 0.5].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
    for (const v of adjustBH([0.01, 0.02, 0.03, 0.04, 0.05])) expect(v).toBeCloseTo(0.05, 15);
    const withNaN = adjustBH([0.01, NaN, 0.04]);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[0]).toBeCloseTo(0.02, 12);
  });

  it('is monotone in p, never below p, never above 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), (p) => {
        const q = adjustBH(p);
        p.forEach((pi, i) => {
          expect(q[i]!).toBeGreaterThanOrEqual(pi);
          expect(q[i]!).toBeLessThanOrEqual(1);
          p.forEach((pj, j) => {
            if (pi < pj) expect(q[i]!).toBeLessThanOrEqual(q[j]!);
          });
        });
      }),
    );
  });
});
