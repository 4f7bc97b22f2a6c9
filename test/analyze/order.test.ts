import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { textSource } from '../helpers/paths.js';

/**
 * Input out of time order by more than the reorder window (blocks pasted in the wrong order): the
 * window and the rates come from the I/Os analyzed, so none falls outside the window.
 */

const io = (s: number, sector: number) => [
  `             fio-4392    [001] .....   ${(s + 0.0001).toFixed(6)}: block_rq_issue: 254,0 WS 4096 () ${sector} + 8 be,0,4 [fio]`,
  `          <idle>-0       [001] ..s1.   ${(s + 0.0016).toFixed(6)}: block_rq_complete: 254,0 WS () ${sector} + 8 be,0,4 [0]`,
];

describe('out-of-order input', () => {
  it.each([
    ['later block first', [...io(4148, 200), ...io(4143, 100)]],
    ['in order', [...io(4143, 100), ...io(4148, 200)]],
  ])('%s: the window spans both I/Os and IOPS is over it', async (_name, lines) => {
    const { analysis: a } = await analyzeTrace(textSource(`${lines.join('\n')}\n`), {});
    expect(a.ios.byMode['irq-inline']).toBe(2);
    expect(a.window.startNs).toBeLessThanOrEqual(4143.0001e9 + 1);
    expect(a.window.endNs).toBeGreaterThanOrEqual(4148.0016e9 - 1);
    expect(a.iops).toBeLessThan(1);
  });
});
