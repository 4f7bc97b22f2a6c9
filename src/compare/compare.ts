import type { Analysis } from '../model/analysis.js';
import { NS_PER_MS } from '../model/time.js';
import { adjustBH, DEFAULT_RESAMPLES, type Seed } from '../stats/index.js';
import { compareCpu, CPU_METHOD, PER_IO_METHOD } from './cpu.js';
import { compareLatency, LATENCY_METHOD } from './latency.js';
import { compareModes, MODES_METHOD } from './modes.js';
import { poolSide } from './pool.js';
import { COMPARE_SCHEMA, type CompareResult } from './schema.js';
import { compareThroughput, MIN_WINDOWS, STALL_SHARE } from './throughput.js';
import { buildVerdict, NOT_THE_WORKLOAD } from './verdict.js';

/**
 * `compareAnalyses(before, after)`: did a change help, by how much, and why — from analyses of
 * traces taken before and after it (one or several runs per side). Pure and seeded: the same
 * analyses and seed give the same result, byte for byte. The result is `iopath.compare/1`
 * (schema.ts).
 */

export interface CompareOptions {
  labelBefore?: string;
  labelAfter?: string;
  /** Seed of every resampling (default 1). */
  seed?: Seed;
  /** Confidence level of intervals and tests (default 0.95). */
  level?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /**
   * Resamples of the latency quantile bootstraps (default: `resamples`). They are the costly part
   * (≈ 0.1 s per phase and group at 2000), so bulk uses — calibration over many pairs, CI jobs
   * comparing many saved runs — may lower them without touching the IOPS interval.
   */
  latencyResamples?: number;
  /** Compare latencies (default true). Off, `latencyUs` and `latencyUsByMode` are empty: for IOPS and mode screening in bulk. */
  latency?: boolean;
}

/** Windows below which an IOPS interval is given but flagged as resting on few samples. */
const FEW_WINDOWS = 30;
/** Unresolved share (of all I/Os) above which the mode mix deserves a warning. */
const UNRESOLVED_WARN_PCT = 5;

const dominantDirection = (d: { R: number; W: number; unknown: number }): string => {
  const n = d.R + d.W + d.unknown;
  if (n === 0) return 'no I/O';
  return d.W >= 0.9 * n ? 'writes' : d.R >= 0.9 * n ? 'reads' : 'mixed reads and writes';
};

function dataLoss(runs: readonly Analysis[]): number {
  return runs.reduce((s, a) => s + a.diagnostics.filter((d) => d.severity === 'data-loss').reduce((x, d) => x + d.count, 0), 0);
}

/**
 * A limitation of one side only. Most say that some events are absent, and a trace cannot tell
 * "not traced" from "did not happen": when the other side has them, the likelier reading is that
 * the change removed what emits them (no deferral, no queue_work, no kworker wakeups).
 */
function oneSidedLimitation(label: string, limitation: string): string {
  const m = /^No (\S+) events:/.exec(limitation);
  if (!m) return `Only ${label}: ${limitation}`;
  return `${label} has no ${m[1]} events, the other side has: either they did not occur there (as when completions are no longer deferred) or they were not traced; compare traces captured with the same events. (${limitation})`;
}

/**
 * Why a side's traces do not stand for its workload, from the diagnostics that say so: a perf.data
 * that recorded some tasks or CPUs, or sampled (parse/binary/perfdata/scope.ts), a clock in ticks
 * (kernel/trace-clocks.ts). Statistics on such a side compare a part, or other units.
 */
function partialWhy(runs: readonly Analysis[]): string[] {
  const has = (code: string): boolean => runs.some((x) => x.diagnostics.some((d) => d.code === code));
  const why: string[] = [];
  if (has('sampled_recording')) why.push('is a sampled perf.data (its I/Os are the chance few whose events were sampled)');
  if (has('partial_recording')) why.push('recorded only some tasks or CPUs (its I/Os are those that completed where the recording looked)');
  if (has('clock_not_ns')) why.push('is timed by a clock that does not count nanoseconds (its durations are ticks)');
  return why;
}

