/**
 * Seeded pseudo-random numbers for everything in iopath that resamples or simulates.
 *
 * Reports must be reproducible: the same traces and the same `--seed` give the same confidence
 * intervals, byte for byte. `Math.random` cannot be seeded, so the statistics layer draws from
 * xoshiro128** (Blackman & Vigna): 128 bits of state, period 2^128 − 1, passes BigCrush, and needs
 * nothing but 32-bit integer arithmetic, which JavaScript does exactly (`Math.imul`, `>>>`).
 * The state is seeded through splitmix32 so that nearby seeds (1, 2, 3, …) give unrelated streams.
 */

/** A seed: any finite number (integer or not, 53 bits are used) or a string. */
export type Seed = number | string;

export interface Rng {
  /** Uniform in the open interval (0, 1): never exactly 0 or 1, so `Math.log(next())` is finite. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n), without modulo bias; n must be an integer in [1, 2^32]. */
  int(n: number): number;
}

const TWO_32 = 4_294_967_296;
/** Largest n for which uint32 · n stays below 2^53 (exact in a double). */
const SMALL_N = 2 ** 21;

/** One splitmix32 step: a strong 32-bit mixer, used to spread a seed over the generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let t = state.s ^ (state.s >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/** FNV-1a over UTF-16 code units: turns a string seed or key into 32 bits. */
function hashString(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds a seed into 32 bits, keeping both halves of a number beyond 2^32 (and its fraction). */
function seedBits(seed: Seed): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite (got ${seed})`);
  const whole = Math.floor(seed);
  const lo = whole >>> 0;
  const hi = Math.floor(whole / TWO_32) >>> 0;
  const frac = Math.floor((seed - whole) * TWO_32) >>> 0;
  return (lo ^ Math.imul(hi ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(frac, 0x85ebca6b)) >>> 0;
}

/**
 * A stable seed for an independent sub-stream: `deriveSeed(seed, 'before', 'p99')`. Callers use it so
 * that adding or reordering one computation does not shift the random numbers another one sees.
 */
export function deriveSeed(seed: Seed, ...keys: Array<string | number>): number {
  let h = seedBits(seed);
  for (const key of keys) {
    const state = { s: h ^ hashString(String(key), 0x811c9dc5 ^ 0x27d4eb2f) };
    h = splitmix32(state);
  }
  return h;
}

/** A xoshiro128** generator seeded from `seed`. */
export function createRng(seed: Seed): Rng {
  const mix = { s: seedBits(seed) };
  let s0 = splitmix32(mix);
  let s1 = splitmix32(mix);
  let s2 = splitmix32(mix);
  let s3 = splitmix32(mix);
  // xoshiro must not start from the all-zero state (it would stay there forever).
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  function uint32(): number {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  // int(n) is the bootstrap's inner loop (one call per resampled value), so the validation and the
  // rejection threshold are computed once per distinct n rather than per call.
  let lastN = 0;
  let threshold = 0;
  function int(n: number): number {
    if (n !== lastN) {
      if (!(n >= 1 && n <= TWO_32 && Number.isInteger(n))) throw new RangeError(`int(n) needs an integer n in [1, 2^32] (got ${n})`);
      lastN = n;
      threshold = TWO_32 % n;
    }
    if (n <= SMALL_N) {
      // Lemire's multiply-and-shift: x·n < 2^53 is exact in a double, its high 32 bits are the draw,
      // and rejecting the 2^32 mod n lowest products removes the bias.
      for (;;) {
        const m = uint32() * n;
        const hi = Math.floor(m / TWO_32);
        if (m - hi * TWO_32 >= threshold) return hi;
      }
    }
    // Rejection sampling: drop the top partial copy of [0, n) so every residue is equally likely.
    const limit = TWO_32 - threshold;
    let x = uint32();
    while (x >= limit) x = uint32();
    return x % n;
  }

  return {
    uint32,
    // The +0.5 centres each of the 2^32 outcomes in its cell, which keeps the result off 0 and 1.
    next: () => (uint32() + 0.5) / TWO_32,
    int,
  };
}

/** Standard normal deviate (Box–Muller; one of the pair is discarded to keep the generator stateless). */
export function randomNormal(rng: Rng, mean = 0, sd = 1): number {
  const u = rng.next();
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential deviate with the given mean (inverse transform). */
export function randomExponential(rng: Rng, mean = 1): number {
  return -mean * Math.log(rng.next());
}

/**
 * Poisson deviate: Knuth's product method for small means, a rounded normal above 50 (tests use it
 * to simulate per-window completion counts, where that approximation is far below the noise).
 */
export function randomPoisson(rng: Rng, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(randomNormal(rng, mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}
