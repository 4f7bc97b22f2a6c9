import type { Analysis } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES, type CompletionMode, type Phase } from '../model/io.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { deriveSeed, mergeSamples, sketchFromJSON, type QuantileSketch, type Seed } from '../stats/index.js';
import { BYTES_PER_MB, CPU_CATEGORIES, type CpuCategory, type SideSummary } from './schema.js';

/**
 * One side of a comparison: one analysis, or several runs of the same configuration pooled.
 * Counts and CPU time add up over runs; latency sketches merge exactly; the raw samples merge into
 * one uniform sample of the union (`mergeSamples`); window series stay per run, because the IOPS
 * bootstrap resamples runs before windows.
 */

export type Group = CompletionMode | 'all';

export interface PooledDistribution {
  sketch: QuantileSketch;
  /** Uniform sample of raw values (ns) of the pooled runs. */
  sample: number[];
}

export interface PooledSide {
  summary: SideSummary;
  /** Completions per window, per run (windows of `binNs`). */
  series: { binNs: number; counts: number[] }[];
  /** Bytes per completed I/O, pooled (total bytes / completed I/Os). */
  bytesPerIo: number;
  distributions: Partial<Record<Group, Partial<Record<Phase, PooledDistribution>>>>;
  /** CPU time (µs) per category on each run's submitter CPUs, summed over runs. */
  cpuUs: Record<CpuCategory, number>;
  /** Wall time × CPUs those sums cover, µs. */
  cpuSpanUs: number;
  /** I/O windows of the runs added, ms. */
  spanMs: number;
  contextSwitches: number;
  preemptionsByKworker: number;
  deferredCpuUs: number;
  dioWorkUs: number;
}

const spanS = (a: Analysis): number => Math.max(0, (a.window.endNs - a.window.startNs) / NS_PER_S);
export const resolvedOf = (byMode: Record<CompletionMode, number>): number => byMode['irq-inline'] + byMode['kworker-deferred'] + byMode['task-inline'];

function addInto<K extends string>(into: Record<K, number>, from: Partial<Record<K, number>>): void {
  for (const k of Object.keys(from) as K[]) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
}

function submitterCpusOf(a: Analysis): number[] {
  return [...new Set(a.submitters.flatMap((s) => s.cpus))].sort((x, y) => x - y);
}

function poolDistributions(runs: readonly Analysis[], seed: Seed, side: string): PooledSide['distributions'] {
  const out: PooledSide['distributions'] = {};
  for (const group of ['all', ...COMPLETION_MODES] as Group[]) {
    for (const phase of PHASES) {
      const parts = runs.map((a) => a.distributions?.[group]?.[phase]).filter((d): d is NonNullable<typeof d> => d !== undefined && d.sketch.count > 0);
      if (parts.length === 0) continue;
      const sketch = sketchFromJSON(parts[0]!.sketch);
      let merged = { sample: parts[0]!.sample.slice(), seen: parts[0]!.sketch.count };
      parts.slice(1).forEach((d, i) => {
        sketch.merge(sketchFromJSON(d.sketch));
        const next = { sample: d.sample, seen: d.sketch.count };
        merged = { sample: mergeSamples(merged, next, deriveSeed(seed, 'pool', side, group, phase, i)), seen: merged.seen + next.seen };
      });
      (out[group] ??= {})[phase] = { sketch, sample: merged.sample };
    }
  }
  return out;
}

