import { createRng, type Seed } from './rng.js';
import { twoSidedP } from './normal.js';

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, with effect sizes.
 *
 * Why a rank test: latencies are skewed and heavy-tailed, so a t-test's normality assumption fails
 * exactly where regressions hide; a rank test only asks whether values from one trace tend to be
 * larger than values from the other. Convention: `x` is the reference (before), `y` the candidate
 * (after). `u` is x's statistic as R (`W`) and scipy report it; effect sizes are signed so that a
 * positive value means y tends to be larger (the change made things slower).
 *
 * p-values:
 *  - exact: no ties and n1·n2 ≤ exactMaxProduct; the null distribution of U by the classic
 *    recursion, in probabilities (no factorial overflow).
 *  - permutation: ties and small samples (where the normal approximation is poor and the exact
 *    table assumes no ties); complete enumeration when C(n, n1) ≤ `permutations`, otherwise a seeded
 *    Monte Carlo estimate (b + 1)/(R + 1), which is never 0 and keeps the test's level.
 *  - normal: otherwise; tie-corrected variance and a 0.5 continuity correction (R's and scipy's
 *    defaults, so their values can be compared digit for digit).
 */

export type MannWhitneyMethod = 'exact' | 'normal' | 'permutation';

/** Largest n1·n2 for which an explicitly requested exact test is honoured (~0.1 s). */
const EXACT_HARD_LIMIT = 20_000;

/** `auto` uses the exact (no ties) or permutation (ties) null up to this n1·n2, the normal one above. */
export const DEFAULT_EXACT_MAX_PRODUCT = 2500;

/** Permutations of the permutation null: its p-value's standard error is at most 0.005. */
export const DEFAULT_PERMUTATIONS = 10_000;

export interface MannWhitneyOptions {
  method?: 'auto' | MannWhitneyMethod;
  /** Continuity correction of the normal approximation (default true). */
  continuity?: boolean;
  /** `auto` uses the exact or permutation null when n1·n2 is at most this (DEFAULT_EXACT_MAX_PRODUCT). */
  exactMaxProduct?: number;
  /** Permutations for the permutation method (DEFAULT_PERMUTATIONS). */
  permutations?: number;
  seed?: Seed;
}

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of x: pairs with x > y plus half the tied pairs (R's W, scipy's statistic). */
  u: number;
  /** (U − n1·n2/2)/σ with the corrections in use; 0 when every value is tied. */
  z: number;
  pValue: number;
  method: MannWhitneyMethod;
  /** Whether any value occurs more than once in the pooled sample. */
  ties: boolean;
  /** P(Y > X) − P(Y < X) ∈ [−1, 1]: the rank-biserial correlation, which equals Cliff's δ of y versus x. */
  rankBiserial: number;
  /** P(Y > X) + ½·P(Y = X): the probability that a random y exceeds a random x (the AUC). */
  probabilityOfSuperiority: number;
}

interface Ranked {
  n1: number;
  n2: number;
  /** Rank sum of x, with midranks for ties. */
  rankSumX: number;
  /** Σ(t³ − t) over tie groups. */
  tieTerm: number;
  /** Midranks of the pooled sample (for permutations). */
  ranks: Float64Array;
}

function sortedCopy(v: ArrayLike<number>, name: string): Float64Array {
  const out = Float64Array.from(v);
  if (out.length === 0) throw new RangeError(`mannWhitneyU: ${name} is empty`);
  if (out.some(Number.isNaN)) throw new RangeError(`mannWhitneyU: ${name} contains NaN`);
  return out.sort();
}

/** Ranks by merging the two sorted samples: O(n log n) with native typed-array sorts, no index objects. */
function rank(x: ArrayLike<number>, y: ArrayLike<number>): Ranked {
  const xs = sortedCopy(x, 'x');
  const ys = sortedCopy(y, 'y');
  const n1 = xs.length;
  const n2 = ys.length;
  const ranks = new Float64Array(n1 + n2);
  let i = 0;
  let j = 0;
  let done = 0;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    let cx = 0;
    let cy = 0;
    while (i < n1 && xs[i] === v) {
      i++;
      cx++;
    }
    while (j < n2 && ys[j] === v) {
      j++;
      cy++;
    }
    const t = cx + cy;
    const mid = done + (t + 1) / 2;
    ranks.fill(mid, done, done + t);
    rankSumX += cx * mid;
    tieTerm += t * t * t - t;
    done += t;
  }
  return { n1, n2, rankSumX, tieTerm, ranks };
}

