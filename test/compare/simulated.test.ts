import { beforeAll, describe, expect, it } from 'vitest';
import { compareAnalyses } from '../../src/compare/compare.js';
import type { Analysis } from '../../src/model/analysis.js';
import { simAnalysis } from './helpers.js';

/**
 * The RFC story, simulated: 4.18 completes overwrites in hardirq, 5.10 defers every one to a
 * kworker on fio's CPU (−19% IOPS in the simulator, −19% measured), and the patch brings the 4.18
 * path back. compare must find those changes — direction, rough size, significance — and name the
 * mechanism. 35 000 I/Os give 12–15 complete 10 ms windows per run, enough for an interval.
 * (4.18 and patched take the same path, so they run with different seeds to be different runs.)
 */

const IOS = 35_000;
let legacy: Analysis;
let iomap: Analysis;
let patched: Analysis;

beforeAll(async () => {
  legacy = await simAnalysis('seed-4.18', 1, IOS);
  iomap = await simAnalysis('seed-5.10', 2, IOS);
  patched = await simAnalysis('seed-patched', 3, IOS);
}, 120_000);

describe('compare on simulated kernels', () => {
  it('seed-5.10 → seed-patched: ~+24% IOPS, kworker → hardirq, fio no longer preempted', () => {
    const r = compareAnalyses([iomap], [patched], { labelBefore: '5.10', labelAfter: 'patched' });
    expect(r.schema).toBe('iopath.compare/1');
    expect(r.before.windows).toBeGreaterThanOrEqual(10);
    expect(r.iops.significant).toBe(true);
    expect(r.iops.changePct).toBeGreaterThan(15);
    expect(r.iops.changePct).toBeLessThan(35);
    const [lo, hi] = r.iops.ci95!;
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThanOrEqual(r.iops.changePct!);
    expect(hi).toBeGreaterThanOrEqual(r.iops.changePct!);
    // The mode mix flips completely, and the tests say so.
    expect(r.modes['kworker-deferred'].before).toBeGreaterThan(99);
    expect(r.modes['kworker-deferred'].after).toBeLessThan(1);
    expect(r.modes['irq-inline'].after).toBeGreaterThan(99);
    expect(r.modes['kworker-deferred'].significant).toBe(true);
    expect(r.modes['irq-inline'].pAdjusted!).toBeLessThan(1e-6);
    expect(r.irqContext.hardirq.after).toBeGreaterThan(99);
    // The cost that went away: preemptions, context switches, kworker CPU.
    expect(r.perIo.submitterPreemptions.before).toBeGreaterThan(0.3);
    expect(r.perIo.submitterPreemptions.after).toBeLessThan(0.01);
    expect(r.perIo.contextSwitches.after).toBeLessThan(r.perIo.contextSwitches.before);
    expect(r.cpu.after.shares.kworker).toBeLessThan(r.cpu.before.shares.kworker);
    expect(r.verdict).toMatch(/^patched: \+\d+\.\d% IOPS vs 5\.10 \(95% CI \+\d+\.\d\.\.\+\d+\.\d/);
    expect(r.verdict).toContain('completions moved from a kworker (100%) to hardirq (100%)');
    expect(r.verdict).toContain('fio is no longer preempted by a kworker');
    expect(r.verdict).toContain('One run per side');
    expect(r.verdict).not.toContain('no detectable difference in IOPS');
  });

  it('seed-4.18 → seed-5.10: ~−19% IOPS, hardirq → kworker, fio now preempted', () => {
    const r = compareAnalyses([legacy], [iomap], { labelBefore: '4.18', labelAfter: '5.10' });
    expect(r.iops.significant).toBe(true);
    expect(r.iops.changePct).toBeLessThan(-12);
    expect(r.iops.changePct).toBeGreaterThan(-26);
    expect(r.iops.ci95![1]).toBeLessThan(0);
    expect(r.modes['irq-inline'].before).toBeGreaterThan(99);
    expect(r.modes['kworker-deferred'].after).toBeGreaterThan(99);
    expect(r.modes['kworker-deferred'].significant).toBe(true);
    expect(r.perIo.submitterPreemptions.pValue).toBeLessThan(1e-6);
    expect(r.perIo.deferredCpuUsPerIo.after).toBeGreaterThan(0);
    expect(r.verdict).toMatch(/^5\.10: -\d+\.\d% IOPS vs 4\.18/);
    expect(r.verdict).toContain('completions moved from hardirq (100%) to a kworker (100%)');
    expect(r.verdict).toContain('fio is now preempted by a kworker');
  });

  it('is reproducible for a seed and stable in its JSON form', () => {
    const a = compareAnalyses([iomap], [patched], { seed: 7 });
    const b = compareAnalyses([iomap], [patched], { seed: 7 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const json = JSON.parse(JSON.stringify(a)) as Record<string, unknown>;
    for (const k of ['schema', 'before', 'after', 'iops', 'modes', 'latencyUs', 'cpu', 'perIo', 'method', 'warnings', 'verdict']) expect(json).toHaveProperty(k);
    expect(json).toHaveProperty('before.label');
    expect(json).toHaveProperty('before.ios');
    expect(json).toHaveProperty('before.iops');
    expect(json).toHaveProperty('before.byMode.kworker-deferred');
    expect(json).toHaveProperty('latencyUs.total.p50.ci95');
    expect(json).toHaveProperty('latencyUs.total.p99.before');
    expect(json).toHaveProperty('latencyUs.total.pValue');
    expect(json).toHaveProperty('modes.irq-inline.pValue');
    expect(a.method.iops).toMatch(/block bootstrap/);
  });

  it('pools several runs per side with the two-stage bootstrap and drops the one-run warning', () => {
    const r = compareAnalyses([iomap, iomap], [patched, legacy]);
    expect(r.before.runs).toBe(2);
    expect(r.after.runs).toBe(2);
    expect(r.before.ios).toBe(2 * iomap.ios.total);
    expect(r.iops.method).toMatch(/two-stage/);
    expect(r.iops.significant).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('One run'))).toBe(false);
    expect(r.verdict).not.toContain('One run');
  });
});
