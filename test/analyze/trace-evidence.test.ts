import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { join } from 'node:path';
import { FIXTURES, textSource } from '../helpers/paths.js';

/**
 * Outputs state only what the trace shows: the irq-inline sentence without workqueue events says
 * what it cannot see; CPUs no event came from are not listed; a missed sched_switch is reported
 * only by traces that trace switches; a completion-only request keeps the device its line names.
 */

const ISSUE = '             fio-4392    [002] .....   256.515736: block_rq_issue: 254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]';
const DONE = '          <idle>-0       [002] ..s1.   256.515763: block_rq_complete: 254,0 WS () 46697520 + 8 be,0,4 [0]';
const QW = '          <idle>-0       [000] d.s1.   256.515700: workqueue_queue_work: work struct=000000006c12a01f function=blk_mq_run_work_fn workqueue=kblockd req_cpu=256 cpu=0';

async function run(lines: string[]) {
  const paths: IoPath[] = [];
  const r = await analyzeTrace(textSource(`${lines.join('\n')}\n`), { onPath: (p) => paths.push(p) });
  return { a: r.analysis, paths };
}

describe('what the trace shows', () => {
  it('irq-inline without workqueue events says a kworker would not be seen; with them, none was involved', async () => {
    const without = (await run([ISSUE, DONE])).a.explanation;
    expect(without).toMatch(/as far as the trace shows: it has no workqueue events/);
    expect(without).not.toMatch(/no kworker involved/);
    const withWq = (await run([QW, ISSUE, DONE])).a.explanation;
    expect(withWq).toMatch(/with no kworker involved/);
  });

  it('without sched_switch events the explanation counts no context switches; with them it does', async () => {
    const { analysis: none } = await analyzeTrace(join(FIXTURES, 'excerpts', 'perf-block-only.txt'));
    expect(none.explanation).toContain('no sched_switch events: context switches are not counted');
    expect(none.explanation).not.toMatch(/context switches per I\/O/);
    const { analysis: some } = await analyzeTrace(join(FIXTURES, 'excerpts', 'ftrace-libaio-randwrite-cpu1.txt'));
    expect(some.explanation).toMatch(/\d\.\d\d context switches per I\/O/);
  });

  it('CPUs 0 and 1, never seen, are not listed with time', async () => {
    const { a } = await run([ISSUE, DONE]);
    expect(a.cpus.map((c) => c.cpu)).toEqual([2]);
  });

  it('untraced_switch only where sched_switch is traced', async () => {
    const other = '            bash-4535    [002] .....   256.515800: block_rq_issue: 254,0 W 8192 () 172766832 + 16 be,0,4 [bash]';
    const noSched = await run([ISSUE, DONE, other]);
    expect(noSched.a.input.diagnostics.untraced_switch ?? 0).toBe(0);
    const sw = '             fio-4392    [002] d..2.   256.515740: sched_switch: prev_comm=fio prev_pid=4392 prev_prio=120 prev_state=D ==> next_comm=fio next_pid=4392 next_prio=120';
    const withSched = await run([ISSUE, sw, DONE, other]);
    expect(withSched.a.input.diagnostics.untraced_switch).toBeGreaterThan(0);
  });

  it('a completion-only request keeps its device', async () => {
    const { paths } = await run(['          <idle>-0       [001] ..s1.   256.515763: block_rq_complete: 7,1 WS () 296888 + 8 be,0,4 [0]']);
    expect(paths[0]?.unresolvedReason).toBe('trace_start');
    expect(paths[0]?.dev).toBe('7,1');
  });
});
