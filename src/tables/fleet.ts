import type { Analysis, LatencySummary } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES, type CompletionMode, type Phase } from '../model/io.js';
import { sketchFromJSON } from '../stats/sketch-json.js';
import type { QuantileSketch } from '../stats/sketch.js';
import { summarizeSketch } from '../stats/summary.js';

/**
 * One summary of many traces, merged from their per-trace summaries: mode counts add, phase
 * quantiles come from the traces' quantile sketches merged bucket by bucket (so they are those of
 * one sketch over all the I/Os, within the sketch's relative accuracy), IOPS stay per trace (the
 * traces ran on different machines or at different times: a sum would be a rate of nothing).
 */

export const FLEET_SCHEMA = 'iopath.fleet/1';

export interface FleetTrace {
  trace: string;
  input: string;
  ios: number;
  byMode: Record<CompletionMode, number>;
  iops: number;
  durationS: number;
}

export interface FleetSummary {
  schema: typeof FLEET_SCHEMA;
  traces: FleetTrace[];
  ios: number;
  byMode: Record<CompletionMode, number>;
  /** Per phase, over every I/O of every trace (µs). */
  latencyUs: Partial<Record<Phase, LatencySummary>>;
}

const NS_PER_US = 1000;

export function fleetSummary(items: readonly { trace: string; analysis: Analysis }[]): FleetSummary {
  const byMode = Object.fromEntries(COMPLETION_MODES.map((m) => [m, 0])) as Record<CompletionMode, number>;
  const merged: Partial<Record<Phase, QuantileSketch>> = {};
  const traces: FleetTrace[] = [];
  for (const { trace, analysis: a } of items) {
    for (const m of COMPLETION_MODES) byMode[m] += a.ios.byMode[m] ?? 0;
    for (const ph of PHASES) {
      const saved = a.distributions.all?.[ph]?.sketch;
      if (!saved || saved.count === 0) continue;
      const s = sketchFromJSON(saved);
      const into = merged[ph];
      if (into) into.merge(s);
      else merged[ph] = s;
    }
    traces.push({ trace, input: a.input.path, ios: a.ios.total, byMode: { ...a.ios.byMode }, iops: a.iops, durationS: (a.window.endNs - a.window.startNs) / 1e9 });
  }
  const latencyUs: FleetSummary['latencyUs'] = {};
  for (const ph of PHASES) if (merged[ph]) latencyUs[ph] = summarizeSketch(merged[ph]!, { divideBy: NS_PER_US });
  return { schema: FLEET_SCHEMA, traces, ios: traces.reduce((n, t) => n + t.ios, 0), byMode, latencyUs };
}

const f = (v: number | undefined, d = 1): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

export function formatFleetText(s: FleetSummary): string {
  const out: string[] = [`Fleet: ${s.traces.length} traces, ${s.ios} I/Os`, ''];
  const pct = (n: number, of: number): string => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
  out.push(`${'trace'.padEnd(32)} ${'I/Os'.padStart(8)} ${'IOPS'.padStart(9)}  ${COMPLETION_MODES.map((m) => m.padStart(16)).join(' ')}`);
  for (const t of s.traces) out.push(`${t.trace.padEnd(32)} ${String(t.ios).padStart(8)} ${f(t.iops, 0).padStart(9)}  ${COMPLETION_MODES.map((m) => pct(t.byMode[m], t.ios).padStart(16)).join(' ')}`);
  out.push(`${'all'.padEnd(32)} ${String(s.ios).padStart(8)} ${''.padStart(9)}  ${COMPLETION_MODES.map((m) => pct(s.byMode[m], s.ios).padStart(16)).join(' ')}`, '');
  out.push(`Latency over all traces (µs; merged sketches, ±0.5%):`, `${'phase'.padEnd(14)} ${['count', 'mean', 'p50', 'p90', 'p99', 'max'].map((h) => h.padStart(10)).join(' ')}`);
  for (const ph of PHASES) {
    const l = s.latencyUs[ph];
    if (l) out.push(`${ph.padEnd(14)} ${[String(l.count), f(l.mean), f(l.p50), f(l.p90), f(l.p99), f(l.max)].map((v) => v.padStart(10)).join(' ')}`);
  }
  return out.join('\n') + '\n';
}
