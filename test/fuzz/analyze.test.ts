import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import { textSource } from '../helpers/paths.js';
import { runToText } from '../sim/helpers.js';
import { expectSaneAnalysis } from './analyze-checks.js';
import { excerpts, FORMATS } from './corpus.js';
import { fuzzParams } from './mutate.js';
import { hostileTrace } from './traces.js';

/**
 * `analyzeTrace` over hostile edits of real excerpts and of small simulated traces (whole I/O
 * paths in every format, so the edits break real pairings: completions without submissions,
 * repeated work items, time going backwards, lost markers mid-I/O). It must never throw, and the
 * analysis must stay valid: finite numbers, modes that add up, diagnostics that match the stream.
 */

const UNITS = ['auto', 'request', 'dio'] as const;

describe.each(excerpts().map((e) => [e.name, e] as const))('analyzeTrace on hostile edits of %s', (_name, ex) => {
  it('never throws and gives a valid analysis', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTrace(ex.lines, 20), fc.constantFrom(...UNITS), async (text, unit) => {
        expectSaneAnalysis(await analyzeTrace(textSource(text), { unit }));
      }),
      fuzzParams(25),
    );
  });
});

describe.each(FORMATS)('analyzeTrace on hostile edits of a simulated %s trace', (format: TraceFormat) => {
  let lines: string[] = [];
  beforeAll(async () => {
    const sim = await runToText({ preset: 'vm-cpu1', format, seed: 3, params: { ios: 60 } });
    lines = sim.text.split('\n').filter((l) => l.length > 0);
  });

  it('never throws and gives a valid analysis', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTrace(lines, 40), fc.constantFrom(...UNITS), async (text, unit) => {
        expectSaneAnalysis(await analyzeTrace(textSource(text), { unit }));
      }),
      fuzzParams(50),
    );
  });
});