/**
 * P(U = u) for u = 0 … n1·n2 under the null without ties. The largest pooled value comes from x
 * with probability n1/(n1+n2) and then beats all n2 y's, hence
 * p(u; m, n) = m/(m+n)·p(u − n; m − 1, n) + n/(m+n)·p(u; m, n − 1). Rows over m, O(n1²·n2²/4) time.
 */
export function exactUDistribution(n1: number, n2: number): Float64Array {
  let prev: Float64Array[] = Array.from({ length: n2 + 1 }, () => Float64Array.of(1));
  for (let m = 1; m <= n1; m++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let n = 1; n <= n2; n++) {
      const p = new Float64Array(m * n + 1);
      const fromX = prev[n]!; // (m − 1, n): shifted by n
      const fromY = cur[n - 1]!; // (m, n − 1)
      const wx = m / (m + n);
      const wy = n / (m + n);
      for (let u = 0; u < fromX.length; u++) p[u + n]! += wx * fromX[u]!;
      for (let u = 0; u < fromY.length; u++) p[u]! += wy * fromY[u]!;
      cur.push(p);
    }
    prev = cur;
  }
  return prev[n2]!;
}

/** C(n, k) as a float, stopping early once it exceeds `cap` (we only need to know whether it is small). */
function binomialCapped(n: number, k: number, cap: number): number {
  let c = 1;
  for (let i = 0; i < Math.min(k, n - k); i++) {
    c = (c * (n - i)) / (i + 1);
    if (c > cap) return Infinity;
  }
  return Math.round(c);
}

function permutationP(r: Ranked, uObs: number, permutations: number, seed: Seed): number {
  const { n1, n2, ranks } = r;
  const n = n1 + n2;
  const base = (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  // Float rank sums of midranks are multiples of 0.5; the tolerance absorbs rounding only.
  const extreme = (u: number): boolean => Math.abs(u - mu) >= Math.abs(uObs - mu) - 1e-9;
  const total = binomialCapped(n, n1, permutations);
  if (total !== Infinity) {
    let hits = 0;
    const walk = (start: number, left: number, sum: number): void => {
      if (left === 0) {
        if (extreme(sum - base)) hits++;
        return;
      }
      for (let k = start; k <= n - left; k++) walk(k + 1, left - 1, sum + ranks[k]!);
    };
    walk(0, n1, 0);
    return hits / total;
  }
  const rng = createRng(seed);
  const pool = Float64Array.from(ranks);
  let hits = 0;
  for (let p = 0; p < permutations; p++) {
    let sum = 0;
    for (let k = 0; k < n1; k++) {
      const j = k + rng.int(n - k);
      const t = pool[k]!;
      pool[k] = pool[j]!;
      pool[j] = t;
      sum += pool[k]!;
    }
    if (extreme(sum - base)) hits++;
  }
  return (hits + 1) / (permutations + 1);
}

export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>, options: MannWhitneyOptions = {}): MannWhitneyResult {
  const r = rank(x, y);
  const { n1, n2, tieTerm } = r;
  const n = n1 + n2;
  const u = r.rankSumX - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const ties = tieTerm > 0;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const continuity = options.continuity ?? true;
  const d = u - mu;
  const z = sigma > 0 ? (Math.sign(d) * Math.max(0, Math.abs(d) - (continuity ? 0.5 : 0))) / sigma : 0;

  const small = n1 * n2 <= (options.exactMaxProduct ?? DEFAULT_EXACT_MAX_PRODUCT);
  let method: MannWhitneyMethod = options.method === undefined || options.method === 'auto' ? (small ? (ties ? 'permutation' : 'exact') : 'normal') : options.method;
  // The exact table assumes distinct values; with ties the permutation null is the exact conditional one.
  if (method === 'exact' && ties) method = 'permutation';
  // The exact recursion costs ~(n1·n2)²/4 operations: past the cap a requested exact test would take
  // minutes, and at those sizes the normal approximation is accurate to several digits anyway.
  if (method === 'exact' && n1 * n2 > EXACT_HARD_LIMIT) method = 'normal';

  let pValue: number;
  if (sigma === 0) pValue = 1;
  else if (method === 'exact') {
    const dist = exactUDistribution(n1, n2);
    let below = 0;
    for (let k = 0; k <= u; k++) below += dist[k]!;
    let above = 0;
    for (let k = u; k < dist.length; k++) above += dist[k]!;
    pValue = Math.min(1, 2 * Math.min(below, above));
  } else if (method === 'permutation') pValue = permutationP(r, u, options.permutations ?? DEFAULT_PERMUTATIONS, options.seed ?? 0);
  else pValue = twoSidedP(z);

  const uy = n1 * n2 - u;
  return {
    n1,
    n2,
    u,
    z,
    pValue,
    method,
    ties,
    rankBiserial: (uy - u) / (n1 * n2),
    probabilityOfSuperiority: uy / (n1 * n2),
  };
}

