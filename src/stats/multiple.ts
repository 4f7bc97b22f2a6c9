/**
 * Benjamini–Hochberg adjustment for the many tests a comparison runs (every mode, every phase and
 * percentile). Testing 20 things at 5% finds one "significant" change by chance on average; BH
 * controls the expected share of false discoveries instead, which suits a report that lists
 * findings. Same definition as R's `p.adjust(p, "BH")`: q_(i) = min over j ≥ i of p_(j)·m/j, capped
 * at 1. NaN entries (tests that could not run) stay NaN and do not count in m.
 */
export function adjustBH(pValues: readonly number[]): number[] {
  const idx = pValues.map((_, i) => i).filter((i) => !Number.isNaN(pValues[i]!));
  idx.sort((a, b) => pValues[b]! - pValues[a]!);
  const m = idx.length;
  const out = pValues.map(() => NaN);
  let running = 1;
  idx.forEach((i, k) => {
    const rank = m - k;
    // p·(m/rank) rather than (p·m)/rank: the factor is ≥ 1, so rounding can never push q below p.
    running = Math.min(running, pValues[i]! * (m / rank));
    out[i] = running;
  });
  return out;
}
