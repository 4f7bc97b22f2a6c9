import { NS_PER_S, NS_PER_US } from '../model/time.js';
import type { Model } from './model.js';
import type { SimParams } from './params.js';
import type { Io, Task, TrueMode } from './types.js';

/** The run's own figures (`iopath simulate --json`, schema iopath.simulation/1). */

export interface CpuFigures {
  cpu: number;
  busyPct: number;
  hardirqPct: number;
  softirqPct: number;
  irqs: number;
  switches: number;
  /** Share of this CPU's time each task held it (interrupts included, as the scheduler sees it). */
  tasks: Record<string, number>;
}

export interface SimulationFigures {
  schema: 'iopath.simulation/1';
  preset: string | null;
  kernel: string;
  seed: number;
  ios: number;
  simulatedNs: number;
  iops: number;
  byMode: Record<TrueMode, number>;
  byIrqCtx: { hardirq: number; softirq: number };
  meanLatencyUs: number;
  kworkerRuns: number;
  events: number;
  cpus: CpuFigures[];
}

export interface ModeCounter {
  add(io: Io): void;
  byMode: Record<TrueMode, number>;
  byIrqCtx: { hardirq: number; softirq: number };
  latencySumNs: number;
  n: number;
}

export function createModeCounter(): ModeCounter {
  const c: ModeCounter = {
    byMode: { 'irq-inline': 0, 'kworker-deferred': 0, 'task-inline': 0 },
    byIrqCtx: { hardirq: 0, softirq: 0 },
    latencySumNs: 0,
    n: 0,
    add(io) {
      if (io.mode !== null) c.byMode[io.mode]++;
      if (io.irqCtx !== '') c.byIrqCtx[io.irqCtx]++;
      c.latencySumNs += io.tReap - io.tSubmit;
      c.n++;
    },
  };
  return c;
}

const pct = (x: number, total: number): number => (total > 0 ? Math.round((10000 * x) / total) / 100 : 0);

export function figures(model: Model, p: SimParams, preset: string | null, seed: number, modes: ModeCounter, wakeups: number): SimulationFigures {
  const T = model.engine.now();
  const tasks: Task[] = [model.workload.task, ...model.wq.workers()];
  const endNs = model.workload.endNs();
  return {
    schema: 'iopath.simulation/1',
    preset,
    kernel: p.kernel,
    seed,
    ios: model.workload.reaped(),
    simulatedNs: endNs,
    iops: endNs > 0 ? Math.round(model.workload.reaped() / (endNs / NS_PER_S)) : 0,
    byMode: modes.byMode,
    byIrqCtx: modes.byIrqCtx,
    // In µs, rounded to 0.01 µs (ns / 10, rounded, / 100).
    meanLatencyUs: modes.n > 0 ? Math.round(modes.latencySumNs / modes.n / (NS_PER_US / 100)) / 100 : 0,
    kworkerRuns: wakeups,
    events: model.ev.count(),
    cpus: model.cpus.cpus.map((c) => {
      const own: Record<string, number> = {};
      for (const t of tasks) if (t.cpu === c.id && t.runNs > 0) own[t.comm] = pct(t.runNs, T);
      return {
        cpu: c.id,
        busyPct: pct(T - c.idleNs, T),
        hardirqPct: pct(c.hardirqNs, T),
        softirqPct: pct(c.softirqNs, T),
        irqs: c.irqs,
        switches: c.switches,
        tasks: own,
      };
    }),
  };
}
