import type { TraceEvent } from '../../../src/model/events.js';
import type { TraceFormat } from '../../../src/parse/formats.js';
import { parseStackTruth, simulateStack, type StackFigures, type StackParams, type StackPresetName, type StackTruthRow } from '../../../src/sim/stack/index.js';

/** Small runs of each stacked preset (the tests' sizes; the presets' own sizes are larger). */
export const SMALL: Record<StackPresetName, Partial<StackParams>> = {
  'nvme-64': { iosPerJob: 40 },
  'loop-disk': { iosPerJob: 150 },
  'dm-linear': { iosPerJob: 150 },
  'dm-crypt': { iosPerJob: 150 },
};

export interface StackRun {
  text: string;
  truthText: string;
  rows: StackTruthRow[];
  events: TraceEvent[];
  figures: StackFigures;
}

export function runStack(preset: StackPresetName, format: TraceFormat, seed = 1, params: Partial<StackParams> = {}, keepEvents = false): StackRun {
  const chunks: string[] = [];
  const truth: string[] = [];
  const events: TraceEvent[] = [];
  const figures = simulateStack(
    { preset, format, seed, params: { ...SMALL[preset], ...params } },
    { trace: (c) => chunks.push(c), truth: (c) => truth.push(c), onEvent: keepEvents ? (e) => events.push({ ...e }) : undefined },
  );
  const truthText = truth.join('');
  return { text: chunks.join(''), truthText, rows: parseStackTruth(truthText), events, figures };
}

export { parseAll, sha256 } from '../helpers.js';

