import { quantileSorted } from 'simple-statistics';
import { simulate } from '../../sim/index.js';
import { NS_PER_US } from '../../model/time.js';
import type { SimParams } from '../../sim/params.js';
import type { Io, TrueMode } from '../../sim/types.js';
import type { Quantiles } from '../estimate/model-file.js';

/**
 * One simulated run of a calibrated model, reduced to what whatif reports: IOPS, the mode mix,
 * each CPU's busy share and who used it, and per-I/O latencies (kept for pooled percentiles).
 * Latencies are the analysis' phases: total = submission → DIO completion, device = block issue →
 * block completion, so a prediction reads like an `analyze` of the trace it would give.
 */

export type ModeShares = Record<TrueMode, number>;

export interface CpuShares {
  cpu: number;
  busyPct: number;
  hardirqPct: number;
  softirqPct: number;
  /** Share of the CPU each task held (as the scheduler sees it, interrupts included). */
  tasks: Record<string, number>;
}

export interface RunFigures {
  seed: number;
  ios: number;
  iops: number;
  byMode: ModeShares;
  cpus: CpuShares[];
  /** ns, one per I/O. */
  totalNs: Float64Array;
  deviceNs: Float64Array;
}

export async function runOnce(params: SimParams, seed: number): Promise<RunFigures> {
  const total: number[] = [];
  const device: number[] = [];
  const fig = await simulate(
    { params, seed },
    {
      onIo: (io: Io) => {
        if (io.tComplete >= 0 && io.tSubmit >= 0) total.push(io.tComplete - io.tSubmit);
        if (io.tBlockComplete >= 0 && io.tIssue >= 0) device.push(io.tBlockComplete - io.tIssue);
      },
    },
  );
  const n = Math.max(1, fig.ios);
  return {
    seed,
    ios: fig.ios,
    iops: fig.iops,
    byMode: { 'irq-inline': fig.byMode['irq-inline'] / n, 'kworker-deferred': fig.byMode['kworker-deferred'] / n, 'task-inline': fig.byMode['task-inline'] / n },
    cpus: fig.cpus.map((c) => ({ cpu: c.cpu, busyPct: c.busyPct, hardirqPct: c.hardirqPct, softirqPct: c.softirqPct, tasks: c.tasks })),
    totalNs: Float64Array.from(total),
    deviceNs: Float64Array.from(device),
  };
}

/** Percentiles in µs of pooled ns values. */
export function quantilesUs(parts: readonly Float64Array[]): Quantiles | null {
  const n = parts.reduce((s, p) => s + p.length, 0);
  if (n === 0) return null;
  const all = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  all.sort();
  const xs = all as unknown as number[];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += all[i] as number;
  // ns → µs, rounded to 0.1 µs.
  const us = (x: number): number => Math.round(x / (NS_PER_US / 10)) / 10;
  return { p50: us(quantileSorted(xs, 0.5)), p90: us(quantileSorted(xs, 0.9)), p99: us(quantileSorted(xs, 0.99)), mean: us(sum / n) };
}
