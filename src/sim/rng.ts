/**
 * Seeded, deterministic randomness. sfc32 (Chris Doty-Humphrey's Small Fast Counter) passes
 * PractRand and BigCrush, needs four 32-bit words of state and only integer ops, so every platform
 * gives the same stream for a seed. The seed is expanded with splitmix32 so nearby seeds (1, 2, 3)
 * start far apart.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Independent child stream (one per model part, so adding a draw in one part does not shift the others). */
  fork(label: string): Rng;
}

function splitmix32(a: number): () => number {
  let s = a >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label, to derive child seeds from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const next32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes its state in about a dozen rounds.
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => next32() / 4294967296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    fork: (label) => createRng((seed ^ hashString(label)) >>> 0),
  };
}

/** A sampler of non-negative durations in ns. */
export type Sampler = () => number;

export function fixed(ns: number): Sampler {
  return () => ns;
}

export function exponential(rng: Rng, meanNs: number): Sampler {
  return () => -meanNs * Math.log(1 - rng.next());
}

/** Standard normal by Box–Muller (one value per call; the twin is dropped to keep it stateless). */
export function normal01(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal with the given median and shape sigma (of the underlying normal). */
export function lognormal(rng: Rng, medianNs: number, sigma: number): Sampler {
  const mu = Math.log(medianNs);
  return () => Math.exp(mu + sigma * normal01(rng));
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
