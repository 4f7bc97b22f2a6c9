import type { QuantileSketch } from './sketch.js';

export type { LatencySummary } from '../model/summaries.js';
import type { LatencySummary } from '../model/summaries.js';

export interface SummaryOptions {
  /** Divides every value-like field (not count): NS_PER_US turns nanoseconds into microseconds. */
  divideBy?: number;
}

const EMPTY: LatencySummary = { count: 0, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN };

function divisor(options: SummaryOptions): number {
  const d = options.divideBy ?? 1;
  if (!(d > 0 && Number.isFinite(d))) throw new RangeError(`divideBy must be a positive number (got ${d})`);
  return d;
}

/** Summary from a streaming sketch: count and max exact, mean exact, percentiles within the sketch's relative accuracy. */
export function summarizeSketch(sketch: QuantileSketch, options: SummaryOptions = {}): LatencySummary {
  const d = divisor(options);
  if (sketch.count === 0) return { ...EMPTY };
  const [p50, p90, p99] = sketch.quantiles([0.5, 0.9, 0.99]) as [number, number, number];
  return { count: sketch.count, mean: sketch.mean / d, p50: p50 / d, p90: p90 / d, p99: p99 / d, max: sketch.max / d };
}
