import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap and RSS growth while a callback runs, sampled every few ms (the reader yields to the event
 * loop between chunks, so samples land mid-read), after a full collection on both sides so that
 * garbage left by earlier tests does not count.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface Growth {
  /** Peak heapUsed above the baseline, bytes. */
  heap: number;
  /** Peak memory outside the JS heap above the baseline (Buffers live there), bytes. */
  external: number;
  rss: number;
}

export async function measureGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growth: Growth }> {
  gc();
  const base = process.memoryUsage();
  const peak = { heap: base.heapUsed, external: base.external, rss: base.rss };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.external = Math.max(peak.external, m.external);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  const timer = setInterval(sample, 2);
  try {
    const result = await run();
    sample();
    return { result, growth: { heap: peak.heap - base.heapUsed, external: peak.external - base.external, rss: peak.rss - base.rss } };
  } finally {
    clearInterval(timer);
  }
}

export const MB = 1 << 20;
