import { SKETCH_SCHEMA, type SketchJSON } from '../model/summaries.js';
/**
 * A mergeable streaming quantile sketch for non-negative latencies (DDSketch-style log buckets).
 * (A long file: the sketch is one closure over its private bucket state, which add, merge, the
 * quantile walk, bins and toJSON all share; reading a saved sketch back is in sketch-json.ts.)
 *
 * Why this design: `analyze` reads multi-GB traces in one pass and must report p50/p90/p99 per
 * completion mode and phase without keeping every latency. Log-spaced buckets give a *relative*
 * error guarantee, which is what latency percentiles need (±0.5% of 12 µs and of 40 ms alike), and
 * two sketches with the same parameters merge by adding bucket counts, so several traces (or
 * saved analyses, via toJSON/fromJSON) combine exactly as if their values had been sketched together.
 *
 * Error bound. With relative accuracy α and γ = (1 + α)/(1 − α), a value x ≥ minTrackable falls in
 * bucket i = ⌈log_γ x⌉, i.e. γ^(i−1) < x ≤ γ^i, and the bucket reports 2γ^i/(γ + 1), which is within
 * α·x of every value in the bucket. `quantile(q)` uses the same rank rule as simple-statistics'
 * `quantileSorted` (linear interpolation between order statistics ⌊q(n−1)⌋ and ⌈q(n−1)⌉, R type 7)
 * but interpolates between bucket values; since both end points are within α relative and the values
 * are non-negative, the result is within α of the exact type-7 quantile:
 *
 *   |quantile(q) − exact(q)| ≤ α · exact(q)      for values in [minTrackable, maxTrackable],
 *
 * and within `minTrackable` absolute for values below it (they are counted in a zero bucket; with
 * the default minTrackable = 1 ns and integer nanoseconds that bucket holds exact zeros only).
 * quantile(0) and quantile(1) are the exact min and max, which are tracked separately, as are the
 * count and the sum (so the mean is exact up to floating-point addition).
 *
 * Memory. Buckets are a dense array that grows to cover the indices seen, never beyond
 * log_γ(maxTrackable/minTrackable) + 1 slots: with the defaults (α = 0.5%, 1 ns … 2^53 ns ≈ 104 days)
 * at most 3 675 buckets (29 KB), whatever the number of values; a typical 1 µs … 100 ms latency
 * spread needs ~1 150. Values above maxTrackable are counted in the top bucket (their quantiles lose
 * the bound, the exact max is kept) and reported by `saturated`.
 */

export { SKETCH_SCHEMA };
export const DEFAULT_RELATIVE_ACCURACY = 0.005;
export const DEFAULT_MIN_TRACKABLE = 1;
export const DEFAULT_MAX_TRACKABLE = 2 ** 53;

export interface SketchOptions {
  /** Largest relative error of any reported quantile, as a fraction in (0, 0.5]. Default 0.005 (0.5%). */
  relativeAccuracy?: number;
  /** Smallest value with the relative bound; smaller ones count as 0. Default 1 (1 ns when fed nanoseconds). */
  minTrackable?: number;
  /** Largest value with the relative bound. Default 2^53. */
  maxTrackable?: number;
}

export interface SketchBin {
  /** Values in the bin are in (lower, upper]; the zero bin is [0, minTrackable). */
  lower: number;
  upper: number;
  /** The value the sketch reports for anything in the bin. */
  value: number;
  count: number;
}

export type { SketchJSON };

export interface QuantileSketch {
  readonly relativeAccuracy: number;
  readonly minTrackable: number;
  readonly maxTrackable: number;
  /** Number of values added (rejected ones excluded). */
  readonly count: number;
  readonly sum: number;
  /** NaN when empty. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Negative, NaN or infinite inputs, which are counted here and otherwise ignored. */
  readonly rejected: number;
  /** Values above maxTrackable. */
  readonly saturated: number;
  /** Buckets currently allocated: the memory footprint is 8 bytes each. */
  readonly bucketCapacity: number;
  /** Adds `value` `times` times (a positive integer, default 1). */
  add(value: number, times?: number): void;
  /** Adds all of `other` into this sketch; both must have the same parameters. */
  merge(other: QuantileSketch): void;
  /** Type-7 quantile within the documented bound; NaN when empty or q outside [0, 1]. */
  quantile(q: number): number;
  /** Several quantiles in one pass over the buckets. */
  quantiles(qs: readonly number[]): number[];
  /** Non-empty bins in increasing order (for histograms and charts). */
  bins(): SketchBin[];
  clone(): QuantileSketch;
  toJSON(): SketchJSON;
}

interface State {
  count: number;
  sum: number;
  min: number;
  max: number;
  zeroCount: number;
  saturated: number;
  rejected: number;
  /** Bucket index of store[0]. */
  offset: number;
  store: Float64Array;
  /** Lowest and highest non-empty bucket index (lo > hi when there is none). */
  lo: number;
  hi: number;
}

/** Lets `merge` read another sketch's buckets without exposing them on the public object. */
const internals = new WeakMap<QuantileSketch, State>();

