/**
 * Plain data shapes of the summaries the analysis contract carries: a latency summary and a
 * serialised quantile sketch. They live here, at the bottom of the house, so that `model/` needs
 * nothing above it; `stats/` builds and reads them.
 */

/** Names the sketch's serialised form (and its version). */
export const SKETCH_SCHEMA = 'iopath.sketch/1';

/**
 * The latency summary of the analysis contract: `{count, mean, p50, p90, p99, max}`.
 *
 * Units: a summary is in the unit of the values it was given, divided by `divideBy` (default 1).
 * iopath keeps time in integer nanoseconds and reports microseconds, so the analyzer sketches
 * nanoseconds and calls `summarizeSketch(sketch, { divideBy: NS_PER_US })`. The sketch's
 * percentiles interpolate linearly between order statistics (R type 7, numpy's default,
 * simple-statistics' `quantileSorted`), so they differ from the exact ones only by the sketch's
 * relative error. An empty input gives count 0 and NaN elsewhere (`JSON.stringify` writes NaN as
 * null).
 */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The serialised form; stable so that saved analyses can be merged and compared later. */
export interface SketchJSON {
  schema: typeof SKETCH_SCHEMA;
  relativeAccuracy: number;
  minTrackable: number;
  maxTrackable: number;
  count: number;
  sum: number;
  /** null when the sketch is empty. */
  min: number | null;
  max: number | null;
  /** Values below minTrackable. */
  zeroCount: number;
  /** Values above maxTrackable, counted in the top bucket. */
  saturated: number;
  /** Inputs refused (negative, NaN, infinite). */
  rejected: number;
  /** Bucket index of counts[0]; bucket i holds values in (γ^(i−1), γ^i]. */
  offset: number;
  counts: number[];
}