export function poolSide(runs: readonly Analysis[], label: string, seed: Seed, side: 'before' | 'after'): PooledSide {
  if (runs.length === 0) throw new RangeError(`compare: no ${side} analysis`);
  const first = runs[0]!;
  const byMode = Object.fromEntries(COMPLETION_MODES.map((m) => [m, 0])) as Record<CompletionMode, number>;
  const irqContext = { hardirq: 0, softirq: 0 };
  const direction = { R: 0, W: 0, unknown: 0 };
  const cpuUs = Object.fromEntries(CPU_CATEGORIES.map((c) => [c, 0])) as Record<CpuCategory, number>;
  const submitters = new Map<string, SideSummary['submitters'][number]>();
  const kworkerCpus = new Map<number, number>();
  const irqCpus = new Map<number, number>();
  const allSubmitterCpus = new Set<number>();
  let ios = 0;
  let seconds = 0;
  let megabytes = 0;
  let cpuSpanUs = 0;
  let contextSwitches = 0;
  let preemptionsByKworker = 0;
  let deferredCpuUs = 0;
  let dioWorkUs = 0;
  for (const a of runs) {
    addInto(byMode, a.ios.byMode);
    addInto(irqContext, a.ios.irqContext);
    addInto(direction, a.ios.byDirection);
    ios += a.ios.total;
    seconds += spanS(a);
    megabytes += a.mbps * spanS(a);
    const deferred = a.ios.byMode['kworker-deferred'];
    deferredCpuUs += a.perIo.deferredCpuUs * deferred;
    dioWorkUs += a.perIo.dioWorkUs * deferred;
    for (const s of a.submitters) {
      // Runs of one configuration have different pids: the same command is the same submitter.
      const key = s.comm;
      const prev = submitters.get(key);
      if (prev) (prev.ios += s.ios), (prev.cpus = [...new Set([...prev.cpus, ...s.cpus])].sort((x, y) => x - y));
      else submitters.set(key, { comm: s.comm, pid: s.pid, cpus: s.cpus.slice(), ios: s.ios });
    }
    for (const k of a.kworkers) kworkerCpus.set(k.cpu, (kworkerCpus.get(k.cpu) ?? 0) + k.items);
    for (const q of a.irqCpus) irqCpus.set(q.cpu, (irqCpus.get(q.cpu) ?? 0) + q.completions);
    preemptionsByKworker += a.cpus.reduce((s, c) => s + c.submitterPreemptionsByKworker, 0);
    // CPU time is counted on the CPUs this run's submitters ran on: that is where deferral competes with them.
    const mine = new Set(submitterCpusOf(a));
    for (const c of mine) allSubmitterCpus.add(c);
    for (const c of a.cpus) {
      if (!mine.has(c.cpu)) continue;
      cpuUs.kworker += c.kworkerUs;
      cpuUs.dioWork += c.dioWorkUs;
      cpuUs.softirq += c.softirqUs;
      cpuUs.hardirq += c.hardirqUs;
      cpuUs.submitter += c.submitterUs;
      cpuUs.otherTask += c.otherTaskUs;
      cpuUs.idle += c.idleUs;
      cpuUs.unknown += c.unknownUs;
      contextSwitches += c.contextSwitches;
      cpuSpanUs += c.kworkerUs + c.softirqUs + c.hardirqUs + c.submitterUs + c.otherTaskUs + c.idleUs + c.unknownUs;
    }
  }
  const resolved = resolvedOf(byMode);
  const iops = seconds > 0 ? resolved / seconds : 0;
  const mbps = seconds > 0 ? megabytes / seconds : 0;
  const series = runs.map((a) => ({ binNs: a.series.binNs, counts: a.series.counts }));
  const summary: SideSummary = {
    label,
    inputs: runs.map((a) => a.input.path),
    runs: runs.length,
    unit: first.unit,
    ios,
    resolved,
    iops: Math.round(iops * 10) / 10,
    mbps: Math.round(mbps * 1000) / 1000,
    byMode,
    irqContext,
    direction,
    submitters: [...submitters.values()].sort((x, y) => y.ios - x.ios),
    submitterCpus: [...allSubmitterCpus].sort((x, y) => x - y),
    kworkerCpus: [...kworkerCpus].map(([cpu, items]) => ({ cpu, items })).sort((x, y) => y.items - x.items),
    irqCpus: [...irqCpus].map(([cpu, completions]) => ({ cpu, completions })).sort((x, y) => y.completions - x.completions),
    windows: series.reduce((s, r) => s + r.counts.length, 0),
    windowMs: Math.max(...series.map((r) => r.binNs)) / NS_PER_MS,
    stalledWindows: 0,
  };
  return {
    summary,
    series,
    bytesPerIo: iops > 0 ? (mbps * BYTES_PER_MB) / iops : 0,
    distributions: poolDistributions(runs, seed, side),
    cpuUs,
    cpuSpanUs,
    spanMs: seconds * (NS_PER_S / NS_PER_MS),
    contextSwitches,
    preemptionsByKworker,
    deferredCpuUs,
    dioWorkUs,
  };
}
