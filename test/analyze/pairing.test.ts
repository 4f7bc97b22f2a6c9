import { beforeEach, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { FORMS, formLine, formText, type Form } from '../helpers/forms.js';
import { textSource } from '../helpers/paths.js';

/**
 * Pairing sanity: a completion pairs only with an issue of the same direction, not smaller than
 * what completed, issued within the block layer's 30 s timeout (kernel/block.ts); what stays in
 * flight past the timeout is `timeout`, at the end of the trace too. Lines in the form of the
 * shared captures (6.18, vda).
 */

async function run(lines: string[]) {
  const text = formText(form, lines);
  const paths: IoPath[] = [];
  const r = await analyzeTrace(textSource(text), { onPath: (p) => paths.push(p) });
  return { a: r.analysis, paths: paths.sort((x, y) => x.id - y.id) };
}

let form: Form = 'ftrace';
const L = (comm: string, pid: number, flags: string, ts: string, ev: string, payload: string) => formLine(form, comm, pid, 1, flags, ts, ev, payload);

describe.each(FORMS)('pairing (%s)', (f) => {
  beforeEach(() => {
    form = f;
  });

  it('a WS issue is not completed by an R completion of the same sector 90 s later', async () => {
    const { paths } = await run(
      [
        L('fio', 4392, '.....', '8018.230000', 'block_rq_issue', '254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]'),
        L('<idle>', 0, '..s1.', '8108.330000', 'block_rq_complete', '254,0 R () 46697520 + 8 be,0,4 [0]'),
      ],
    );
    const w = paths.find((p) => p.dir === 'W');
    expect(w?.mode).toBe('unresolved');
    expect(w?.unresolvedReason).toBe('timeout');
    expect(w?.deviceComplete).toBeUndefined();
    const r = paths.find((p) => p.dir === 'R');
    expect(r?.unresolvedReason).toBe('trace_start');
  });

  it('nor by a completion of another direction or a larger size at once', async () => {
    const { paths } = await run(
      [
        L('fio', 4392, '.....', '100.000000', 'block_rq_issue', '254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]'),
        L('<idle>', 0, '..s1.', '100.000100', 'block_rq_complete', '254,0 R () 46697520 + 8 be,0,4 [0]'),
        L('<idle>', 0, '..s1.', '100.000200', 'block_rq_complete', '254,0 WS () 46697520 + 16 be,0,4 [0]'),
        L('<idle>', 0, '..s1.', '100.000300', 'block_rq_complete', '254,0 WS () 46697520 + 8 be,0,4 [0]'),
      ],
    );
    const issued = paths.filter((p) => p.issue);
    expect(issued).toHaveLength(1);
    expect(issued[0]?.deviceComplete?.line).toBe(f === 'trace-cmd' ? 5 : 4);
    expect(issued[0]?.mode === 'irq-inline' || issued[0]?.unresolvedReason === 'no_context').toBe(true);
  });

  it('an I/O in flight past the timeout when the trace ends is timeout, not trace_end or lost', async () => {
    const { a, paths } = await run(
      [
        L('fio', 4392, '.....', '100.000000', 'block_rq_issue', '254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]'),
        L('fio', 4392, '.....', '100.500000', 'block_rq_issue', '254,0 WS 4096 () 46697528 + 8 be,0,4 [fio]'),
        L('<idle>', 0, '..s1.', '100.500100', 'block_rq_complete', '254,0 WS () 46697528 + 8 be,0,4 [0]'),
        L('fio', 4392, '.....', '135.000000', 'block_rq_issue', '254,0 WS 4096 () 46697536 + 8 be,0,4 [fio]'),
      ],
    );
    expect(paths[0]?.unresolvedReason).toBe('timeout');
    expect(paths[2]?.unresolvedReason).toBe('trace_end');
    expect(a.dataLoss.vanishedIos).toBe(0);
  });
});
