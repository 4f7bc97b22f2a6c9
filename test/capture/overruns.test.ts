import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureTrace } from '../../src/capture/capture.js';
import { formatLossWarning, lossBetween, parseCpuStats, type CpuStats } from '../../src/capture/overruns.js';
import { makeFakeTracefs, q, stats, testDeps, type FakeTracefs } from './fake-tracefs.js';

/** Ring-buffer overflow: the stats parser, the before/after comparison and the warning. */

// A real per_cpu/cpu1/stats after the 64 KB-buffer capture of 20000 I/Os.
const REAL = `entries: 1870
overrun: 188240
commit overrun: 0
bytes: 57244
oldest event ts:   291.861545
now ts:   293.421070
dropped events: 0
read events: 0
`;

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

describe('overruns', () => {
  it('parses a real stats file', () => {
    expect(parseCpuStats(REAL)).toEqual({ entries: 1870, overrun: 188240, commitOverrun: 0, dropped: 0, read: 0 });
    expect(parseCpuStats(REAL.replace('read events: 0', 'read events: 4117'))).toMatchObject({ read: 4117 });
    expect(parseCpuStats('')).toEqual({ entries: 0, overrun: 0, commitOverrun: 0, dropped: 0, read: 0 });
  });

  it('counts what grew per CPU, and from zero when the counters were reset', () => {
    const s = (overrun: number, dropped: number, commitOverrun = 0): CpuStats => ({ entries: 0, overrun, dropped, commitOverrun, read: 0 });
    const before = new Map([[0, s(5, 0)], [1, s(100, 2)], [2, s(7, 7)]]);
    const after = new Map([[0, s(5, 0)], [1, s(150, 2, 1)], [2, s(3, 0)], [3, s(0, 9)]]);
    expect(lossBetween(before, after)).toEqual([
      { cpu: 1, overrun: 50, commitOverrun: 1, dropped: 0, lost: 51 },
      { cpu: 2, overrun: 3, commitOverrun: 0, dropped: 0, lost: 3 },
      { cpu: 3, overrun: 0, commitOverrun: 0, dropped: 9, lost: 9 },
    ]);
  });

  it('warns with per-CPU counts and says the affected I/Os will be unresolved', () => {
    const w = formatLossWarning([{ cpu: 1, overrun: 188240, commitOverrun: 0, dropped: 0, lost: 188240 }], 64).join('\n');
    expect(w).toContain('cpu1 lost 188240 events (overrun 188240, dropped 0)');
    expect(w).toContain('unresolved (lost_events)');
    expect(w).toContain('--buffer-kb (this run: 64 KB per CPU)');
    expect(formatLossWarning([], 64)).toEqual([]);
  });

  it('a capture whose buffer overflowed on one CPU reports that CPU only', async () => {
    fake = makeFakeTracefs({ files: { 'per_cpu/cpu0/stats': stats(10, 0), 'per_cpu/cpu1/stats': stats(0, 4) } });
    // The "kernel" overflows CPU 1 while the command runs; CPU 0's old count does not grow.
    const script = `printf '%s' ${q(stats(0, 0).replace('overrun: 0\ncommit', 'overrun: 188240\ncommit').replace('dropped events: 0', 'dropped events: 4'))} > ${q(join(fake.root, 'per_cpu/cpu1/stats'))}`;
    const deps = testDeps();
    const r = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['sh', '-c', script], bufferKb: 64 }, deps);
    expect(r.loss).toEqual([{ cpu: 1, overrun: 188240, commitOverrun: 0, dropped: 0, lost: 188240 }]);
    const log = deps.lines.join('\n');
    expect(log).toContain('warning: the ring buffer overflowed: cpu1 lost 188240 events (overrun 188240, dropped 0).');
    expect(log).toContain('unresolved (lost_events)');
    expect(log).not.toContain('no events lost');
  });
});
