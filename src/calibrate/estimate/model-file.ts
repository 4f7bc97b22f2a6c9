import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { MODEL_SCHEMA } from '../../model/calibration-schemas.js';
import type { SimParams } from '../../sim/params.js';

/**
 * The calibrated model (`iopath calibrate -o model.json`, schema iopath.model/1): a complete
 * simulator parameter set plus, for every parameter, where its value came from — measured in the
 * trace (with the number of samples and the formula) or a documented default because the trace
 * cannot show it — and what the trace itself measured, for checking the model against it.
 *
 * In src/calibrate "model" means this file and nothing else: the program it parameterises is "the
 * simulator" (src/sim), and the trace's event and analysis records come from src/model.
 */

export { MODEL_SCHEMA };

export interface CalibratedValue {
  value: unknown;
  /** Events or I/Os behind the value; 0 for a default. */
  samples: number;
  source: 'trace' | 'default';
  /** Which events and which formula, or why the trace cannot show it. */
  how: string;
}

export type ParamKey = keyof SimParams;

/** One record per parameter (a model's `values`). */
export type CalibratedValues = Partial<Record<ParamKey, CalibratedValue>>;

export interface MeasuredFigures {
  ios: number;
  iops: number;
  /** Shares of resolved I/Os, 0..1. */
  byMode: { 'irq-inline': number; 'kworker-deferred': number; 'task-inline': number };
  /** Busy share of each CPU over the I/O window, by category (0..1). */
  cpus: { cpu: number; busy: number; hardirq: number; softirq: number; kworker: number; submitter: number }[];
  completionsPerIrq: number;
  latencyUs: { total: Quantiles | null; device: Quantiles | null };
}

export interface Quantiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export interface CalibratedModel {
  schema: typeof MODEL_SCHEMA;
  input: { path: string; format: string | null; lines: number; events: number; unit: string; windowNs: number };
  params: SimParams;
  values: CalibratedValues;
  measured: MeasuredFigures;
  notes: string[];
}

export function isCalibratedModel(x: unknown): x is CalibratedModel {
  const m = x as Partial<CalibratedModel> | null;
  return typeof m === 'object' && m !== null && m.schema === MODEL_SCHEMA && typeof m.params === 'object' && m.params !== null;
}

/** Reads a model file; null when the file is not a calibrated model (e.g. a trace). */
export function readModelFile(path: string): CalibratedModel | null {
  let text: string;
  try {
    // Only a file starting with '{' can be a model: look at one byte before reading a whole trace.
    const fd = openSync(path, 'r');
    const first = Buffer.alloc(1);
    const got = readSync(fd, first, 0, 1, 0);
    closeSync(fd);
    if (got === 0 || first[0] !== 0x7b) return null;
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isCalibratedModel(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
