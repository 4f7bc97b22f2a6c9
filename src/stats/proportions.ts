import { DEFAULT_LEVEL, normalQuantile, twoSidedP } from './normal.js';

/**
 * Tests of a change in a proportion, for the completion-mode mix (e.g. kworker-deferred 96% → 0%).
 *
 * The pooled two-proportion z-test is the textbook test and equals Pearson's χ² on the 2×2 table
 * without Yates' correction (z² = χ²). When an expected cell count is below 5 its normal
 * approximation is unreliable, so `auto` switches to Fisher's exact test — which is also what a
 * mode that is absent on one side with few I/Os needs. The interval for the difference is
 * Newcombe's hybrid score interval (Newcombe 1998, method 10): it stays inside [−1, 1] and keeps
 * its coverage at 0% and 100%, where the Wald interval collapses to a point.
 */

/** `auto` takes Fisher's exact test when the smallest expected cell count is below this. */
export const FISHER_BELOW_EXPECTED = 5;

export interface ProportionTestOptions {
  method?: 'auto' | 'z' | 'fisher';
  /** Confidence level of `ci` (DEFAULT_LEVEL). */
  level?: number;
}

export interface ProportionTestResult {
  p1: number;
  p2: number;
  /** p2 − p1: positive when the proportion grew. */
  diff: number;
  /** Newcombe interval for p2 − p1 at `level`. */
  ci: [number, number];
  /** Pooled z statistic of p2 − p1 (0 when the pooled proportion is 0 or 1). */
  z: number;
  pValue: number;
  method: 'z' | 'fisher';
}

function checkCounts(x: number, n: number, name: string): void {
  if (!(Number.isInteger(x) && Number.isInteger(n) && n > 0 && x >= 0 && x <= n)) {
    throw new RangeError(`${name}: need integers 0 ≤ x ≤ n, n > 0 (got x=${x}, n=${n})`);
  }
}

/** Wilson score interval for x/n. */
export function wilsonInterval(x: number, n: number, level = DEFAULT_LEVEL): [number, number] {
  checkCounts(x, n, 'wilsonInterval');
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + z2n);
  // At x = 0 or x = n the formula lands on the bound up to rounding; pin it there.
  return [x === 0 ? 0 : Math.max(0, centre - half), x === n ? 1 : Math.min(1, centre + half)];
}

/**
 * Fisher's exact test for the 2×2 table [[x1, n1 − x1], [x2, n2 − x2]], two-sided: the total
 * probability of tables with the same margins that are no more likely than the observed one (R's
 * definition, with its 1e-7 relative tolerance for ties in probability). The hypergeometric weights
 * come from the ratio recurrence, normalised at the end, so no factorials overflow.
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): number {
  checkCounts(x1, n1, 'fisherExact');
  checkCounts(x2, n2, 'fisherExact');
  const col = x1 + x2;
  const lo = Math.max(0, col - n2);
  const hi = Math.min(n1, col);
  const w = new Float64Array(hi - lo + 1);
  // Start at the mode, where the weight is largest, so nothing overflows; walk out in both directions.
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n1 + 1) * (col + 1)) / (n1 + n2 + 2))));
  w[mode - lo] = 1;
  // P(a+1)/P(a) = (n1 − a)(col − a) / ((a + 1)(n2 − col + a + 1))
  for (let a = mode; a < hi; a++) w[a + 1 - lo] = (w[a - lo]! * (n1 - a) * (col - a)) / ((a + 1) * (n2 - col + a + 1));
  for (let a = mode; a > lo; a--) w[a - 1 - lo] = (w[a - lo]! * a * (n2 - col + a)) / ((n1 - a + 1) * (col - a + 1));
  let total = 0;
  for (const v of w) total += v;
  const observed = w[x1 - lo]!;
  let p = 0;
  for (const v of w) if (v <= observed * (1 + 1e-7)) p += v;
  return Math.min(1, p / total);
}

/** Two-proportion test of x1/n1 (before) against x2/n2 (after). */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number, options: ProportionTestOptions = {}): ProportionTestResult {
  checkCounts(x1, n1, 'twoProportionTest');
  checkCounts(x2, n2, 'twoProportionTest');
  const level = options.level ?? DEFAULT_LEVEL;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? (p2 - p1) / se : 0;
  const n = n1 + n2;
  const c1 = x1 + x2;
  const minExpected = Math.min(n1, n2) * Math.min(c1, n - c1) / n;
  const method = options.method === 'z' || options.method === 'fisher' ? options.method : minExpected < FISHER_BELOW_EXPECTED ? 'fisher' : 'z';
  const pValue = method === 'fisher' ? fisherExact(x1, n1, x2, n2) : se > 0 ? twoSidedP(z) : 1;
  return { p1, p2, diff: p2 - p1, ci: newcombeInterval(x1, n1, x2, n2, level), z, pValue, method };
}

/** Newcombe's hybrid score interval for p2 − p1 from the two Wilson intervals. */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, level = DEFAULT_LEVEL): [number, number] {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, level);
  const [l2, u2] = wilsonInterval(x2, n2, level);
  const d = p2 - p1;
  return [d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)];
}