function warningsFor(before: readonly Analysis[], after: readonly Analysis[], r: Omit<CompareResult, 'verdict' | 'warnings'>): string[] {
  const w: string[] = [];
  const sb = r.before;
  const sa = r.after;
  for (const [label, runs] of [
    [sb.label, before],
    [sa.label, after],
  ] as const) {
    const why = partialWhy(runs);
    if (why.length > 0) w.push(`${label} ${why.join(' and ')}: ${NOT_THE_WORKLOAD}`);
  }
  if (sb.runs === 1 || sa.runs === 1) {
    w.push(
      `${sb.runs === 1 && sa.runs === 1 ? 'One run per side' : `One run ${sb.runs === 1 ? 'before' : 'after'}`}: the intervals cover the noise within each trace, not the variation from run to run (boot, device state, placement, background work), so a difference of this kind may be run-to-run noise rather than the change. Capture several runs per side (--before A1 A2 … --after B1 B2 …) to estimate it.`,
    );
  }
  const db = dominantDirection(sb.direction);
  const da = dominantDirection(sa.direction);
  if (db !== da) w.push(`The sides do different I/O (${sb.label}: ${db}; ${sa.label}: ${da}): this compares two workloads, not one workload before and after a change.`);
  if (sb.unit !== sa.unit) w.push(`I/Os are counted differently (${sb.label}: ${sb.unit}, ${sa.label}: ${sa.unit}; one trace lacks iomap events): modes of block requests are inferred, those of DIOs observed.`);
  // The storage stack each side ran on (roles of its layers, top first): a loop or dm layer beneath
  // changes where completions run, so the sides would not be one workload before and after.
  const stackOf = (xs: readonly Analysis[]): string => [...new Set(xs.map((x) => (x.layers ?? []).filter((l) => l.role === 'top' || l.servicing > 0).map((l) => l.role).join(' > ') || 'top'))].join(' | ');
  const stB = stackOf(before);
  const stA = stackOf(after);
  if (stB !== stA) w.push(`The sides ran on different storage stacks (${sb.label}: ${stB}; ${sa.label}: ${stA}): lower layers add completion hops of their own, so a difference may come from the stack, not the change.`);
  const subB = sb.submitters[0]?.comm;
  const subA = sa.submitters[0]?.comm;
  if (subB && subA && subB !== subA) w.push(`The main submitter differs (${sb.label}: ${subB}, ${sa.label}: ${subA}).`);
  const limB = new Set(before.flatMap((x) => x.limitations));
  const limA = new Set(after.flatMap((x) => x.limitations));
  for (const l of limB) if (!limA.has(l)) w.push(oneSidedLimitation(sb.label, l));
  for (const l of limA) if (!limB.has(l)) w.push(oneSidedLimitation(sa.label, l));
  for (const side of [sb, sa]) {
    const u = side.ios > 0 ? (100 * side.byMode.unresolved) / side.ios : 0;
    if (u > UNRESOLVED_WARN_PCT) w.push(`${side.label}: ${u.toFixed(1)}% of I/Os could not be followed to a completion; modes and latencies describe the rest.`);
  }
  const lossB = dataLoss(before);
  const lossA = dataLoss(after);
  if (lossB > 0 || lossA > 0) w.push(`Data loss in the traces (${sb.label}: ${lossB}, ${sa.label}: ${lossA} diagnostics): I/Os across a loss are unresolved, and CPU time near it is uncertain.`);
  const wb = r.before.windows;
  const wa = r.after.windows;
  if (Math.min(wb, wa) < MIN_WINDOWS) w.push(`Too short for an IOPS interval: ${Math.min(wb, wa)} complete ${r.before.windowMs} ms windows on a side (need ${MIN_WINDOWS}); only the point change is given.`);
  else if (Math.min(wb, wa) < FEW_WINDOWS) w.push(`Only ${Math.min(wb, wa)} complete ${r.before.windowMs} ms windows on a side: the IOPS interval rests on few samples (it is widened for that, see method); longer traces give a firmer one.`);
  for (const side of [sb, sa]) {
    if (side.stalledWindows > 0) {
      w.push(
        `${side.label}: I/O stalled in ${side.stalledWindows} of ${side.windows} ${side.windowMs} ms windows (fewer than ${100 * STALL_SHARE}% of the median completions). Stalls widen the IOPS interval; look at what ran (or did not) then before crediting them to the change: a host or tracer pause stops every CPU at once.`,
      );
    }
  }
  const tot = r.latencyUs.total;
  if (tot && tot.p99.ci95 === null) w.push('Too few sampled latencies for a p99 interval (needs 500 per side).');
  return w;
}

