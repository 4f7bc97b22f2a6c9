import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { iopsChange, normalQuantile, normalSf, optimalBlockLength, type Seed } from '../stats/index.js';
import type { PooledSide } from './pool.js';
import { BYTES_PER_MB, type RateComparison } from './schema.js';

/**
 * IOPS and MB/s change with a confidence interval.
 *
 * Samples: completions per fixed window (10 ms, the Analysis's `series`), complete windows only,
 * from the first completion to the end of I/O. Why windows and not I/Os: completions are not
 * independent draws — the queue depth couples each submission to an earlier completion — so
 * resampling I/Os (or their latencies) would grossly understate the noise of a rate. A count over
 * a window much longer than one I/O is the throughput itself, measured many times per trace.
 *
 * Interval: circular block bootstrap of each side's windows (`iopsChange`), percentile interval of
 * after/before − 1. Why blocks: neighbouring windows are alike (device garbage collection, CPU
 * frequency, a background task slow several windows in a row), and treating them as independent
 * would make the interval too narrow; blocks of consecutive windows keep that dependence, with the
 * block length chosen from the data (Politis–White; 1 when windows are uncorrelated) and the
 * variance widened to the flat-top long-run estimate. With several runs per side the bootstrap
 * draws runs first and blocks within runs, so run-to-run variation enters the interval; with one
 * run per side it cannot, and the report says so.
 *
 * Short traces: the percentile bootstrap of a mean is too narrow for few samples (it uses the
 * plug-in variance, 1/n instead of 1/(n − 1), and normal instead of Student tails): with 18
 * windows a nominal 95% interval covers ~93%. We therefore widen it as Hesterberg's expanded
 * percentile interval does (Hesterberg 2015, "What teachers should know about the bootstrap"):
 * take the percentiles at α' where z_{α'/2} = √(n/(n − 1))·t_{α/2, n−1}, with n the number of
 * independent samples behind the smaller side (its windows divided by the block length). The
 * widening fades as traces grow (70 windows: 95% → 96.1%) and is what keeps the rate of false
 * "detectable differences" between two runs of one configuration at or below 5% (tested).
 * Fewer than MIN_WINDOWS complete windows on a side give no interval at all, only the point change.
 */

export const MIN_WINDOWS = 10;

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export interface ThroughputResult {
  iops: RateComparison;
  mbps: RateComparison;
  binNs: number;
  windows: { before: number; after: number };
  stalled: { before: number; after: number };
}

/** A window with less than this share of the run's median completions is a stall. */
export const STALL_SHARE = 0.1;

/** Windows in which I/O (nearly) stopped: a host or tracer pause, a device hiccup, a lock. */
export function stalledWindows(runs: number[][]): number {
  let n = 0;
  for (const r of runs) {
    const sorted = r.slice().sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    n += r.filter((c) => c < STALL_SHARE * median).length;
  }
  return n;
}

/** Sums groups of `factor` consecutive windows (window lengths are power-of-two multiples of 10 ms); drops a partial last group. */
export function rebin(counts: readonly number[], factor: number): number[] {
  if (factor === 1) return counts.slice();
  const out: number[] = [];
  for (let i = 0; i + factor <= counts.length; i += factor) {
    let s = 0;
    for (let k = 0; k < factor; k++) s += counts[i + k]!;
    out.push(s);
  }
  return out;
}

function sideSeries(side: PooledSide, binNs: number): number[][] {
  return side.series.map((r) => rebin(r.counts, Math.max(1, Math.round(binNs / r.binNs)))).filter((c) => c.length > 0);
}

/** Student t quantile by the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5): < 0.2% error for df ≥ 3. */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** The bootstrap level that gives a `level` interval with n independent samples (expanded percentile interval). */
export function expandedLevel(level: number, n: number): number {
  const m = Math.max(3, n);
  const z = tQuantile(1 - (1 - level) / 2, m - 1) * Math.sqrt(m / (m - 1));
  return 1 - 2 * normalSf(z);
}

/** Independent samples behind a side: each run's windows divided by its block length. */
function effectiveSamples(runs: number[][]): number {
  return runs.reduce((s, r) => s + r.length / optimalBlockLength(r), 0);
}

const total = (runs: number[][]): number => runs.reduce((s, r) => s + r.length, 0);
const mean = (runs: number[][]): number => runs.reduce((s, r) => s + r.reduce((x, y) => x + y, 0), 0) / Math.max(1, total(runs));