/**
 * Hodges–Lehmann shift of y relative to x: the median of all n1·n2 differences y_j − x_i, the
 * location shift estimate that goes with the rank test (robust, in the data's unit).
 *
 * Computed exactly without materialising the differences (10 000 × 10 000 would be 10^8): with
 * both samples sorted, the number of differences ≤ t is counted in O(n1 + n2) by two pointers, and
 * bisection on t narrows to the k-th smallest difference; the comparisons use the same floating-point
 * subtraction as the answer, so the result is one of the actual differences (or the mean of the
 * two middle ones).
 */
export function hodgesLehmann(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs = sortedCopy(x, 'x');
  const ys = sortedCopy(y, 'y');
  const total = xs.length * ys.length;
  const kth = (k: number): number => kthDifference(xs, ys, k);
  return total % 2 === 1 ? kth((total + 1) / 2) : (kth(total / 2) + kth(total / 2 + 1)) / 2;
}

/** Number of pairs with ys[j] − xs[i] ≤ t. For fixed j the difference falls as i grows, and the first qualifying i only moves right as j grows. */
function countAtMost(xs: Float64Array, ys: Float64Array, t: number): number {
  let count = 0;
  let i = 0;
  for (let j = 0; j < ys.length; j++) {
    while (i < xs.length && ys[j]! - xs[i]! > t) i++;
    count += xs.length - i;
  }
  return count;
}

/** The smallest difference strictly above t. */
function smallestAbove(xs: Float64Array, ys: Float64Array, t: number): number {
  let best = Infinity;
  let i = 0;
  for (let j = 0; j < ys.length; j++) {
    while (i < xs.length && ys[j]! - xs[i]! > t) i++;
    // xs[i − 1] is the largest x whose difference with ys[j] is still above t: the smallest such difference.
    if (i > 0) best = Math.min(best, ys[j]! - xs[i - 1]!);
  }
  return best;
}

/** The k-th smallest (1-based) of the differences ys[j] − xs[i]. */
function kthDifference(xs: Float64Array, ys: Float64Array, k: number): number {
  let lo = ys[0]! - xs[xs.length - 1]!;
  let hi = ys[ys.length - 1]! - xs[0]!;
  if (countAtMost(xs, ys, lo) >= k) return lo;
  // Invariant: count(lo) < k ≤ count(hi). Stop when count(lo) = k − 1 or lo and hi are adjacent doubles.
  for (;;) {
    const mid = lo / 2 + hi / 2;
    if (mid <= lo || mid >= hi) break;
    const c = countAtMost(xs, ys, mid);
    if (c >= k) hi = mid;
    else {
      lo = mid;
      if (c === k - 1) break;
    }
  }
  return smallestAbove(xs, ys, lo);
}