/**
 * Puts a saved sketch's figures and buckets (`counts`, bucket `offset` first) into a fresh sketch
 * made with the same parameters; sketch-json.ts checks them first.
 */
export function restoreSketch(sketch: QuantileSketch, saved: Omit<SketchJSON, 'schema' | 'relativeAccuracy' | 'minTrackable' | 'maxTrackable' | 'min' | 'max'> & { min: number; max: number }): void {
  const st = internals.get(sketch)!;
  if (saved.count > 0) {
    st.min = saved.min;
    st.max = saved.max;
  }
  st.count = saved.count;
  st.sum = saved.sum;
  st.zeroCount = saved.zeroCount;
  st.saturated = saved.saturated;
  st.rejected = saved.rejected;
  // The saved buckets become the store as they are; `reserve` grows it like any other when needed.
  const counts = saved.counts;
  const lo = counts.findIndex((c) => c > 0);
  if (lo >= 0) {
    let hi = counts.length - 1;
    while (counts[hi] === 0) hi--;
    st.store = new Float64Array(counts);
    st.offset = saved.offset;
    st.lo = saved.offset + lo;
    st.hi = saved.offset + hi;
  }
}

const INITIAL_BUCKETS = 128;

function checkOptions(o: SketchOptions): Required<SketchOptions> {
  const relativeAccuracy = o.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  const minTrackable = o.minTrackable ?? DEFAULT_MIN_TRACKABLE;
  const maxTrackable = o.maxTrackable ?? DEFAULT_MAX_TRACKABLE;
  if (!(relativeAccuracy > 0 && relativeAccuracy <= 0.5)) throw new RangeError(`relativeAccuracy must be in (0, 0.5] (got ${relativeAccuracy})`);
  if (!(minTrackable > 0 && Number.isFinite(minTrackable))) throw new RangeError(`minTrackable must be positive (got ${minTrackable})`);
  if (!(maxTrackable > minTrackable && Number.isFinite(maxTrackable))) throw new RangeError(`maxTrackable must exceed minTrackable (got ${maxTrackable})`);
  return { relativeAccuracy, minTrackable, maxTrackable };
}