export function iopsMethod(binNs: number, resamples: number, multi: boolean): string {
  return (
    `completions counted in ${binNs / NS_PER_MS} ms windows (complete windows only); change = after/before − 1 of the mean count per window; ` +
    `95% percentile interval from ${resamples} ${multi ? 'two-stage (runs, then blocks of windows within runs) ' : ''}circular block bootstrap resamples of each side ` +
    `(block length by Politis–White from the windows' autocorrelation, variance widened to the flat-top long-run estimate), ` +
    `expanded for small samples (Hesterberg: percentiles at the level where z = √(n/(n−1))·t(n−1), n = windows / block length of the shorter side). ` +
    `Windows, not I/Os, are the samples because queue depth makes completions dependent; blocks keep the dependence between neighbouring windows.` +
    (multi ? '' : ' One run per side: the interval covers variation within each trace, not between runs.')
  );
}

export function compareThroughput(before: PooledSide, after: PooledSide, seed: Seed, level: number, resamples: number): ThroughputResult {
  const binNs = Math.max(...before.series.map((r) => r.binNs), ...after.series.map((r) => r.binNs));
  const b = sideSeries(before, binNs);
  const a = sideSeries(after, binNs);
  const perSecond = NS_PER_S / binNs;
  const multi = before.series.length > 1 || after.series.length > 1;
  const method = iopsMethod(binNs, resamples, multi);
  const windows = { before: total(b), after: total(a) };
  let iops: RateComparison;
  if (windows.before >= MIN_WINDOWS && windows.after >= MIN_WINDOWS) {
    const bootLevel = expandedLevel(level, Math.min(effectiveSamples(b), effectiveSamples(a)));
    const r = iopsChange(b.length === 1 ? b[0]! : b, a.length === 1 ? a[0]! : a, binNs, { seed, level: bootLevel, resamples });
    const ok = Number.isFinite(r.ci95[0]) && Number.isFinite(r.ci95[1]);
    iops = {
      before: round(r.before, 1),
      after: round(r.after, 1),
      changePct: Number.isFinite(r.changePct) ? round(r.changePct, 3) : null,
      ci95: ok ? [round(r.ci95[0], 3), round(r.ci95[1], 3)] : null,
      significant: ok && r.significant,
      method,
    };
  } else {
    const rb = mean(b) * perSecond;
    const ra = mean(a) * perSecond;
    iops = {
      before: round(rb, 1),
      after: round(ra, 1),
      changePct: rb > 0 && windows.after > 0 ? round(100 * (ra / rb - 1), 3) : null,
      ci95: null,
      significant: false,
      method: `${method} Not computed here: a side has fewer than ${MIN_WINDOWS} complete windows.`,
    };
  }
  return { iops, mbps: deriveMbps(iops, before.bytesPerIo, after.bytesPerIo), binNs, windows, stalled: { before: stalledWindows(b), after: stalledWindows(a) } };
}

/**
 * MB/s from IOPS × mean bytes per I/O of each side. The Analysis keeps completion counts per window
 * but not bytes, so the interval treats each side's mean I/O size as known: exact for fixed-size
 * workloads (fio `bs=`), too narrow when sizes vary from window to window.
 */
function deriveMbps(iops: RateComparison, bytesBefore: number, bytesAfter: number): RateComparison {
  const ratio = bytesBefore > 0 ? bytesAfter / bytesBefore : NaN;
  const scale = (pct: number): number => 100 * ((1 + pct / 100) * ratio - 1);
  const ok = Number.isFinite(ratio);
  const ci95: [number, number] | null = ok && iops.ci95 ? [round(scale(iops.ci95[0]), 3), round(scale(iops.ci95[1]), 3)] : null;
  return {
    before: round((iops.before * bytesBefore) / BYTES_PER_MB, 3),
    after: round((iops.after * bytesAfter) / BYTES_PER_MB, 3),
    changePct: ok && iops.changePct !== null ? round(scale(iops.changePct), 3) : null,
    ci95,
    significant: ci95 !== null && (ci95[0] > 0 || ci95[1] < 0),
    method: 'IOPS interval × mean bytes per I/O of each side (the analysis has no bytes per window): exact for fixed-size I/O, too narrow if sizes vary.',
  };
}
