import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareAnalyses } from '../../src/compare/compare.js';
import { loadAnalysis } from '../../src/compare/load.js';
import type { Analysis } from '../../src/model/analysis.js';
import { HAS_SHARED, SHARED_TRACES } from '../helpers/paths.js';

/**
 * The shared real captures (2-vCPU VM, Linux 6.18, virtio-blk IRQ on CPU 1, fio libaio iodepth 32):
 *  - randwrite with fio on CPU 1 (the IRQ's CPU, where the dio kworker runs) vs on CPU 0: the same
 *    kernel path — every write completes in a kworker — but only on CPU 1 does the kworker (and the
 *    block softirq) take fio's CPU and preempt fio. fio's own numbers: 28.1k vs 55.9k IOPS.
 *  - randwrite vs randread, both on CPU 1: reads complete inline in the block softirq, no kworker;
 *    a different workload, which the verdict must say.
 * Skipped where the captures are absent.
 */

let cpu1: Analysis;
let cpu0: Analysis;
let read1: Analysis;

describe.skipIf(!HAS_SHARED)('compare on the shared real captures', () => {
  beforeAll(async () => {
    cpu1 = await loadAnalysis(join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw.raw.txt.gz'));
    cpu0 = await loadAnalysis(join(SHARED_TRACES, 'libaio-randwrite-cpu0.raw.txt.gz'));
    read1 = await loadAnalysis(join(SHARED_TRACES, 'libaio-randread-cpu1.raw.txt.gz'));
  }, 120_000);

  it('fio on the IRQ CPU vs off it: about twice the IOPS, the kworker stops preempting fio', () => {
    const r = compareAnalyses([cpu1], [cpu0], { labelBefore: 'fio on CPU 1', labelAfter: 'fio on CPU 0' });
    expect(r.iops.significant).toBe(true);
    expect(r.iops.changePct).toBeGreaterThan(80);
    expect(r.iops.changePct).toBeLessThan(120);
    expect(r.iops.ci95![0]).toBeGreaterThan(50);
    // Same mechanism on both sides: completions deferred to a kworker on CPU 1.
    expect(r.modes['kworker-deferred'].before).toBeGreaterThan(90);
    expect(r.modes['kworker-deferred'].after).toBeGreaterThan(99);
    expect(r.before.kworkerCpus[0]?.cpu).toBe(1);
    expect(r.after.kworkerCpus[0]?.cpu).toBe(1);
    expect(r.before.submitterCpus).toEqual([1]);
    expect(r.after.submitterCpus).toEqual([0]);
    // What changed is who pays: fio's CPU no longer runs softirq and kworker, fio is not preempted.
    expect(r.perIo.submitterPreemptions.before).toBeGreaterThan(0.15);
    expect(r.perIo.submitterPreemptions.after).toBeLessThan(0.005);
    expect(r.cpu.before.shares.softirq + r.cpu.before.shares.kworker).toBeGreaterThan(15);
    expect(r.cpu.after.shares.softirq + r.cpu.after.shares.kworker).toBeLessThan(1);
    expect(r.cpu.before.shares.idle).toBeLessThan(1);
    expect(r.verdict).toContain('completions ran mostly in a kworker on both sides');
    expect(r.verdict).toContain('fio moved from CPU 1 to CPU 0, away from the interrupt and the kworker (CPU 1)');
    expect(r.verdict).toContain('fio is no longer preempted by a kworker');
    expect(r.verdict).toContain('saturated before, not after');
    expect(r.verdict).toContain('One run per side');
    expect(r.after.stalledWindows).toBeGreaterThan(0);
  });

  it('randwrite vs randread on CPU 1: kworker → block softirq, and a warning that the workloads differ', () => {
    const r = compareAnalyses([cpu1], [read1], { labelBefore: 'randwrite', labelAfter: 'randread' });
    expect(r.iops.significant).toBe(true);
    expect(r.iops.changePct).toBeGreaterThan(10);
    expect(r.modes['kworker-deferred'].before).toBeGreaterThan(90);
    expect(r.modes['irq-inline'].after).toBeGreaterThan(95);
    expect(r.irqContext.softirq.after).toBeGreaterThan(95);
    expect(r.modes['irq-inline'].significant).toBe(true);
    expect(r.latencyUs.completion?.p50.significant).toBe(true);
    expect(r.latencyUs.completion!.p50.after).toBeLessThan(5);
    expect(r.verdict).toContain('completions moved from a kworker (92.8%) to the block softirq (97.9%)');
    expect(r.verdict).toContain('The sides do different I/O (randwrite: writes; randread: reads)');
    expect(r.warnings.some((w) => w.startsWith('The sides do different I/O'))).toBe(true);
  });
});
