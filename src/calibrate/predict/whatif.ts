import { validateParams, type PolicyName, type RwMode, type SimParams } from '../../sim/params.js';
import type { CalibratedModel, MeasuredFigures, Quantiles } from '../estimate/model-file.js';
import { quantilesUs, runOnce, type CpuShares, type ModeShares, type RunFigures } from './run-figures.js';
import { WHATIF_SCHEMA } from '../../model/calibration-schemas.js';

/**
 * `whatif`: the calibrated machine under its current setting and under a changed one, with the
 * same seeds on both sides (paired runs: the device draws the same service times in the same
 * order as far as the two runs stay alike), so the change's spread is that of the paired
 * differences, not of two independent noises.
 */

export { WHATIF_SCHEMA };

export interface WhatifChange {
  kernel?: PolicyName;
  submitCpu?: number;
  irqCpu?: number;
  iodepth?: number;
  rw?: RwMode;
}

export interface WhatifOptions {
  /** Runs per side (default 5). */
  seeds?: number;
  /** I/Os per run (default: the trace's, capped at 20000). */
  ios?: number;
  /** First seed (default 1); run k uses firstSeed + k. */
  firstSeed?: number;
}

export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** 95% interval of the mean (Student t over the runs). */
  ci95: [number, number];
}

export interface SideSummary {
  /** The parameters this side changed from the model, and the setting it runs. */
  setting: { kernel: PolicyName; submitCpu: number; irqCpu: number; iodepth: number; rw: RwMode };
  iops: number;
  iopsSpread: Spread;
  byMode: ModeShares;
  cpus: CpuShares[];
  latencyUs: { total: Quantiles | null; device: Quantiles | null };
  runs: { seed: number; iops: number; byMode: ModeShares }[];
}

export interface WhatifResult {
  schema: typeof WHATIF_SCHEMA;
  model: { path: string; format: string | null };
  change: WhatifChange;
  seeds: number;
  iosPerRun: number;
  /** What the trace itself measured (the model's current setting should come close). */
  measured: MeasuredFigures;
  current: SideSummary;
  changed: SideSummary;
  /** Predicted IOPS change, % (mean of the paired per-seed changes). */
  changePct: number;
  spread: { iopsChangePct: Spread; modeSharePts: Record<keyof ModeShares, Spread> };
  notes: string[];
}

/** Runs per side, and the most I/Os per run, when not given. */
const DEFAULT_SEEDS = 5;
const DEFAULT_IOS_CAP = 20_000;

/** Two-sided 97.5% Student t quantiles for 1..30 degrees of freedom; 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function spreadOf(xs: readonly number[]): Spread {
  const n = xs.length;
  const mean = n > 0 ? xs.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const t = n > 1 ? (T975[n - 2] ?? 1.96) : 0;
  const h = n > 1 ? (t * sd) / Math.sqrt(n) : 0;
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { mean: r(mean), sd: r(sd), min: r(Math.min(...xs)), max: r(Math.max(...xs)), ci95: [r(mean - h), r(mean + h)] };
}

export function applyChange(base: SimParams, c: WhatifChange): SimParams {
  const p: SimParams = { ...base };
  if (c.kernel !== undefined) p.kernel = c.kernel;
  if (c.submitCpu !== undefined) p.submitCpu = c.submitCpu;
  if (c.irqCpu !== undefined) p.irqCpu = c.irqCpu;
  if (c.iodepth !== undefined) p.iodepth = c.iodepth;
  if (c.rw !== undefined) p.rw = c.rw;
  return p;
}

const MODES: (keyof ModeShares)[] = ['irq-inline', 'kworker-deferred', 'task-inline'];

function summarize(p: SimParams, runs: RunFigures[]): SideSummary {
  const mean = (f: (r: RunFigures) => number): number => runs.reduce((s, r) => s + f(r), 0) / Math.max(1, runs.length);
  const byMode = Object.fromEntries(MODES.map((m) => [m, Math.round(mean((r) => r.byMode[m]) * 10000) / 10000])) as ModeShares;
  const cpus: CpuShares[] = (runs[0]?.cpus ?? []).map((c, i) => {
    const tasks: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.cpus[i]?.tasks ?? {})) tasks[k] = (tasks[k] ?? 0) + v / runs.length;
    for (const k of Object.keys(tasks)) tasks[k] = Math.round((tasks[k] as number) * 100) / 100;
    const avg = (f: (x: CpuShares) => number): number => Math.round(mean((r) => f(r.cpus[i] as CpuShares)) * 100) / 100;
    return { cpu: c.cpu, busyPct: avg((x) => x.busyPct), hardirqPct: avg((x) => x.hardirqPct), softirqPct: avg((x) => x.softirqPct), tasks };
  });
  const iopsSpread = spreadOf(runs.map((r) => r.iops));
  return {
    setting: { kernel: p.kernel, submitCpu: p.submitCpu, irqCpu: p.irqCpu, iodepth: p.iodepth, rw: p.rw },
    iops: Math.round(iopsSpread.mean),
    iopsSpread,
    byMode,
    cpus,
    latencyUs: { total: quantilesUs(runs.map((r) => r.totalNs)), device: quantilesUs(runs.map((r) => r.deviceNs)) },
    runs: runs.map((r) => ({ seed: r.seed, iops: r.iops, byMode: r.byMode })),
  };
}

export async function whatif(model: CalibratedModel, change: WhatifChange, opts: WhatifOptions = {}): Promise<WhatifResult> {
  const seeds = Math.max(1, opts.seeds ?? DEFAULT_SEEDS);
  const ios = Math.max(1, opts.ios ?? Math.min(DEFAULT_IOS_CAP, model.params.ios));
  const first = opts.firstSeed ?? 1;
  const base: SimParams = { ...model.params, ios, durationNs: 0 };
  const changed = applyChange(base, change);
  const bad = [...validateParams(base), ...validateParams(changed)];
  if (bad.length > 0) throw new RangeError(bad.join('; '));
  const cur: RunFigures[] = [];
  const chg: RunFigures[] = [];
  for (let k = 0; k < seeds; k++) {
    cur.push(await runOnce(base, first + k));
    chg.push(await runOnce(changed, first + k));
  }
  const pct = cur.map((c, k) => 100 * ((chg[k] as RunFigures).iops / c.iops - 1));
  const pts = Object.fromEntries(MODES.map((m) => [m, spreadOf(cur.map((c, k) => 100 * ((chg[k] as RunFigures).byMode[m] - c.byMode[m])))])) as Record<keyof ModeShares, Spread>;
  const iopsChangePct = spreadOf(pct);
  return {
    schema: WHATIF_SCHEMA,
    model: { path: model.input.path, format: model.input.format },
    change,
    seeds,
    iosPerRun: ios,
    measured: model.measured,
    current: summarize(base, cur),
    changed: summarize(changed, chg),
    changePct: iopsChangePct.mean,
    spread: { iopsChangePct, modeSharePts: pts },
    notes: model.notes,
  };
}