export function createSketch(options: SketchOptions = {}): QuantileSketch {
  const { relativeAccuracy, minTrackable, maxTrackable } = checkOptions(options);
  const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
  // log1p keeps the digits of a γ close to 1.
  const lnGamma = Math.log1p((2 * relativeAccuracy) / (1 - relativeAccuracy));
  const invLnGamma = 1 / lnGamma;
  const repFactor = 2 / (1 + gamma);
  const indexOf = (x: number): number => Math.ceil(Math.log(x) * invLnGamma);
  const minIndex = indexOf(minTrackable);
  const maxIndex = indexOf(maxTrackable);
  const maxBuckets = maxIndex - minIndex + 1;
  const valueOf = (i: number): number => Math.exp(i * lnGamma) * repFactor;

  const st: State = {
    count: 0,
    sum: 0,
    min: NaN,
    max: NaN,
    zeroCount: 0,
    saturated: 0,
    rejected: 0,
    offset: 0,
    store: new Float64Array(0),
    lo: 1,
    hi: 0,
  };

  /** Makes room for bucket `i` (within [minIndex, maxIndex]); doubles so growth is amortised O(1). */
  function reserve(i: number): void {
    const len = st.store.length;
    if (i >= st.offset && i < st.offset + len) return;
    const lo = st.lo <= st.hi ? Math.min(st.lo, i) : i;
    const hi = st.lo <= st.hi ? Math.max(st.hi, i) : i;
    const needed = hi - lo + 1;
    const size = Math.min(maxBuckets, Math.max(INITIAL_BUCKETS, needed * 2, len * 2));
    let offset = lo - Math.floor((size - needed) / 2);
    offset = Math.max(minIndex, Math.min(offset, maxIndex - size + 1));
    const store = new Float64Array(size);
    if (st.lo <= st.hi) store.set(st.store.subarray(st.lo - st.offset, st.hi - st.offset + 1), st.lo - offset);
    st.store = store;
    st.offset = offset;
  }

  function addToBucket(i: number, times: number): void {
    reserve(i);
    st.store[i - st.offset]! += times;
    if (st.lo > st.hi) {
      st.lo = i;
      st.hi = i;
    } else if (i < st.lo) st.lo = i;
    else if (i > st.hi) st.hi = i;
  }

  function add(value: number, times = 1): void {
    if (!(value >= 0 && value < Infinity)) {
      st.rejected += times;
      return;
    }
    if (times !== 1 && !(Number.isInteger(times) && times > 0)) throw new RangeError(`times must be a positive integer (got ${times})`);
    if (st.count === 0) {
      st.min = value;
      st.max = value;
    } else if (value < st.min) st.min = value;
    else if (value > st.max) st.max = value;
    st.count += times;
    st.sum += value * times;
    if (value < minTrackable) st.zeroCount += times;
    else if (value > maxTrackable) {
      st.saturated += times;
      addToBucket(maxIndex, times);
    } else addToBucket(indexOf(value), times);
  }

  function merge(other: QuantileSketch): void {
    const o = internals.get(other);
    if (!o) throw new TypeError('merge: not a sketch made by createSketch');
    if (other.relativeAccuracy !== relativeAccuracy || other.minTrackable !== minTrackable || other.maxTrackable !== maxTrackable) {
      throw new RangeError('merge: sketches have different parameters (relativeAccuracy, minTrackable, maxTrackable)');
    }
    st.rejected += o.rejected;
    if (o.count === 0) return;
    if (st.count === 0) {
      st.min = o.min;
      st.max = o.max;
    } else {
      st.min = Math.min(st.min, o.min);
      st.max = Math.max(st.max, o.max);
    }
    st.count += o.count;
    st.sum += o.sum;
    st.zeroCount += o.zeroCount;
    st.saturated += o.saturated;
    if (o.lo > o.hi) return;
    for (let i = o.lo; i <= o.hi; i++) {
      const c = o.store[i - o.offset]!;
      if (c > 0) addToBucket(i, c);
    }
  }

  /**
   * Values at the given 0-based ranks (sorted ascending), walking the buckets once. The lowest and
   * highest ranks are the exact min and max; bucket values are clamped to them, which can only bring
   * an estimate closer to the truth (every value lies in [min, max]).
   */
  function valuesAtRanks(ranks: readonly number[]): number[] {
    const out: number[] = [];
    const clamp = (v: number): number => Math.min(st.max, Math.max(st.min, v));
    let k = 0;
    let cum = st.zeroCount;
    const last = st.count - 1;
    const emit = (bucketValue: number): void => {
      const r = ranks[k++]!;
      out.push(r <= 0 ? st.min : r >= last ? st.max : clamp(bucketValue));
    };
    while (k < ranks.length && ranks[k]! < cum) emit(0);
    for (let i = st.lo; i <= st.hi && k < ranks.length; i++) {
      const c = st.store[i - st.offset]!;
      if (c === 0) continue;
      cum += c;
      while (k < ranks.length && ranks[k]! < cum) emit(valueOf(i));
    }
    while (k < ranks.length) emit(st.max);
    return out;
  }

  function quantiles(qs: readonly number[]): number[] {
    const n = st.count;
    const plan = qs.map((q, at) => {
      if (n === 0 || !(q >= 0 && q <= 1)) return { at, lo: -1, hi: -1, frac: NaN };
      const pos = q * (n - 1);
      const lo = Math.floor(pos);
      return { at, lo, hi: Math.min(lo + 1, n - 1), frac: pos - lo };
    });
    const ranks = [...new Set(plan.filter((p) => p.lo >= 0).flatMap((p) => [p.lo, p.hi]))].sort((a, b) => a - b);
    const values = valuesAtRanks(ranks);
    const byRank = new Map<number, number>();
    ranks.forEach((r, i) => byRank.set(r, values[i]!));
    return plan.map((p) => {
      if (p.lo < 0) return NaN;
      const a = byRank.get(p.lo)!;
      if (p.frac === 0) return a;
      const b = byRank.get(p.hi)!;
      return a + p.frac * (b - a);
    });
  }

  function bins(): SketchBin[] {
    const out: SketchBin[] = [];
    if (st.zeroCount > 0) out.push({ lower: 0, upper: minTrackable, value: 0, count: st.zeroCount });
    for (let i = st.lo; i <= st.hi; i++) {
      const c = st.store[i - st.offset]!;
      if (c > 0) out.push({ lower: Math.exp((i - 1) * lnGamma), upper: Math.exp(i * lnGamma), value: valueOf(i), count: c });
    }
    return out;
  }

  function toJSON(): SketchJSON {
    const empty = st.count === 0;
    return {
      schema: SKETCH_SCHEMA,
      relativeAccuracy,
      minTrackable,
      maxTrackable,
      count: st.count,
      sum: st.sum,
      min: empty ? null : st.min,
      max: empty ? null : st.max,
      zeroCount: st.zeroCount,
      saturated: st.saturated,
      rejected: st.rejected,
      offset: st.lo <= st.hi ? st.lo : 0,
      counts: st.lo <= st.hi ? Array.from(st.store.subarray(st.lo - st.offset, st.hi - st.offset + 1)) : [],
    };
  }

  const sketch: QuantileSketch = {
    relativeAccuracy,
    minTrackable,
    maxTrackable,
    get count() {
      return st.count;
    },
    get sum() {
      return st.sum;
    },
    get mean() {
      return st.count === 0 ? NaN : st.sum / st.count;
    },
    get min() {
      return st.min;
    },
    get max() {
      return st.max;
    },
    get rejected() {
      return st.rejected;
    },
    get saturated() {
      return st.saturated;
    },
    get bucketCapacity() {
      return st.store.length;
    },
    add,
    merge,
    quantile: (q) => quantiles([q])[0]!,
    quantiles,
    bins,
    clone() {
      const copy = createSketch({ relativeAccuracy, minTrackable, maxTrackable });
      copy.merge(sketch);
      internals.get(copy)!.rejected = st.rejected;
      return copy;
    },
    toJSON,
  };
  internals.set(sketch, st);
  return sketch;
}
