import { expect } from 'vitest';
import type { AnalyzeResult } from '../../src/analyze/pipeline.js';
import { COMPLETION_MODES } from '../../src/model/io.js';
import { formatAnalysisText } from '../../src/report/text.js';
import { nonFiniteNumbers } from './invariants.js';

/** What any analysis must satisfy, whatever its input: the JSON contract holds and adds up. */
export function expectSaneAnalysis(r: AnalyzeResult): void {
  const a = r.analysis;
  expect(nonFiniteNumbers(a), 'NaN or Infinity in the analysis (JSON would print null)').toEqual([]);
  const json = JSON.stringify(a);
  expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(JSON.parse(json))));
  expect(a.schema).toBe('iopath.analysis/1');
  expect(COMPLETION_MODES.reduce((s, m) => s + a.ios.byMode[m], 0)).toBe(a.ios.total);
  expect(a.input.events).toBe(r.stream.events);
  expect(a.input.diagnostics).toEqual(r.stream.diagnostics.counts());
  for (const p of a.samples) expect(COMPLETION_MODES).toContain(p.mode);
  for (const d of a.diagnostics) expect(d.count).toBeGreaterThan(0);
  expect(a.iops).toBeGreaterThanOrEqual(0);
  // The window runs from the first submission read to the latest completion: it can only be
  // inverted when time went backwards in the input, and then the diagnostics say so.
  if (a.window.endNs < a.window.startNs) expect(Object.keys(a.input.diagnostics)).toEqual(expect.arrayContaining([expect.stringMatching(/^(timestamp_regression|out_of_order)$/)]));
  // The text output is printed from the same analysis: it must not throw either.
  expect(typeof formatAnalysisText(a)).toBe('string');
}
