import { twoSidedP } from '../stats/index.js';
import type { PooledSide } from './pool.js';
import { CPU_CATEGORIES, type CountRateComparison, type CpuCategory, type CpuSide, type PlainChange } from './schema.js';

/**
 * CPU cost of the completion path where it hurts: on the CPUs the submitting tasks ran on. A
 * kworker or softirq on the submitter's CPU takes time from it (and preempts it); the same work on
 * another CPU does not. Shares are of the total time of those CPUs over the I/O window.
 *
 * Per I/O: context switches on the submitters' CPUs and preemptions of a submitter by a kworker,
 * each compared with a test of two Poisson rates (events per resolved I/O), conditional on the total
 * count: after ~ Binomial(K, n_after / (n_before + n_after)) under equal rates — exact for small
 * counts, normal with continuity correction otherwise. The Analysis keeps these as totals, not per
 * window, so the test cannot see that such events come in bursts: its p-value is optimistic and is
 * a screen for large changes, not a measure of small ones. Deferred-completion CPU per I/O has no
 * per-I/O values at all and is reported without a test.
 */

export const CPU_METHOD =
  "time on the CPUs the submitters ran on, per category, as a share of those CPUs' time over the I/O window (runs of a side added); no interval: the analysis keeps totals, not per-window CPU time.";
export const PER_IO_METHOD =
  'context switches (submitter CPUs) and kworker preemptions of a submitter per resolved I/O, compared as Poisson rates conditional on the total count (exact binomial for small counts, else normal); events treated as independent, so bursts make the p-value optimistic. Deferred-completion kworker CPU, the submitters\' own CPU and the busy time of their CPUs per I/O: no test (totals only).';

const round = (x: number, digits: number): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export function cpuSide(s: PooledSide): CpuSide {
  const shares = {} as Record<CpuCategory, number>;
  for (const c of CPU_CATEGORIES) shares[c] = s.cpuSpanUs > 0 ? round((100 * s.cpuUs[c]) / s.cpuSpanUs, 3) : NaN;
  return { cpus: s.summary.submitterCpus, windowMs: round(s.spanMs, 3), shares };
}

/** Two-sided p-value of x2 given K = x1 + x2 under Binomial(K, p). */
function binomialTestP(x2: number, k: number, p: number): number {
  if (k === 0) return 1;
  if (p > 0.5) return binomialTestP(k - x2, k, 1 - p);
  const variance = k * p * (1 - p);
  if (variance >= 10) {
    const d = Math.abs(x2 - k * p);
    return twoSidedP(Math.max(0, d - 0.5) / Math.sqrt(variance));
  }
  // Small variance: exact, pmf by the ratio recurrence from x = 0 ((1 − p)^K does not underflow here).
  const pmf = new Float64Array(k + 1);
  pmf[0] = Math.pow(1 - p, k);
  for (let x = 0; x < k; x++) pmf[x + 1] = (pmf[x]! * (k - x) * p) / ((x + 1) * (1 - p));
  const observed = pmf[x2]!;
  let sum = 0;
  for (const v of pmf) if (v <= observed * (1 + 1e-7)) sum += v;
  return Math.min(1, sum);
}

/** Events per I/O before and after, with the conditional test of equal rates. */
export function countRate(x1: number, n1: number, x2: number, n2: number): CountRateComparison {
  const before = n1 > 0 ? x1 / n1 : NaN;
  const after = n2 > 0 ? x2 / n2 : NaN;
  const ok = n1 > 0 && n2 > 0;
  return {
    before: round(before, 4),
    after: round(after, 4),
    changePct: ok && before > 0 ? round(100 * (after / before - 1), 2) : null,
    pValue: ok ? binomialTestP(Math.round(x2), Math.round(x1) + Math.round(x2), n2 / (n1 + n2)) : NaN,
    test: 'poisson rates (conditional binomial)',
  };
}

export function plainChange(before: number, after: number, digits = 3): PlainChange {
  return { before: round(before, digits), after: round(after, digits), changePct: before > 0 && Number.isFinite(after) ? round(100 * (after / before - 1), 2) : null };
}

/** Time the submitters' CPUs were doing something known (not idle, not unattributed). */
const busy = (s: PooledSide): number => s.cpuSpanUs - s.cpuUs.idle - s.cpuUs.unknown;

export function compareCpu(b: PooledSide, a: PooledSide) {
  const before = cpuSide(b);
  const after = cpuSide(a);
  const change = {} as Record<CpuCategory, number>;
  for (const c of CPU_CATEGORIES) change[c] = round(after.shares[c] - before.shares[c], 3);
  const nb = b.summary.resolved;
  const na = a.summary.resolved;
  const deferredB = b.summary.byMode['kworker-deferred'];
  const deferredA = a.summary.byMode['kworker-deferred'];
  const perDeferred = (us: number, n: number): number => (n > 0 ? us / n : 0);
  return {
    cpu: { before, after, change },
    perIo: {
      contextSwitches: countRate(b.contextSwitches, nb, a.contextSwitches, na),
      submitterPreemptions: countRate(b.preemptionsByKworker, nb, a.preemptionsByKworker, na),
      deferredCpuUs: plainChange(perDeferred(b.deferredCpuUs, deferredB), perDeferred(a.deferredCpuUs, deferredA)),
      deferredCpuUsPerIo: plainChange(perDeferred(b.deferredCpuUs, nb), perDeferred(a.deferredCpuUs, na)),
      dioWorkUs: plainChange(perDeferred(b.dioWorkUs, deferredB), perDeferred(a.dioWorkUs, deferredA)),
      submitterCpuUs: plainChange(perDeferred(b.cpuUs.submitter, nb), perDeferred(a.cpuUs.submitter, na)),
      busyCpuUs: plainChange(perDeferred(busy(b), nb), perDeferred(busy(a), na)),
    },
  };
}
