import type { LatencySummary } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES, phaseValues, type CompletionMode, type IoPath, type Phase, type UnresolvedReason } from '../model/io.js';
import { NS_PER_MS, NS_PER_US } from '../model/time.js';
import { createReservoir, type Reservoir } from '../stats/reservoir.js';
import { summarizeSketch as summarizeNs } from '../stats/summary.js';
import { createSketch, type QuantileSketch, type SketchJSON } from '../stats/sketch.js';
import { createWindowCounter } from '../stats/windows.js';

/**
 * Folds finished I/Os into bounded summaries: counts, a quantile sketch per phase (overall and per
 * mode, ≤0.5% relative error), a seeded reservoir of raw phase values per mode (for rank tests and
 * bootstrap intervals in `compare`), completions per 10 ms window (for IOPS and its confidence
 * interval; coarsened past 65 536 windows), and a small deterministic sample of whole paths per
 * mode for charts and examples. Nothing here grows with the number of I/Os or the trace's length.
 */

export const BIN_NS = 10 * NS_PER_MS;
/** Whole paths kept per mode for charts and examples. */
export const SAMPLES_PER_MODE = 120;
/** Raw values kept per phase and mode for two-sample tests. */
export const VALUES_PER_PHASE = 2000;

/** Distribution of one phase: its sketch (serialised) and a uniform sample of raw values (ns). */
export interface PhaseDistribution {
  sketch: SketchJSON;
  sample: number[];
}

export interface Fold {
  add(p: IoPath): void;
  readonly total: number;
  readonly byMode: Record<CompletionMode, number>;
  readonly irqContext: { hardirq: number; softirq: number };
  readonly taskInline: { submitter: number; 'sync-waiter': number; 'other-task': number };
  readonly unresolvedReasons: Partial<Record<UnresolvedReason, number>>;
  readonly byDirection: { R: number; W: number; unknown: number };
  /** `no_context` I/Os, and those whose completing line names the idle task or their issuer. */
  readonly noContext: { ios: number; idleTask: number; issuingTask: number };
  readonly completedBytes: number;
  readonly completed: number;
  /** First start (submit or issue) and last end of the I/Os counted as completed (NaN: none). */
  readonly span: { firstNs: number; lastNs: number };
  latency(): Partial<Record<Phase, LatencySummary>>;
  latencyByMode(): Partial<Record<CompletionMode, Partial<Record<Phase, LatencySummary>>>>;
  sketches(): { overall: Partial<Record<Phase, QuantileSketch>>; byMode: Partial<Record<CompletionMode, Partial<Record<Phase, QuantileSketch>>>> };
  samples(): IoPath[];
  /** Completions per window (BIN_NS, coarsened on long traces) up to `endNs`. */
  bins(endNs?: number): { binNs: number; startNs: number; counts: number[] };
  distributions(): Partial<Record<CompletionMode | 'all', Partial<Record<Phase, PhaseDistribution>>>>;
}

/** A phase's summary in µs (3 decimals) from its ns sketch; undefined when it saw nothing. */
export function summarizeSketch(s: QuantileSketch | undefined): LatencySummary | undefined {
  if (!s || s.count === 0) return undefined;
  const x = summarizeNs(s, { divideBy: NS_PER_US });
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return { count: x.count, mean: r(x.mean), p50: r(x.p50), p90: r(x.p90), p99: r(x.p99), max: r(x.max) };
}

