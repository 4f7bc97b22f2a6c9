/** The compare library: `compareAnalyses` and what the command and other tools build on it. */
export { compareAnalyses } from './compare.js';
export type { CompareOptions } from './compare.js';
export { buildVerdict } from './verdict.js';
export { formatCompareText } from './text.js';
export { loadAnalysis, checkSavedAnalysis, ANALYSIS_SCHEMA } from './load.js';
export type { LoadOptions } from './load.js';
export { parseGate, evaluateGate, gateExitCode, GATE_METRICS } from './gate.js';
export type { RegressionGate, GateOutcome } from './gate.js';
export { COMPARE_SCHEMA, CPU_CATEGORIES } from './schema.js';
export type * from './schema.js';
