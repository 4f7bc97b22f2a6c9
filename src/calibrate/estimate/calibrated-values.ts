import { PARAM_SPECS, type SimParams } from '../../sim/params.js';
import type { CalibratedValue, ParamKey } from './model-file.js';

/** Builders for the per-parameter records of a calibrated model. */

/** Samples below which a mean is not trusted and the default is kept. */
export const MIN_SAMPLES = 20;

export function measured(value: unknown, samples: number, how: string): CalibratedValue {
  return { value, samples, source: 'trace', how };
}

/** The documented default of `key` (src/sim/params.ts), with why the trace cannot give it. */
export function byDefault<K extends ParamKey>(key: K, why: string): CalibratedValue {
  const [value, reason] = PARAM_SPECS[key] as [SimParams[K], string];
  return { value: Array.isArray(value) ? [...value] : value, samples: 0, source: 'default', how: `${why} Default: ${reason}.` };
}

/** Integer ns, never negative. */
export const ns = (x: number): number => Math.max(0, Math.round(x));

/** A mean in ns if it has enough samples, else the default. */
export function meanOr(key: ParamKey, m: { n: number; mean(): number }, how: string, why: string, scale = 1, offset = 0): CalibratedValue {
  if (m.n < MIN_SAMPLES) return byDefault(key, `${why} (${m.n} samples, fewer than ${MIN_SAMPLES}).`);
  return measured(ns(scale * m.mean() + offset), m.n, how);
}