/** Benjamini–Hochberg over every test the comparison reports, then `significant` from the adjusted values. */
function adjustAll(r: Omit<CompareResult, 'verdict' | 'warnings'>, alpha: number): void {
  const slots: { pValue: number | null; pAdjusted: number | null; significant: boolean }[] = [
    ...Object.values(r.modes),
    r.irqContext.hardirq,
    r.irqContext.softirq,
    ...Object.values(r.latencyUs),
    ...Object.values(r.latencyUsByMode).flatMap((g) => Object.values(g)),
  ];
  const q = adjustBH(slots.map((s) => (s.pValue === null || !Number.isFinite(s.pValue) ? NaN : s.pValue)));
  slots.forEach((s, i) => {
    const v = q[i]!;
    s.pAdjusted = Number.isFinite(v) ? v : null;
    s.significant = Number.isFinite(v) && v < alpha;
  });
}

export function compareAnalyses(before: readonly Analysis[], after: readonly Analysis[], opts: CompareOptions = {}): CompareResult {
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  if (before.length === 0 || after.length === 0) throw new RangeError('compare: each side needs at least one analysis');
  const b = poolSide(before, opts.labelBefore ?? 'before', seed, 'before');
  const a = poolSide(after, opts.labelAfter ?? 'after', seed, 'after');
  const tp = compareThroughput(b, a, seed, level, resamples);
  b.summary.windows = tp.windows.before;
  a.summary.windows = tp.windows.after;
  b.summary.windowMs = a.summary.windowMs = tp.binNs / NS_PER_MS;
  b.summary.stalledWindows = tp.stalled.before;
  a.summary.stalledWindows = tp.stalled.after;
  const { modes, irqContext } = compareModes(b, a, level);
  const { latencyUs, latencyUsByMode } = opts.latency === false ? { latencyUs: {}, latencyUsByMode: {} } : compareLatency(b, a, seed, level, opts.latencyResamples ?? resamples);
  const { cpu, perIo } = compareCpu(b, a);
  const partial: Omit<CompareResult, 'verdict' | 'warnings'> = {
    schema: COMPARE_SCHEMA,
    level,
    seed,
    before: b.summary,
    after: a.summary,
    iops: tp.iops,
    mbps: tp.mbps,
    modes,
    irqContext,
    latencyUs,
    latencyUsByMode,
    cpu,
    perIo,
    method: {
      iops: tp.iops.method,
      mbps: tp.mbps.method,
      modes: MODES_METHOD,
      latency: opts.latency === false ? 'not compared (latency: false)' : LATENCY_METHOD,
      cpu: CPU_METHOD,
      perIo: PER_IO_METHOD,
      multipleTesting: `Benjamini–Hochberg over all mode, IRQ-context and latency tests (pAdjusted; significant when < ${+(1 - level).toFixed(4)}); the IOPS interval is the primary result and is not adjusted; per-I/O rate tests are screens, reported unadjusted.`,
    },
  };
  adjustAll(partial, 1 - level);
  const warnings = warningsFor(before, after, partial);
  return { ...partial, warnings, verdict: buildVerdict({ ...partial, warnings }) };
}
