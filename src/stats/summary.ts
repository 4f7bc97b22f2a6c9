import { mean as ssMean, quantileSorted } from 'simple-statistics';
import type { QuantileSketch } from './sketch.js';

/**
 * The latency summary of the analysis contract: `{count, mean, p50, p90, p99, max}`.
 *
 * Units: a summary is in the unit of the values it was given, divided by `divideBy` (default 1).
 * iopath keeps time in integer nanoseconds and reports microseconds, so the analyzer sketches
 * nanoseconds and calls `summarizeSketch(sketch, { divideBy: 1000 })`. Percentiles use linear
 * interpolation between order statistics (R type 7, numpy's default, simple-statistics'
 * `quantileSorted`) in both functions, so an exact summary and a sketch summary of the same values
 * differ only by the sketch's relative error. An empty input gives count 0 and NaN elsewhere
 * (`JSON.stringify` writes NaN as null).
 */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface SummaryOptions {
  /** Divides every value-like field (not count): 1000 turns nanoseconds into microseconds. */
  divideBy?: number;
}

const EMPTY: LatencySummary = { count: 0, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN };

function divisor(options: SummaryOptions): number {
  const d = options.divideBy ?? 1;
  if (!(d > 0 && Number.isFinite(d))) throw new RangeError(`divideBy must be a positive number (got ${d})`);
  return d;
}

/** Exact summary of `values` (non-finite values are skipped); sorts a copy, so O(n log n) time and O(n) memory. */
export function summarize(values: ArrayLike<number>, options: SummaryOptions = {}): LatencySummary {
  const d = divisor(options);
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  if (sorted.length === 0) return { ...EMPTY };
  const xs = Array.from(sorted);
  return {
    count: xs.length,
    mean: ssMean(xs) / d,
    p50: quantileSorted(xs, 0.5) / d,
    p90: quantileSorted(xs, 0.9) / d,
    p99: quantileSorted(xs, 0.99) / d,
    max: xs[xs.length - 1]! / d,
  };
}

/** Summary from a streaming sketch: count and max exact, mean exact, percentiles within the sketch's relative accuracy. */
export function summarizeSketch(sketch: QuantileSketch, options: SummaryOptions = {}): LatencySummary {
  const d = divisor(options);
  if (sketch.count === 0) return { ...EMPTY };
  const [p50, p90, p99] = sketch.quantiles([0.5, 0.9, 0.99]) as [number, number, number];
  return { count: sketch.count, mean: sketch.mean / d, p50: p50 / d, p90: p90 / d, p99: p99 / d, max: sketch.max / d };
}
