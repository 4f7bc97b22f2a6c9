/**
 * Per-window totals of a stream of timestamps (I/O completions, or bytes completed), the samples
 * from which throughput and its confidence interval are computed.
 *
 * Memory is one number per window, and the number of windows is capped: when a trace outlasts
 * `maxWindows` windows, adjacent windows are added pairwise and the window length doubles (10 ms,
 * 20 ms, 40 ms …), so a day-long trace costs the same as a ten-minute one. Windows start at
 * `startNs` (the start of I/O activity when the caller knows it), so the first window is complete;
 * the trailing window that is still open at `finish` is partial and left out of `counts` (its
 * events are reported in `excluded`), because a short window would bias the per-window rate down.
 */

/** Windows kept before coarsening: 65 536, 11 minutes of 10 ms windows. */
export const DEFAULT_MAX_WINDOWS = 65_536;

export interface WindowCounterOptions {
  /** Window length in nanoseconds, e.g. 10 ms = `10 * NS_PER_MS`. */
  windowNs: number;
  /** Start of the first window; default: the first timestamp added. Earlier events are excluded. */
  startNs?: number;
  /** Most windows kept before coarsening (DEFAULT_MAX_WINDOWS). */
  maxWindows?: number;
}

export interface WindowCounts {
  /** Final window length (a power-of-two multiple of the requested one after coarsening). */
  windowNs: number;
  startNs: number;
  /** Total amount in each complete window [startNs + i·windowNs, startNs + (i + 1)·windowNs). */
  counts: Float64Array;
  /** Amount that fell outside the complete windows (before the start, or in the open last window). */
  excluded: number;
}

export interface WindowCounter {
  readonly windowNs: number;
  /** Total amount added, excluded or not. */
  readonly total: number;
  /** Counts `amount` (default 1: one completion) at `timestampNs`. Order does not matter within the kept span. */
  add(timestampNs: number, amount?: number): void;
  /**
   * The complete windows. With `endNs` (end of I/O activity) every window that ends by then counts,
   * including empty ones (a stall is a real zero); without it, the window holding the last event is
   * treated as partial and left out.
   */
  finish(endNs?: number): WindowCounts;
}

export function createWindowCounter(options: WindowCounterOptions): WindowCounter {
  const maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
  if (!(options.windowNs > 0 && Number.isFinite(options.windowNs))) throw new RangeError(`windowNs must be positive (got ${options.windowNs})`);
  if (!(Number.isInteger(maxWindows) && maxWindows >= 2)) throw new RangeError(`maxWindows must be an integer ≥ 2 (got ${maxWindows})`);
  let windowNs = options.windowNs;
  let origin = options.startNs ?? NaN;
  let store = new Float64Array(Math.min(1024, maxWindows));
  /** One past the highest window index that holds an event. */
  let used = 0;
  let excluded = 0;
  let total = 0;

  /** Halves the resolution: window i absorbs old windows 2i and 2i + 1. */
  function coarsen(): void {
    const half = Math.ceil(used / 2);
    for (let i = 0; i < half; i++) store[i] = store[2 * i]! + (store[2 * i + 1] ?? 0);
    store.fill(0, half);
    used = half;
    windowNs *= 2;
  }

  /** Makes window `index` addressable (growing, then coarsening past the cap); returns its new index. */
  function slot(timestampNs: number): number {
    let index = Math.floor((timestampNs - origin) / windowNs);
    while (index >= maxWindows) {
      coarsen();
      index = Math.floor((timestampNs - origin) / windowNs);
    }
    if (index >= store.length) {
      const grown = new Float64Array(Math.min(maxWindows, Math.max(index + 1, store.length * 2)));
      grown.set(store);
      store = grown;
    }
    return index;
  }

  return {
    get windowNs() {
      return windowNs;
    },
    get total() {
      return total;
    },
    add(timestampNs: number, amount = 1): void {
      total += amount;
      if (Number.isNaN(origin)) origin = timestampNs;
      if (!(timestampNs >= origin)) {
        excluded += amount;
        return;
      }
      const i = slot(timestampNs);
      store[i]! += amount;
      if (i >= used) used = i + 1;
    },
    finish(endNs?: number): WindowCounts {
      if (Number.isNaN(origin)) return { windowNs, startNs: options.startNs ?? 0, counts: new Float64Array(0), excluded };
      let complete: number;
      if (endNs === undefined) complete = Math.max(0, used - 1);
      else {
        // Make room for trailing empty windows up to endNs, coarsening like add() would.
        while (Math.floor((endNs - origin) / windowNs) > maxWindows) coarsen();
        complete = Math.max(0, Math.floor((endNs - origin) / windowNs));
      }
      const counts = new Float64Array(complete);
      counts.set(store.subarray(0, Math.min(complete, store.length)));
      let outside = excluded;
      for (let i = complete; i < used; i++) outside += store[i]!;
      return { windowNs, startNs: origin, counts, excluded: outside };
    },
  };
}
