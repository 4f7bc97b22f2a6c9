import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { trapCutNs } from '../../../src/calibrate/estimate/costs-fio.js';

/**
 * Calibration's medians, service-time bins and whatif's percentiles are simple-statistics'
 * quantileSorted, which must stay the linear-interpolation definition (type 7: position (n−1)·p)
 * the calibrated models were made with; older releases used another rule.
 */
describe('the quantile calibration uses', () => {
  it('interpolates linearly between order statistics at (n − 1)·p', () => {
    const xs = [10, 20, 30, 40];
    expect(quantileSorted(xs, 0.25)).toBe(17.5);
    expect(quantileSorted(xs, 0.9)).toBeCloseTo(37, 12);
    expect(quantileSorted(xs, 0.5)).toBe(25);
    expect(quantileSorted([3, 999_999], 0.999)).toBeCloseTo(3 + 0.999 * (999_999 - 3), 6);
  });

  it('sets the notify trap cut at median + max(5 µs, 2·median), in any order of input', () => {
    expect(trapCutNs([400, 100, 300, 200])).toBe(250 + 5000);
    expect(trapCutNs([9000, 1000, 3000, 7000, 5000])).toBe(5000 + 10_000);
    expect(trapCutNs([])).toBe(5000);
  });
});
