import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { oracleCount } from '../helpers/oracle.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * The bundled real excerpts (fixtures/real): cut out of whole captures, so I/Os in flight at either
 * cut are partial. Every completion whose submission is in the excerpt must get the context the
 * naive oracle reads off its line; the partial ones must be unresolved with the right reason.
 */
describe('bundled real excerpts', { timeout: 60_000 }, () => {
  for (const name of ['libaio-randwrite-cpu1.ftrace.txt.gz', 'libaio-randwrite-cpu0.ftrace.txt.gz']) {
    it(`${name}: modes equal the oracle; cut I/Os are unresolved as trace_start / trace_end`, async () => {
      const file = join(FIXTURES, 'real', name);
      const [{ analysis: a }, o] = await Promise.all([analyzeTrace(file), oracleCount(file)]);
      const matched = o.byContext.hardirq + o.byContext.softirq + o.byContext.kworker + o.byContext.task;
      expect(matched).toBeGreaterThan(4000);
      expect(a.ios.byMode['kworker-deferred']).toBe(o.byContext.kworker);
      expect(a.ios.byMode['task-inline']).toBe(o.byContext.task);
      expect(a.ios.byMode['irq-inline']).toBe(o.byContext.hardirq + o.byContext.softirq);
      expect(a.ios.unresolvedReasons.trace_start ?? 0).toBe(o.completes - matched);
      expect(a.ios.unresolvedReasons.trace_end ?? 0).toBe(o.begins - matched);
      expect(a.ios.total).toBe(matched + (o.completes - matched) + (o.begins - matched));
      expect(a.input.diagnostics.malformed_line ?? 0).toBe(0);
    });
  }

  it('fio on the IRQ CPU (cpu1) pays for deferral; fio on the other CPU (cpu0) is not preempted', async () => {
    const { analysis: one } = await analyzeTrace(join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'));
    const { analysis: zero } = await analyzeTrace(join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz'));
    expect(one.perIo.submitterPreemptions).toBeGreaterThan(0.05);
    expect(zero.perIo.submitterPreemptions).toBeLessThan(0.01);
    expect(one.submitters[0]?.cpus).toEqual([1]);
    expect(zero.submitters[0]?.cpus).toEqual([0]);
    // The kworker runs where the interrupt lands (CPU 1) in both.
    expect(one.kworkers[0]?.cpu).toBe(1);
    expect(zero.kworkers[0]?.cpu).toBe(1);
    expect(one.explanation).toMatch(/kworker\/1:\d+ on CPU 1, the CPU fio runs on/);
  });
});
