/**
 * Seeded pseudo-random numbers for everything in iopath that resamples or simulates.
 *
 * Outputs must be reproducible: the same traces and `--seed` give the same confidence intervals,
 * and the same simulator options and `--seed` the same trace, byte for byte. `Math.random` cannot
 * be seeded, so both draw from small generators that need nothing but 32-bit integer arithmetic,
 * which JavaScript does exactly (`Math.imul`, `>>>`), and both pass BigCrush:
 *
 *   xoshiro128** (Blackman & Vigna)   the statistics: bootstrap, permutations, reservoirs
 *   sfc32 (Doty-Humphrey's Small Fast Counter)   the simulator
 *
 * Two generators for one job, kept on purpose: every published compare result and simulated trace
 * is a function of its seed through its generator, and moving either side to the other would
 * change them all. They share this one API: `createRng(seed, algorithm)`, `rng.fork(...keys)` for
 * an independent stream, and the deviates below. What differs is documented where it does
 * (`next()`'s range, `int(n)`'s exactness, how a seed is spread over the state).
 */

/** A seed: any finite number (integer or not, 53 bits are used by xoshiro128**) or a string. */
export type Seed = number | string;

export type RngAlgorithm = 'xoshiro128**' | 'sfc32';

export interface Rng {
  /**
   * Uniform in [0, 1). xoshiro128** never returns 0 (each of the 2^32 outcomes sits mid-cell), so
   * `Math.log(next())` is finite there, which the statistics rely on; sfc32 may return 0.
   */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /**
   * Uniform integer in [0, n). xoshiro128**: without modulo bias, n an integer in [1, 2^32] (else a
   * RangeError); sfc32: `floor(next() · n)`, as the simulator has always drawn.
   */
  int(n: number): number;
  /**
   * An independent stream for a part of the work (`fork('device')`, `fork('rate', 'before')`), so
   * that adding a draw in one part does not shift the numbers another one sees. The same seed and
   * keys always give the same stream, however much the parent has drawn.
   */
  fork(...keys: Array<string | number>): Rng;
}

const TWO_32 = 4_294_967_296;
/** Largest n for which uint32 · n stays below 2^53 (exact in a double). */
const SMALL_N = 2 ** 21;

/** FNV-1a over UTF-16 code units: turns a string seed, key or label into 32 bits. */
export function hashString(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * One splitmix32 step with Chris Wellons' lowbias32 finaliser: spreads a seed over xoshiro128**'s
 * state. (sfc32 is seeded through MurmurHash3's finaliser instead; see `createSfc32`.)
 */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let t = state.s ^ (state.s >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
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
 * A stable seed for an independent sub-stream: `deriveSeed(seed, 'before', 'p99')`, for code that
 * hands a seed on rather than a generator. `createRng(seed).fork(...keys)` draws from
 * `createRng(deriveSeed(seed, ...keys))`.
 */
export function deriveSeed(seed: Seed, ...keys: Array<string | number>): number {
  let h = seedBits(seed);
  for (const key of keys) {
    const state = { s: h ^ hashString(String(key), 0x811c9dc5 ^ 0x27d4eb2f) };
    h = splitmix32(state);
  }
  return h;
}

/** A generator seeded from `seed`: xoshiro128** unless the simulator's sfc32 is asked for. */
export function createRng(seed: Seed, algorithm: RngAlgorithm = 'xoshiro128**'): Rng {
  return algorithm === 'sfc32' ? createSfc32(typeof seed === 'string' ? hashString(seed) : seed) : createXoshiro128ss(seed);
}

function createXoshiro128ss(seed: Seed): Rng {
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
    fork: (...keys) => createXoshiro128ss(deriveSeed(seed, ...keys)),
  };
}

/**
 * sfc32, seeded through splitmix32 with MurmurHash3's fmix32 finaliser so that nearby seeds
 * (1, 2, 3) start far apart; a fork XORs the FNV-1a hash of each key into the seed.
 */
function createSfc32(seed: number): Rng {
  let w = seed >>> 0;
  const sm = (): number => {
    w = (w + 0x9e3779b9) >>> 0;
    let z = w;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const uint32 = (): number => {
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
  for (let i = 0; i < 12; i++) uint32();
  const next = (): number => uint32() / TWO_32;
  return {
    next,
    uint32,
    int: (n) => Math.floor(next() * n),
    fork: (...keys) => createSfc32(keys.reduce<number>((s, k) => (s ^ hashString(String(k))) >>> 0, seed)),
  };
}

/**
 * Standard normal deviate, scaled (Box–Muller; one of the pair is discarded to keep the generator
 * stateless). `1 - next()` keeps the logarithm finite whichever generator draws.
 */
export function randomNormal(rng: Rng, mean = 0, sd = 1): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential deviate with the given mean (inverse transform). */
export function randomExponential(rng: Rng, mean = 1): number {
  return -mean * Math.log(1 - rng.next());
}
