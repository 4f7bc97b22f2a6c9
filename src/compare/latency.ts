import { COMPLETION_MODES, PHASES, type CompletionMode, type Phase } from '../model/io.js';
import { NS_PER_S, NS_PER_US } from '../model/time.js';
import { bootstrapQuantileDiffs, deriveSeed, hodgesLehmann, mannWhitneyU, normalQuantile, twoSidedP, type Seed } from '../stats/index.js';
import type { Group, PooledDistribution, PooledSide } from './pool.js';
import type { LatencyComparison, QuantileComparison } from './schema.js';

/**
 * Latency per phase (and per phase within each mode), before vs after.
 *
 * Point estimates: p50/p90/p99 from the merged quantile sketches (every I/O, ≤ 0.5% relative
 * error), so they match what `analyze` prints. Intervals: percentile bootstrap of the difference
 * of quantiles from the raw samples (a uniform reservoir of ≤ 2000 values per phase and run),
 * shifted to centre on the sketch difference. The spread of a 2000-value sample's quantile is
 * larger than that of the whole trace's, so on long traces the interval is conservative.
 * A quantile gets no interval when a side has fewer than MIN_TAIL sampled values beyond it (p99
 * needs 500 values): the bootstrap of an extreme order statistic from a handful of points is not
 * a confidence interval.
 *
 * Test: Mann-Whitney U on the samples (latencies are skewed and heavy-tailed, so no t-test), with
 * the rank-biserial correlation, the probability that an after-latency exceeds a before-latency,
 * and the Hodges–Lehmann shift as effect sizes.
 *
 * Dependence. The bootstrap and the rank test treat sampled I/Os as independent; they are not: I/Os
 * in flight together share the device queue, the interrupt batch and the kworker wakeup, so their
 * latencies move together, and a reservoir that holds a large share of a short trace holds many
 * such neighbours. Left alone, two runs of one simulated configuration "differ" in a deferral-wait
 * quantile in up to a quarter of pairs. The Analysis keeps no completion time with the sampled
 * values (which would allow a block bootstrap over time), so we correct with a design effect:
 * each sampled I/O overlaps about 2L − 1 others (L = IOPS × mean latency, Little's law), a share f
 * of which are in the sample (f = sample size / I/Os), and with correlation at most 1 the variance
 * of a mean or quantile grows by at most deff = 1 + (2L − 1)·f. Intervals are widened by √deff about
 * their estimate and the rank test's z divided by √deff (the larger deff of the two sides). On long
 * traces f is small and deff ≈ 1; what no correction can add is run-to-run variation, which needs
 * several runs per side.
 */

export const LATENCY_METHOD =
  "p50/p90/p99 from merged quantile sketches (≤0.5% relative error); 95% intervals of after − before by percentile bootstrap of the raw samples (≤2000 per phase and run), centred on the sketch difference, none when a side has < 5 sampled values beyond the quantile; Mann-Whitney U (two-sided) on the samples with rank-biserial correlation, P(after > before) and Hodges–Lehmann shift. Intervals widened by √deff and rank-test z divided by √deff, deff = 1 + (2L − 1)·f for I/Os in flight together (L = IOPS × mean latency, f = sampled share of I/Os): sampled I/Os are not independent.";

const QS = [0.5, 0.9, 0.99] as const;
const MIN_TAIL = 5;
/** Below this many values a side's distribution is not compared at all. */
export const MIN_SAMPLE = 10;

const us = (ns: number): number => Math.round(ns) / NS_PER_US;

/** Design effect of one side's sample of a group (see above). */
function designEffect(side: PooledSide, group: Group, d: PooledDistribution): number {
  const all = side.distributions.all?.total;
  const own = side.distributions[group]?.total;
  if (!all || !own || !(all.sketch.count > 0) || !(side.summary.iops > 0)) return 1;
  const inFlight = ((side.summary.iops * own.sketch.count) / all.sketch.count) * (own.sketch.mean / NS_PER_S);
  const f = d.sketch.count > 0 ? d.sample.length / d.sketch.count : 0;
  return Number.isFinite(inFlight) ? 1 + Math.max(0, 2 * inFlight - 1) * f : 1;
}

