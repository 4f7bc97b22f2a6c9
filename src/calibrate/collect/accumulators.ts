/**
 * Collectors for the durations calibration measures. Trace timestamps are truncated to whole µs,
 * so one sample of a sub-µs cost is 0 or 1 µs; the truncation error of a difference averages out
 * over many samples whose start phase is spread over the µs, which is why every cost is a MEAN
 * (that also keeps total CPU time: a cost's mean times its count is the time it took). Medians
 * would snap to whole µs.
 */

export interface Mean {
  n: number;
  sum: number;
  add(x: number): void;
  mean(): number;
}

export function createMean(): Mean {
  const m: Mean = {
    n: 0,
    sum: 0,
    add(x) {
      if (!Number.isFinite(x)) return;
      m.n++;
      m.sum += x;
    },
    mean: () => (m.n > 0 ? m.sum / m.n : NaN),
  };
  return m;
}

/** Least squares y = a + b·x, accumulated without keeping the points. */
export interface Line {
  n: number;
  add(x: number, y: number): void;
  /** Intercept a, slope b, and the standard error of the intercept. */
  fit(): { a: number; b: number; n: number; seA: number } | null;
  /** Distinct x values seen (a slope needs at least two). */
  spread(): number;
  /** Mean x and mean y. */
  means(): { x: number; y: number };
}

/** Distinct x values remembered at most: `spread` only needs to tell one from several. */
const DISTINCT_X_CAP = 64;

export function createLine(): Line {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  const xs = new Set<number>();
  const l: Line = {
    n: 0,
    add(x, y) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      l.n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
      if (xs.size < DISTINCT_X_CAP) xs.add(x);
    },
    fit() {
      const n = l.n;
      const den = n * sxx - sx * sx;
      if (n < 2 || den <= 0) return null;
      const b = (n * sxy - sx * sy) / den;
      const a = (sy - b * sx) / n;
      // Residual variance, then se(a)² = s² · Σx² / (n·Sxx).
      const sse = Math.max(0, syy - a * sy - b * sxy);
      const s2 = n > 2 ? sse / (n - 2) : NaN;
      return { a, b, n, seA: Math.sqrt((s2 * sxx) / den) };
    },
    spread: () => xs.size,
    means: () => ({ x: l.n > 0 ? sx / l.n : NaN, y: l.n > 0 ? sy / l.n : NaN }),
  };
  return l;
}

/** Values kept by default before thinning. */
const KEPT_VALUES_CAP = 200_000;

/** Keeps values (up to `cap`, then every k-th) for distributions: mixtures and histograms. */
export interface KeptValues {
  n: number;
  add(x: number): void;
  values(): number[];
}

export function createKeptValues(cap = KEPT_VALUES_CAP): KeptValues {
  const kept: number[] = [];
  let stride = 1;
  let seen = 0;
  const v: KeptValues = {
    n: 0,
    add(x) {
      if (!Number.isFinite(x)) return;
      v.n++;
      if (seen++ % stride !== 0) return;
      kept.push(x);
      // Thin to every other value when full: the kept set stays a uniform sample of the stream.
      if (kept.length >= cap) {
        let j = 0;
        for (let i = 0; i < kept.length; i += 2) kept[j++] = kept[i] as number;
        kept.length = j;
        stride *= 2;
      }
    },
    values: () => kept,
  };
  return v;
}
