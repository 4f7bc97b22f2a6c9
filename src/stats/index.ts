/**
 * The statistics layer's face for `compare`: the tests, intervals and seeded resampling behind its
 * verdicts. Everything random is seeded and reproducible (rng.ts). The streaming summaries that
 * `analyze` keeps (sketch, reservoir, windows, summary) are imported from their own files.
 */
export { deriveSeed } from './rng.js';
export type { Seed } from './rng.js';
export { normalQuantile, normalSf, twoSidedP } from './normal.js';
export { sketchFromJSON } from './sketch-json.js';
export type { QuantileSketch } from './sketch.js';
export { mergeSamples } from './reservoir.js';
export { mannWhitneyU, hodgesLehmann } from './mann-whitney.js';
export { twoProportionTest } from './proportions.js';
export { adjustBH } from './multiple.js';
export { bootstrapQuantileDiffs, DEFAULT_RESAMPLES } from './bootstrap.js';
// compare reads IOPS changes; rateChange serves any rate from per-window totals.
export { optimalBlockLength, rateChange as iopsChange } from './block-bootstrap.js';
