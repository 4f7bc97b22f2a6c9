import { createSketch, type QuantileSketch, type SketchOptions } from '../../src/stats/sketch.js';
import { randomNormal, type Rng } from '../../src/stats/rng.js';

/** A sketch of `values`. */
export function sketchOf(values: Iterable<number>, options?: SketchOptions): QuantileSketch {
  const s = createSketch(options);
  for (const v of values) s.add(v);
  return s;
}

/**
 * Poisson deviate, to simulate per-window completion counts: Knuth's product method for small
 * means, a rounded normal above 50 (an approximation far below the noise there).
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