function comparePhase(b: PooledDistribution, a: PooledDistribution, deff: number, seed: Seed, level: number, resamples: number): LatencyComparison {
  const pointB = b.sketch.quantiles(QS);
  const pointA = a.sketch.quantiles(QS);
  const boot = bootstrapQuantileDiffs(b.sample, a.sample, QS, { seed, level, resamples });
  const nMin = Math.min(b.sample.length, a.sample.length);
  const widen = Math.sqrt(deff);
  const quant = (i: number): QuantileComparison => {
    const before = pointB[i]!;
    const after = pointA[i]!;
    const diff = after - before;
    const bq = boot[i]!;
    const enough = nMin * (1 - QS[i]!) >= MIN_TAIL && Number.isFinite(bq.ci[0]) && Number.isFinite(bq.ci[1]);
    // Centre on the sketch difference, then stretch each side of the interval by √deff.
    const lo = diff - widen * (bq.diff - bq.ci[0]);
    const hi = diff + widen * (bq.ci[1] - bq.diff);
    const ci: [number, number] | null = enough ? [us(lo), us(hi)] : null;
    return { before: us(before), after: us(after), diff: us(diff), ci95: ci, significant: ci !== null && (ci[0] > 0 || ci[1] < 0) };
  };
  const mw = mannWhitneyU(b.sample, a.sample, { seed: deriveSeed(seed, 'mw') });
  // The test's own p (exact, permutation or normal) as a z, shrunk by the design effect.
  const pValue = mw.pValue >= 1 ? 1 : twoSidedP(normalQuantile(1 - mw.pValue / 2) / widen);
  return {
    count: { before: b.sketch.count, after: a.sketch.count },
    p50: quant(0),
    p90: quant(1),
    p99: quant(2),
    pValue,
    pAdjusted: pValue,
    test: `mann-whitney (${mw.method})`,
    designEffect: Math.round(deff * 1000) / 1000,
    effect: {
      rankBiserial: Math.round(mw.rankBiserial * 1e4) / 1e4,
      probabilityOfSuperiority: Math.round(mw.probabilityOfSuperiority * 1e4) / 1e4,
      hodgesLehmannUs: us(hodgesLehmann(b.sample, a.sample)),
    },
    significant: false,
  };
}

function compareGroup(b: PooledSide, a: PooledSide, group: Group, seed: Seed, level: number, resamples: number): Partial<Record<Phase, LatencyComparison>> {
  const out: Partial<Record<Phase, LatencyComparison>> = {};
  for (const phase of PHASES) {
    const db = b.distributions[group]?.[phase];
    const da = a.distributions[group]?.[phase];
    if (!db || !da || db.sample.length < MIN_SAMPLE || da.sample.length < MIN_SAMPLE) continue;
    const deff = Math.max(designEffect(b, group, db), designEffect(a, group, da));
    out[phase] = comparePhase(db, da, deff, deriveSeed(seed, 'latency', group, phase), level, resamples);
  }
  return out;
}

export function compareLatency(
  b: PooledSide,
  a: PooledSide,
  seed: Seed,
  level: number,
  resamples: number,
): { latencyUs: Partial<Record<Phase, LatencyComparison>>; latencyUsByMode: Partial<Record<CompletionMode, Partial<Record<Phase, LatencyComparison>>>> } {
  const latencyUs = compareGroup(b, a, 'all', seed, level, resamples);
  const latencyUsByMode: Partial<Record<CompletionMode, Partial<Record<Phase, LatencyComparison>>>> = {};
  for (const m of COMPLETION_MODES) {
    if (m === 'unresolved') continue;
    const g = compareGroup(b, a, m, seed, level, resamples);
    if (Object.keys(g).length > 0) latencyUsByMode[m] = g;
  }
  return { latencyUs, latencyUsByMode };
}
