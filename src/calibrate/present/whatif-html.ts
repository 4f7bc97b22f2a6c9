import { Readable } from 'node:stream';
import { analyzeTrace } from '../../analyze/pipeline.js';
import { compareAnalyses } from '../../compare/compare.js';
import type { Analysis } from '../../model/analysis.js';
import { writeCompareHtml } from '../../report/html.js';
import { simulate } from '../../sim/index.js';
import type { SimParams } from '../../sim/params.js';
import type { CalibratedModel } from '../estimate/model-file.js';
import { applyChange, type WhatifChange } from '../predict/whatif.js';

/**
 * `whatif --html`: the compare report of the two predicted traces. One run per side (the first
 * seed) is simulated into an ftrace text in memory and analysed like a captured trace, so every
 * chart and table of `compare` applies to the prediction.
 */

async function predictedAnalysis(params: SimParams, seed: number, label: string): Promise<Analysis> {
  const chunks: Buffer[] = [];
  await simulate({ params, seed, format: 'ftrace' }, { trace: (c) => chunks.push(Buffer.from(c, 'latin1')) });
  const { analysis } = await analyzeTrace(Readable.from(chunks), { label });
  return analysis;
}

export async function writeWhatifHtml(model: CalibratedModel, change: WhatifChange, ios: number, seed: number, path: string, command: string): Promise<number> {
  const base: SimParams = { ...model.params, ios, durationNs: 0 };
  const before = await predictedAnalysis(base, seed, 'current (simulated)');
  const after = await predictedAnalysis(applyChange(base, change), seed, 'changed (simulated)');
  const labels = { before: 'current', after: 'changed' };
  const comparison = compareAnalyses([before], [after], { labelBefore: labels.before, labelAfter: labels.after, seed });
  return writeCompareHtml(before, after, comparison, path, { labels, command });
}
