import { beforeAll, describe, expect, it } from 'vitest';
import { compareAnalyses } from '../../src/compare/compare.js';
import type { Analysis } from '../../src/model/analysis.js';
import type { PresetName } from '../../src/sim/index.js';
import { simAnalysis } from './helpers.js';

/**
 * No change, no finding: runs of one preset that differ only in their seed must say "no detectable
 * difference" in IOPS in at least 95% of pairs (the interval's level), and must not invent a change
 * of completion mode or of latency.
 *
 * The simulator is not deterministic across seeds — device service times, wakeups and interrupt
 * batching are random — so IOPS really differ between runs (by ~1% for these presets, about what
 * the windows' noise predicts), as they do between real runs; the test checks that, so it cannot
 * pass vacuously. Every pair of K runs is compared (K·(K−1)/2 pairs; pairs share runs, so they are
 * not independent, but each is a fair null comparison). The runs are short (18 and 13 complete
 * 10 ms windows), the hard case for a bootstrap interval: before the small-sample expansion the
 * rate of false differences was 5.8% for vm-cpu1 over 780 pairs; with it, 3.1% (vm-cpu0: 1.4%).
 * The many-pair check leaves latency out (its bootstraps cost ~0.3 s a pair); latency gets its own
 * check on disjoint pairs with the full computation.
 */

interface Setup {
  preset: PresetName;
  ios: number;
  runs: number;
}

const SETUPS: Setup[] = [
  { preset: 'vm-cpu1', ios: 5000, runs: 14 },
  { preset: 'vm-cpu0', ios: 8000, runs: 10 },
];

const runs = new Map<PresetName, Analysis[]>();

beforeAll(async () => {
  for (const s of SETUPS) {
    const list: Analysis[] = [];
    for (let k = 0; k < s.runs; k++) list.push(await simAnalysis(s.preset, 500 + k, s.ios));
    runs.set(s.preset, list);
  }
}, 120_000);

/** Pairs compared and pairs whose verdict says "no detectable difference" in IOPS and in the mode mix. */
function nullPairs(list: Analysis[]): { pairs: number; quietIops: number; quietModes: number } {
  let pairs = 0;
  let quietIops = 0;
  let quietModes = 0;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const r = compareAnalyses([list[i]!], [list[j]!], { seed: 1000 * i + j, latency: false });
      pairs++;
      expect(r.iops.ci95).not.toBeNull();
      const quiet = r.verdict.includes('no detectable difference in IOPS');
      expect(quiet).toBe(!r.iops.significant);
      if (quiet) quietIops++;
      if (r.verdict.includes('no detectable change in the mix')) quietModes++;
    }
  }
  return { pairs, quietIops, quietModes };
}

describe('two runs of one preset', () => {
  it('differ in IOPS: the simulator is not deterministic across seeds', () => {
    for (const s of SETUPS) {
      const iops = runs.get(s.preset)!.map((a) => a.iops);
      expect(new Set(iops.map((x) => Math.round(x))).size).toBe(iops.length);
      expect((Math.max(...iops) - Math.min(...iops)) / Math.min(...iops)).toBeGreaterThan(0.005);
    }
  });

  it('say "no detectable difference" in IOPS and mode mix in ≥ 95% of seed pairs', () => {
    let pairs = 0;
    let quiet = 0;
    for (const s of SETUPS) {
      const r = nullPairs(runs.get(s.preset)!);
      pairs += r.pairs;
      quiet += r.quietIops;
      expect(r.quietModes).toBe(r.pairs);
      // Pairs that share one atypical run fail together: here every false difference involves seed
      // 507 (vm-cpu1: 3 of 91 pairs) or seed 505 (vm-cpu0: 3 of 45), so the 95% is asserted over all
      // 136 pairs (130 quiet), with a floor per preset. Over 780 pairs of 40 other seeds the rates
      // were 3.1% (vm-cpu1) and 1.4% (vm-cpu0).
      expect(r.quietIops / r.pairs).toBeGreaterThanOrEqual(0.9);
    }
    expect(pairs).toBe(91 + 45);
    expect(quiet / pairs).toBeGreaterThanOrEqual(0.95);
  });

  it('no detectable difference in total latency between disjoint pairs of runs', () => {
    for (const s of SETUPS) {
      const list = runs.get(s.preset)!;
      for (let i = 0; i + 1 < 8; i += 2) {
        const r = compareAnalyses([list[i]!], [list[i + 1]!], { seed: i, latencyResamples: 500 });
        expect(r.verdict).toContain('No detectable difference in total latency');
        expect(r.latencyUs.total?.designEffect).toBeGreaterThan(1);
      }
    }
  });
});
