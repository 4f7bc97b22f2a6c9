/**
 * iopath's statistics layer: streaming summaries for `analyze` (bounded memory, one pass) and the
 * tests and intervals behind `compare`. Everything random is seeded and reproducible.
 */
export { createRng, deriveSeed, randomNormal, randomExponential, randomPoisson } from './rng.js';
export type { Rng, Seed } from './rng.js';
export { erfc, normalCdf, normalSf, normalQuantile, twoSidedP } from './normal.js';
export {
  createSketch,
  sketchFromJSON,
  sketchOf,
  SKETCH_SCHEMA,
  DEFAULT_RELATIVE_ACCURACY,
  DEFAULT_MIN_TRACKABLE,
  DEFAULT_MAX_TRACKABLE,
} from './sketch.js';
export type { QuantileSketch, SketchOptions, SketchJSON, SketchBin } from './sketch.js';
export { createReservoir, mergeSamples } from './reservoir.js';
export type { Reservoir } from './reservoir.js';
export { summarize, summarizeSketch } from './summary.js';
export type { LatencySummary, SummaryOptions } from './summary.js';
export { createLatencyTable, latencyTableFromJSON, LATENCY_TABLE_SCHEMA } from './latency-table.js';
export type { LatencyTable, LatencyTableOptions, LatencyTableJSON, LatencyEntry } from './latency-table.js';
export * from './tests.js';
export {
  bootstrapQuantileDiffs,
  rateChange,
  iopsChange,
  optimalBlockLength,
  percentileInterval,
  excludesZero,
  DEFAULT_RESAMPLES,
} from './bootstrap.js';
export type { BootstrapOptions, QuantileDiff, RateChange, RateChangeOptions, WindowSeries } from './bootstrap.js';
export { createWindowCounter } from './windows.js';
export type { WindowCounter, WindowCounterOptions, WindowCounts } from './windows.js';