export function createFold(): Fold {
  const byMode = Object.fromEntries(COMPLETION_MODES.map((m) => [m, 0])) as Record<CompletionMode, number>;
  const irqContext = { hardirq: 0, softirq: 0 };
  const taskInline = { submitter: 0, 'sync-waiter': 0, 'other-task': 0 };
  const unresolvedReasons: Partial<Record<UnresolvedReason, number>> = {};
  const byDirection = { R: 0, W: 0, unknown: 0 };
  const noContext = { ios: 0, idleTask: 0, issuingTask: 0 };
  const overall: Partial<Record<Phase, QuantileSketch>> = {};
  const perMode: Partial<Record<CompletionMode, Partial<Record<Phase, QuantileSketch>>>> = {};
  const samples = new Map<CompletionMode, Reservoir<IoPath>>();
  const windows = createWindowCounter({ windowNs: BIN_NS });
  let total = 0;
  let completed = 0;
  let completedBytes = 0;
  const span = { firstNs: NaN, lastNs: NaN };

  const sketchFor = (m: Partial<Record<Phase, QuantileSketch>>, ph: Phase): QuantileSketch => (m[ph] ??= createSketch());
  const overallIdx: (QuantileSketch | undefined)[] = [];
  const byModeIdx = new Map<CompletionMode, { sketches: (QuantileSketch | undefined)[]; mm: Partial<Record<Phase, QuantileSketch>>; reservoirs: Reservoir<number>[] | undefined }>();
  /** The I/O being folded's phases, by index (phaseValues). */
  const ph: (number | undefined)[] = [];
  // Reservoirs by group then phase index: built once, looked up without making a key per value.
  const reservoirs = new Map<string, Reservoir<number>[]>();
  const reservoirsOf = (group: string): Reservoir<number>[] => {
    let byPhase = reservoirs.get(group);
    if (!byPhase) reservoirs.set(group, (byPhase = PHASES.map((ph) => createReservoir<number>(VALUES_PER_PHASE, `${group}/${ph}`))));
    return byPhase;
  };

  return {
    add(p) {
      total++;
      byMode[p.mode]++;
      if (p.mode === 'irq-inline' && p.irqContext) irqContext[p.irqContext]++;
      if (p.mode === 'task-inline' && p.taskKind) taskInline[p.taskKind]++;
      if (p.mode === 'unresolved' && p.unresolvedReason) unresolvedReasons[p.unresolvedReason] = (unresolvedReasons[p.unresolvedReason] ?? 0) + 1;
      if (p.dir === 'R') byDirection.R++;
      else if (p.dir === 'W') byDirection.W++;
      else byDirection.unknown++;
      // A seeded uniform sample of whole paths per mode: the same trace gives the same sample.
      let res = samples.get(p.mode);
      if (!res) samples.set(p.mode, (res = createReservoir<IoPath>(SAMPLES_PER_MODE, `paths/${p.mode}`)));
      res.add(p);
      // Latencies of unresolved I/Os may span a gap in the trace: they are not summarised. An I/O
      // unresolved for `no_context` spans none: it was paired, only its completion context is
      // unknown, so its phases and its completion count (in the overall figures and under
      // `unresolved`, never under a mode it may not have had).
      const isNoContext = p.unresolvedReason === 'no_context';
      if (p.mode === 'unresolved' && !isNoContext) return;
      const end = p.completion ?? (isNoContext ? p.deviceComplete : undefined);
      if (isNoContext) {
        noContext.ios++;
        const pid = p.completion?.pid ?? p.deviceComplete?.pid;
        if (pid === 0) noContext.idleTask++;
        else if (pid !== undefined && pid === p.submitterPid) noContext.issuingTask++;
      }
      if (end) {
        completed++;
        completedBytes += p.bytes;
        windows.add(end.ts);
        const start = (p.submit ?? p.issue)?.ts;
        if (start !== undefined && !(start >= span.firstNs)) span.firstNs = start;
        if (!(end.ts <= span.lastNs)) span.lastNs = end.ts;
      }
      phaseValues(p, ph);
      // Sketches by phase index, overall and for the mode: the objects sketches() returns keep
      // them by name, in the order of first use, as they always did.
      let mine = byModeIdx.get(p.mode);
      if (!mine) byModeIdx.set(p.mode, (mine = { sketches: [], mm: (perMode[p.mode] ??= {}), reservoirs: undefined }));
      // Looked up once per I/O (the order of the reservoirs' first use, hence their seeds' use, is unchanged).
      let all: Reservoir<number>[] | undefined;
      for (let i = 0; i < PHASES.length; i++) {
        const v = ph[i];
        if (v === undefined) continue;
        (overallIdx[i] ??= sketchFor(overall, PHASES[i] as Phase)).add(v);
        (mine.sketches[i] ??= sketchFor(mine.mm, PHASES[i] as Phase)).add(v);
        (all ??= reservoirsOf('all'))[i]?.add(v);
        (mine.reservoirs ??= reservoirsOf(p.mode))[i]?.add(v);
      }
    },
    get total() {
      return total;
    },
    byMode,
    irqContext,
    taskInline,
    unresolvedReasons,
    byDirection,
    noContext,
    span,
    get completed() {
      return completed;
    },
    get completedBytes() {
      return completedBytes;
    },
    latency() {
      const out: Partial<Record<Phase, LatencySummary>> = {};
      for (const k of PHASES) {
        const s = summarizeSketch(overall[k]);
        if (s) out[k] = s;
      }
      return out;
    },
    latencyByMode() {
      const out: Partial<Record<CompletionMode, Partial<Record<Phase, LatencySummary>>>> = {};
      for (const m of COMPLETION_MODES) {
        const mm = perMode[m];
        if (!mm) continue;
        const o: Partial<Record<Phase, LatencySummary>> = {};
        for (const k of PHASES) {
          const s = summarizeSketch(mm[k]);
          if (s) o[k] = s;
        }
        out[m] = o;
      }
      return out;
    },
    sketches: () => ({ overall, byMode: perMode }),
    samples: () => COMPLETION_MODES.flatMap((m) => (samples.get(m)?.sample() ?? []).sort((a, b) => a.id - b.id)),
    bins(endNs) {
      const w = windows.finish(endNs);
      return { binNs: w.windowNs, startNs: Number.isFinite(w.startNs) ? w.startNs : 0, counts: Array.from(w.counts) };
    },
    distributions() {
      const out: Partial<Record<CompletionMode | 'all', Partial<Record<Phase, PhaseDistribution>>>> = {};
      const groups: [CompletionMode | 'all', Partial<Record<Phase, QuantileSketch>>][] = [['all', overall]];
      for (const m of COMPLETION_MODES) if (perMode[m]) groups.push([m, perMode[m] as Partial<Record<Phase, QuantileSketch>>]);
      for (const [g, sk] of groups) {
        const o: Partial<Record<Phase, PhaseDistribution>> = {};
        for (const ph of PHASES) {
          const s = sk[ph];
          if (!s) continue;
          o[ph] = { sketch: s.toJSON(), sample: reservoirs.get(g)?.[PHASES.indexOf(ph)]?.sample() ?? [] };
        }
        out[g] = o;
      }
      return out;
    },
  };
}
