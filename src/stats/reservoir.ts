import { createRng, type Rng, type Seed } from './rng.js';

/**
 * A fixed-capacity uniform random sample of a stream (reservoir sampling, Li's Algorithm L).
 *
 * The sketch answers percentiles, but rank tests (Mann-Whitney) and bootstrap intervals need raw
 * values, and a trace can hold tens of millions of I/Os. A reservoir keeps `capacity` of them, every
 * subset of that size equally likely, in memory that never grows. Algorithm L draws how many items
 * to skip instead of a random number per item, so after the reservoir fills the cost per item is a
 * counter increment: O(k·(1 + log(N/k))) random numbers for N items.
 *
 * Deterministic: the same seed and the same stream give the same sample.
 */
export interface Reservoir<T> {
  readonly capacity: number;
  /** Items offered so far. */
  readonly seen: number;
  add(item: T): void;
  /** A copy of the current sample (all items while seen ≤ capacity), in reservoir order. */
  sample(): T[];
}

export function createReservoir<T>(capacity: number, seed: Seed): Reservoir<T> {
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
  const rng: Rng = createRng(seed);
  const items: T[] = [];
  let seen = 0;
  // Algorithm L state: W is the largest of k uniforms' k-th roots; `next` is the 1-based position
  // of the next item that enters the reservoir.
  let w = 1;
  let next = 0;

  const advance = (): void => {
    w *= Math.exp(Math.log(rng.next()) / capacity);
    // Geometric skip with success probability W; log1p(−W) keeps precision when W is tiny.
    next += Math.floor(Math.log(rng.next()) / Math.log1p(-w)) + 1;
  };

  return {
    capacity,
    get seen() {
      return seen;
    },
    add(item: T): void {
      seen++;
      if (seen <= capacity) {
        items.push(item);
        if (seen === capacity) {
          next = capacity;
          advance();
        }
        return;
      }
      if (seen === next) {
        items[rng.int(capacity)] = item;
        advance();
      }
    },
    sample: () => items.slice(),
  };
}

/**
 * A uniform sample of the union of two streams from their reservoirs (for several traces per side).
 * How many of the k merged items come from A follows the hypergeometric law of drawing k from
 * seenA + seenB without replacement; those are a uniform subset of A's (uniform) reservoir, and
 * likewise for B. The result holds min(capacityA, capacityB) items, or fewer when less was seen.
 */
export function mergeSamples<T>(a: { sample: T[]; seen: number }, b: { sample: T[]; seen: number }, seed: Seed): T[] {
  const rng = createRng(seed);
  const k = mergedCapacity(a, b);
  let remA = a.seen;
  let remB = b.seen;
  let fromA = 0;
  for (let i = 0; i < k; i++) {
    if (rng.next() * (remA + remB) < remA) {
      fromA++;
      remA--;
    } else remB--;
  }
  return [...pick(a.sample, fromA, rng), ...pick(b.sample, k - fromA, rng)];
}

/** Both reservoirs are uniform only up to their own size, so the merge cannot hold more than the smaller full one. */
function mergedCapacity<T>(a: { sample: T[]; seen: number }, b: { sample: T[]; seen: number }): number {
  const fullA = a.seen > a.sample.length;
  const fullB = b.seen > b.sample.length;
  if (fullA && fullB) return Math.min(a.sample.length, b.sample.length);
  if (fullA) return a.sample.length;
  if (fullB) return b.sample.length;
  return a.sample.length + b.sample.length;
}

/** `m` items of `xs` chosen uniformly without replacement (partial Fisher–Yates on a copy). */
function pick<T>(xs: readonly T[], m: number, rng: Rng): T[] {
  const copy = xs.slice();
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(copy.length - i);
    const t = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = t;
  }
  return copy.slice(0, m);
}
