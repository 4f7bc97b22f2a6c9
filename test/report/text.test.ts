import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { Analysis } from '../../src/model/analysis.js';
import { formatAnalysisText } from '../../src/report/text.js';
import { FIXTURES } from '../helpers/paths.js';

/** The text summary says what the trace could not measure instead of printing zeros for it. */

let blockOnly: Analysis;
let withSched: Analysis;
beforeAll(async () => {
  blockOnly = (await analyzeTrace(join(FIXTURES, 'excerpts', 'perf-block-only.txt'))).analysis;
  withSched = (await analyzeTrace(join(FIXTURES, 'excerpts', 'ftrace-libaio-randwrite-cpu1.txt'))).analysis;
});

const perIoLine = (a: Analysis): string => formatAnalysisText(a).split('\n').find((l) => l.startsWith('Per I/O:')) ?? '';

describe('the Per I/O line', () => {
  it('without sched_switch events: context switches are not counted, no 0.000', () => {
    const line = perIoLine(blockOnly);
    expect(line).toContain('context switches and submitter preemptions are not counted (no sched_switch events)');
    expect(line).not.toMatch(/\d\.\d{3} context switches/);
    expect(line).toMatch(/per deferred I\/O: \d+\.\d\d µs of kworker CPU/);
  });

  it('with them: the counts, as measured', () => {
    const line = perIoLine(withSched);
    expect(line).toContain(`${withSched.perIo.contextSwitches.toFixed(3)} context switches on the submitters' CPUs`);
    expect(line).toContain(`${withSched.perIo.submitterPreemptions.toFixed(3)} submitter preemptions by a kworker`);
    expect(line).not.toContain('not counted');
  });
});
