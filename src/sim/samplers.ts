import { randomExponential, randomNormal, type Rng } from '../stats/rng.js';

/**
 * The device model's duration samplers, drawing from the simulator's seeded generator (sfc32,
 * `createRng(seed, 'sfc32')` in model.ts; see stats/rng.ts for why it is not the statistics' one).
 */

/** A sampler of non-negative durations in ns. */
export type Sampler = () => number;

export function fixed(ns: number): Sampler {
  return () => ns;
}

export function exponential(rng: Rng, meanNs: number): Sampler {
  return () => randomExponential(rng, meanNs);
}

/** Lognormal with the given median and shape sigma (of the underlying normal). */
export function lognormal(rng: Rng, medianNs: number, sigma: number): Sampler {
  const mu = Math.log(medianNs);
  return () => Math.exp(mu + sigma * randomNormal(rng));
}

/**
 * Empirical histogram: `bins` are [upperEdgeNs, weight] in increasing edge order, the first bin
 * starting at `lowNs`. A bin is picked by weight, then a value uniformly within it.
 */
export function empirical(rng: Rng, lowNs: number, bins: readonly (readonly [number, number])[]): Sampler {
  if (bins.length === 0) throw new Error('empirical distribution needs at least one bin');
  const cum: number[] = [];
  let total = 0;
  for (const [, w] of bins) {
    total += w;
    cum.push(total);
  }
  return () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    const low = lo === 0 ? lowNs : (bins[lo - 1] as readonly [number, number])[0];
    const high = (bins[lo] as readonly [number, number])[0];
    return low + (high - low) * rng.next();
  };
}
