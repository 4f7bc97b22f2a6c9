import { describe, expect, it } from 'vitest';
import { countRate } from '../../src/compare/cpu.js';
import { evaluateGate, gateFailure, parseGate } from '../../src/compare/gate.js';
import type { CompareResult, QuantileComparison } from '../../src/compare/schema.js';
import { expandedLevel, rebin, stalledWindows, tQuantile } from '../../src/compare/throughput.js';
import { IopathError } from '../../src/model/errors.js';

/** The small pieces: window re-binning, the small-sample expansion, the count-rate test, gates. */

describe('throughput helpers', () => {
  it('re-bins windows to a coarser length and drops a partial last group', () => {
    expect(rebin([1, 2, 3, 4, 5], 2)).toEqual([3, 7]);
    expect(rebin([1, 2, 3], 1)).toEqual([1, 2, 3]);
  });

  it('has Student t quantiles within 0.2% for df ≥ 3', () => {
    const exact: [number, number][] = [
      [3, 3.182446],
      [9, 2.262157],
      [17, 2.109816],
      [100, 1.983972],
    ];
    for (const [df, t] of exact) expect(Math.abs(tQuantile(0.975, df) / t - 1)).toBeLessThan(0.002);
  });

  it('widens a 95% bootstrap interval for few windows and hardly at all for many', () => {
    expect(expandedLevel(0.95, 18)).toBeGreaterThan(0.965);
    expect(expandedLevel(0.95, 1000)).toBeLessThan(0.951);
    expect(expandedLevel(0.95, 1000)).toBeGreaterThan(0.95);
  });

  it('counts windows where completions (nearly) stopped', () => {
    expect(stalledWindows([[600, 610, 0, 590, 40, 605]])).toBe(2);
    expect(stalledWindows([[5, 6, 5]])).toBe(0);
  });
});

describe('count-rate test', () => {
  it('tells 0.21 from 0.00 preemptions per I/O, and not 0.100 from 0.101', () => {
    expect(countRate(4267, 20000, 0, 20000).pValue).toBeLessThan(1e-10);
    expect(countRate(2000, 20000, 2020, 20000).pValue).toBeGreaterThan(0.5);
    expect(countRate(0, 100, 0, 100).pValue).toBe(1);
    // Exact branch (small counts): 0 of 5 vs 5 of 5 expected → two-sided 2·0.5^5.
    expect(countRate(5, 100, 0, 100).pValue).toBeCloseTo(0.0625, 6);
  });
});

describe('regression gates', () => {
  it('parses METRIC[:THRESHOLD] and refuses unknown metrics', () => {
    expect(parseGate('iops')).toMatchObject({ metric: 'iops', threshold: 0 });
    expect(parseGate('p99:5')).toMatchObject({ metric: 'p99', threshold: 5 });
    expect(parseGate('completion.p90:2.5%')).toMatchObject({ metric: 'completion.p90', threshold: 2.5 });
    expect(parseGate('deferralWait.p99')).toMatchObject({ metric: 'deferralWait.p99' });
    for (const bad of ['latency', 'bogus.p99', 'iops:-3']) expect(() => parseGate(bad)).toThrow(expect.objectContaining({ kind: 'usage' }));
    expect(() => parseGate('latency')).toThrow(IopathError);
  });

  const q = (before: number, after: number, ci: [number, number] | null): QuantileComparison => ({ before, after, diff: after - before, ci95: ci, significant: ci !== null && (ci[0] > 0 || ci[1] < 0) });
  const result = (iops: { changePct: number; ci95: [number, number] | null }, p99: QuantileComparison): CompareResult =>
    ({
      level: 0.95,
      iops: { before: 100, after: 100 + iops.changePct, ...iops, significant: iops.ci95 !== null && (iops.ci95[0] > 0 || iops.ci95[1] < 0), method: '' },
      latencyUs: { total: { p50: p99, p90: p99, p99 } },
    }) as unknown as CompareResult;

  it('fails only on a detectable change that is worse than the threshold; undecided never fails', () => {
    const flat = q(100, 101, [-2, 4]);
    expect(evaluateGate(result({ changePct: -10, ci95: [-12, -8] }, flat), parseGate('iops')).status).toBe('regressed');
    expect(evaluateGate(result({ changePct: -10, ci95: [-12, -8] }, flat), parseGate('iops:15')).status).toBe('ok');
    expect(evaluateGate(result({ changePct: -10, ci95: [-21, 1] }, flat), parseGate('iops')).status).toBe('ok');
    expect(evaluateGate(result({ changePct: 10, ci95: [8, 12] }, flat), parseGate('iops')).status).toBe('ok');
    expect(evaluateGate(result({ changePct: -10, ci95: null }, flat), parseGate('iops')).status).toBe('undecided');
    const worse = result({ changePct: 0, ci95: [-1, 1] }, q(100, 120, [10, 30]));
    expect(evaluateGate(worse, parseGate('p99')).status).toBe('regressed');
    expect(evaluateGate(worse, parseGate('p99:25')).status).toBe('ok');
    expect(evaluateGate(worse, parseGate('device.p99')).status).toBe('undecided');
    const outcomes = [evaluateGate(worse, parseGate('p99:25')), evaluateGate(worse, parseGate('p99'))];
    expect(gateFailure(outcomes)).toMatchObject({ kind: 'regression', message: 'regression: p99' });
    expect(gateFailure(outcomes.slice(0, 1))).toBeNull();
  });
});
