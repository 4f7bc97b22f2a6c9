import { COMPLETION_MODES, type CompletionMode } from '../model/io.js';
import { twoProportionTest } from '../stats/index.js';
import type { PooledSide } from './pool.js';
import type { ShareComparison } from './schema.js';

/**
 * The completion-mode mix before → after, one two-proportion test per mode (pooled z, or Fisher's
 * exact test when a cell is small, e.g. a mode absent on one side), with Newcombe's interval for the
 * difference in percentage points.
 *
 * Denominators: the three real modes are shares of the I/Os followed to a completion — the
 * mechanism question "where did completions run" — so a trace with more lost events does not look
 * like a change of mode; `unresolved` is a share of all I/Os, as a data-quality check.
 *
 * Each I/O is one trial: the test sees within-run variation only. Several runs per side are pooled
 * (their I/Os added), which still leaves run-to-run variation of the mix out; the warning about one
 * run per side covers that.
 */

export const MODES_METHOD =
  'share of resolved I/Os per mode (unresolved: of all I/Os), two-proportion test per mode (pooled z; Fisher exact when an expected cell is < 5), Newcombe hybrid score interval of the difference; runs of one side pooled.';

function share(x: number, n: number, xa: number, na: number, level: number): ShareComparison {
  const pct = (v: number, d: number): number => (d > 0 ? (100 * v) / d : NaN);
  if (n === 0 || na === 0) {
    return { before: pct(x, n), after: pct(xa, na), countBefore: x, countAfter: xa, diffPts: NaN, ci95: [NaN, NaN], pValue: NaN, pAdjusted: NaN, test: 'z', significant: false };
  }
  const t = twoProportionTest(x, n, xa, na, { level });
  return {
    before: pct(x, n),
    after: pct(xa, na),
    countBefore: x,
    countAfter: xa,
    diffPts: 100 * t.diff,
    ci95: [100 * t.ci[0], 100 * t.ci[1]],
    pValue: t.pValue,
    // Filled in by the caller once every test of the comparison is known (Benjamini–Hochberg).
    pAdjusted: t.pValue,
    test: t.method,
    significant: false,
  };
}

export function compareModes(b: PooledSide, a: PooledSide, level: number): { modes: Record<CompletionMode, ShareComparison>; irqContext: { hardirq: ShareComparison; softirq: ShareComparison } } {
  const sb = b.summary;
  const sa = a.summary;
  const modes = {} as Record<CompletionMode, ShareComparison>;
  for (const m of COMPLETION_MODES) {
    const [nb, na] = m === 'unresolved' ? [sb.ios, sa.ios] : [sb.resolved, sa.resolved];
    modes[m] = share(sb.byMode[m], nb, sa.byMode[m], na, level);
  }
  return {
    modes,
    irqContext: {
      hardirq: share(sb.irqContext.hardirq, sb.resolved, sa.irqContext.hardirq, sa.resolved, level),
      softirq: share(sb.irqContext.softirq, sb.resolved, sa.irqContext.softirq, sa.resolved, level),
    },
  };
}
