import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { textSource } from '../helpers/paths.js';

/**
 * Who completed it: a block completion in the task context of the task that issued the request
 * (a loop or zram submitter, mmcqd, a task flushing its own plug) is `submitter` with that pid;
 * every completion keeps the pid and comm its line names. Lines in the form of the 6.18 captures.
 */

async function run(lines: string[]) {
  const paths: IoPath[] = [];
  const r = await analyzeTrace(textSource(`${lines.join('\n')}\n`), { onPath: (p) => paths.push(p) });
  return { a: r.analysis, paths };
}

describe('completer', () => {
  it('completion in the issuing task is submitter, with its pid', async () => {
    const { paths } = await run([
      '    kworker/u9:2-4812    [000] .....   612.004100: block_rq_issue: 7,0 WS 4096 () 296888 + 8 none,0,0 [kworker/u9:2]',
      '             fio-5120    [000] .....   612.004300: block_rq_issue: 253,0 W 4096 () 1288 + 8 none,0,0 [fio]',
      '             fio-5120    [000] .....   612.004310: block_rq_complete: 253,0 W () 1288 + 8 none,0,0 [0]',
    ]);
    const z = paths.find((p) => p.dev === '253,0');
    expect(z?.mode).toBe('task-inline');
    expect(z?.taskKind).toBe('submitter');
    expect(z?.completion?.pid).toBe(5120);
    expect(z?.completion?.comm).toBe('fio');
  });

  it('another task: other-task with that task; an interrupt keeps the interrupted task (never pid -1)', async () => {
    const { paths } = await run([
      '             fio-5120    [000] .....   612.004300: block_rq_issue: 254,0 WS 4096 () 1288 + 8 be,0,4 [fio]',
      '     ksoftirqd/0-14      [000] .....   612.004310: block_rq_complete: 254,0 WS () 1288 + 8 be,0,4 [0]',
      '             fio-5120    [000] .....   612.004400: block_rq_issue: 254,0 WS 4096 () 2288 + 8 be,0,4 [fio]',
      '          <idle>-0       [001] ..s1.   612.004510: block_rq_complete: 254,0 WS () 2288 + 8 be,0,4 [0]',
    ]);
    const [a, b] = paths.sort((x, y) => x.id - y.id);
    expect(a?.taskKind).toBe('other-task');
    expect(a?.completion).toMatchObject({ pid: 14, comm: 'ksoftirqd/0' });
    expect(b?.mode).toBe('irq-inline');
    expect(b?.completion).toMatchObject({ pid: 0, ctx: 'softirq' });
  });
});
