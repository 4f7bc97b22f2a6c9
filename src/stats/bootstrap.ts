import { quantileSorted } from 'simple-statistics';
import { DEFAULT_LEVEL } from './normal.js';
import { createRng, type Rng, type Seed } from './rng.js';

/**
 * Seeded bootstrap confidence intervals for the compare command: what every bootstrap here shares
 * (options, the percentile interval), and the intervals of quantile differences between two
 * samples of latencies. Rates from per-window counts (IOPS, MB/s) are in block-bootstrap.ts.
 *
 * Interval type: percentile intervals throughout. BCa was considered and left out on purpose:
 *  - for quantiles, BCa's acceleration comes from the jackknife, which is inconsistent for
 *    non-smooth statistics such as the median or p99 (Efron & Tibshirani 1993, §11.6), so the
 *    "correction" would add noise;
 *  - for throughput, the statistic (a ratio of two means over hundreds to thousands of windows) is
 *    smooth and close to normal, where percentile and BCa agree to second order, and a BCa for
 *    dependent windows would need a block jackknife with its own block-length choice.
 * The coverage of what is here is checked by simulation in the tests.
 *
 * Every function takes a seed; the same inputs and seed give the same interval.
 */

export const DEFAULT_RESAMPLES = 2000;

export interface BootstrapOptions {
  seed?: Seed;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Confidence level (DEFAULT_LEVEL). */
  level?: number;
}

/** The options with their defaults, checked. */
export function bootstrapSettings(o: BootstrapOptions): { seed: Seed; resamples: number; level: number } {
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const level = o.level ?? DEFAULT_LEVEL;
  if (!(Number.isInteger(resamples) && resamples >= 10)) throw new RangeError(`resamples must be an integer ≥ 10 (got ${resamples})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
  return { seed: o.seed ?? 0, resamples, level };
}

/** The central `level` interval of bootstrap replicates (non-finite ones dropped), by type-7 quantiles. */
export function percentileInterval(replicates: Float64Array, level: number): [number, number] {
  const finite = Array.from(replicates.filter(Number.isFinite).sort());
  if (finite.length === 0) return [NaN, NaN];
  const tail = (1 - level) / 2;
  return [quantileSorted(finite, tail), quantileSorted(finite, 1 - tail)];
}

/** Whether an interval excludes zero (a detectable difference at its level). */
export const excludesZero = ([lo, hi]: readonly [number, number]): boolean => lo > 0 || hi < 0;

export interface QuantileDiff {
  q: number;
  before: number;
  after: number;
  /** after − before, in the samples' unit. */
  diff: number;
  ci: [number, number];
  significant: boolean;
}

interface RankPlan {
  lo: number;
  hi: number;
  frac: number;
}

function rankPlan(n: number, q: number): RankPlan {
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  return { lo, hi: Math.min(lo + 1, n - 1), frac: pos - lo };
}

/**
 * Type-7 quantiles of one bootstrap resample of `sorted`, without sorting the resample: draw how
 * many times each original value is picked (a multinomial, by n uniform draws into a count array),
 * then read order statistics off the cumulative counts. O(n) per resample instead of O(n log n).
 */
function resampledQuantiles(sorted: Float64Array, plans: readonly RankPlan[], counts: Uint32Array, rng: Rng, out: Float64Array): void {
  const n = sorted.length;
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[rng.int(n)]!++;
  const at = (r: number, from: { j: number; cum: number }): number => {
    while (from.cum + counts[from.j]! <= r) from.cum += counts[from.j++]!;
    return sorted[from.j]!;
  };
  // Plans are in ascending q, so one cursor serves them all.
  const cursor = { j: 0, cum: 0 };
  plans.forEach((p, i) => {
    const a = at(p.lo, cursor);
    const b = p.frac === 0 ? a : at(p.hi, cursor);
    out[i] = a + p.frac * (b - a);
  });
}

function sortedFinite(v: ArrayLike<number>): Float64Array {
  return Float64Array.from(v).filter(Number.isFinite).sort();
}

function exactQuantile(sorted: Float64Array, p: RankPlan): number {
  const a = sorted[p.lo]!;
  return a + p.frac * (sorted[p.hi]! - a);
}

/**
 * Percentile-bootstrap intervals for Q_after(q) − Q_before(q), for several q at once (each resample
 * of each side serves all of them). The samples are independent (two traces), so each side is
 * resampled on its own. Raw samples come from a reservoir; extreme quantiles need enough of them
 * (p99 from fewer than ~1000 values rests on a handful of points and its interval is unreliable).
 */
export function bootstrapQuantileDiffs(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  qs: readonly number[],
  options: BootstrapOptions = {},
): QuantileDiff[] {
  const { seed, resamples, level } = bootstrapSettings(options);
  if (qs.some((q) => !(q >= 0 && q <= 1))) throw new RangeError('quantiles must be in [0, 1]');
  const xs = sortedFinite(before);
  const ys = sortedFinite(after);
  if (xs.length === 0 || ys.length === 0) {
    return qs.map((q) => ({ q, before: NaN, after: NaN, diff: NaN, ci: [NaN, NaN], significant: false }));
  }
  const order = qs.map((q, i) => ({ q, i })).sort((a, b) => a.q - b.q);
  const px = order.map(({ q }) => rankPlan(xs.length, q));
  const py = order.map(({ q }) => rankPlan(ys.length, q));
  const root = createRng(seed);
  const rx = root.fork('quantile-diff', 'before');
  const ry = root.fork('quantile-diff', 'after');
  const cx = new Uint32Array(xs.length);
  const cy = new Uint32Array(ys.length);
  const qx = new Float64Array(qs.length);
  const qy = new Float64Array(qs.length);
  const reps = order.map(() => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    resampledQuantiles(xs, px, cx, rx, qx);
    resampledQuantiles(ys, py, cy, ry, qy);
    for (let k = 0; k < order.length; k++) reps[k]![b] = qy[k]! - qx[k]!;
  }
  const out: QuantileDiff[] = new Array(qs.length);
  order.forEach(({ q, i }, k) => {
    const b = exactQuantile(xs, px[k]!);
    const a = exactQuantile(ys, py[k]!);
    const ci = percentileInterval(reps[k]!, level);
    out[i] = { q, before: b, after: a, diff: a - b, ci, significant: excludesZero(ci) };
  });
  return out;
}
