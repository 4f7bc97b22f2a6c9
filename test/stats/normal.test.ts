import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalQuantile, normalSf, twoSidedP } from '../../src/stats/normal.js';

// Reference values: scipy.stats.norm (ppf, sf, cdf).
describe('normal distribution', () => {
  it('matches reference values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 7);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 8);
    expect(normalSf(3)).toBeCloseTo(0.0013498980316300933, 9);
    // Tail digits survive (a 4-digit table would say 0).
    expect(normalSf(5) / 2.866515718791933e-7).toBeCloseTo(1, 5);
    expect(twoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 7);
  });

  it('quantile inverts the cdf (P(Z ≤ z) = normalSf(−z))', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(Math.abs(normalSf(-normalQuantile(p)) - p)).toBeLessThan(2e-7 * Math.min(p, 1 - p) + 1e-15);
      }),
    );
  });
});
