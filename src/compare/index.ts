/** The compare library's face: what `src/index.ts` and other layers build on. */
export { compareAnalyses } from './compare.js';
export type { CompareOptions } from './compare.js';
export { formatCompareText } from './text.js';
export { loadAnalysis, checkSavedAnalysis } from './load.js';
export type { LoadOptions } from './load.js';
export { parseGate, evaluateGate, gateFailure, GATE_METRICS } from './gate.js';
export type { RegressionGate, GateOutcome } from './gate.js';
export { COMPARE_SCHEMA } from './schema.js';
export type * from './schema.js';
