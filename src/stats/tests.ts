/**
 * The hypothesis tests the compare command uses, in one import: a rank test with effect sizes for
 * latencies, proportion tests for the completion-mode mix, and the Benjamini–Hochberg adjustment
 * across all of them.
 */
export { mannWhitneyU, hodgesLehmann, exactUDistribution } from './mann-whitney.js';
export type { MannWhitneyMethod, MannWhitneyOptions, MannWhitneyResult } from './mann-whitney.js';
export { twoProportionTest, fisherExact, wilsonInterval, newcombeInterval } from './proportions.js';
export type { ProportionTestOptions, ProportionTestResult } from './proportions.js';
export { adjustBH } from './multiple.js';
