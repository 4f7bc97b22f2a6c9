import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { FORMS, formLine, formText, type Form } from '../helpers/forms.js';
import { textSource } from '../helpers/paths.js';

/**
 * Input out of time order by more than the reorder window (blocks pasted in the wrong order): the
 * window and the rates come from the I/Os analyzed, so none falls outside the window.
 */

const io = (f: Form, s: number, sector: number) => [
  formLine(f, 'fio', 4392, 1, '.....', (s + 0.0001).toFixed(6), 'block_rq_issue', `254,0 WS 4096 () ${sector} + 8 be,0,4 [fio]`),
  formLine(f, '<idle>', 0, 1, '..s1.', (s + 0.0016).toFixed(6), 'block_rq_complete', `254,0 WS () ${sector} + 8 be,0,4 [0]`),
];

describe.each(FORMS)('out-of-order input (%s)', (f) => {
  it.each([
    ['later block first', [...io(f, 4148, 200), ...io(f, 4143, 100)]],
    ['in order', [...io(f, 4143, 100), ...io(f, 4148, 200)]],
  ])('%s: the window spans both I/Os and IOPS is over it', async (_name, lines) => {
    const { analysis: a } = await analyzeTrace(textSource(formText(f, lines)), {});
    // Both I/Os are counted (irq-inline with a flags column, no_context without).
    expect(a.ios.byMode['irq-inline'] + (a.ios.unresolvedReasons.no_context ?? 0)).toBe(2);
    expect(a.window.startNs).toBeLessThanOrEqual(4143.0001e9 + 1);
    expect(a.window.endNs).toBeGreaterThanOrEqual(4148.0016e9 - 1);
    expect(a.iops).toBeLessThan(1);
    expect(a.iops).toBeGreaterThan(0);
  });
});
