import type { Analysis } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES, phasesOf, type CompletionMode, type IoPath, type Phase } from '../model/io.js';
import { sketchFromJSON } from '../stats/sketch-json.js';

/**
 * The rows behind each chart, computed once and shared by the chart (vega-lite data) and the table
 * printed under it, so the picture and the numbers cannot disagree. Everything is a summary or a
 * bounded sample: the report's size does not grow with the number of I/Os.
 */

export const PHASE_TITLES: Record<Phase, string> = {
  total: 'total: submit → completion',
  device: 'device: issue → block completion',
  completion: 'completion: block completion → completion',
  deferralWait: 'deferralWait: queue_work → kworker start',
  work: 'work: kworker start → end',
};

export interface ModeRow {
  mode: CompletionMode;
  detail: string;
  count: number;
  /** Of all I/Os. */
  share: number;
}

export const MODE_DETAILS = ['hardirq', 'softirq', 'irq (context unknown)', 'kworker', 'submitter', 'sync waiter', 'other task', 'trace start', 'trace end', 'lost events', 'missing events', 'timeout', 'unresolved (no reason)'] as const;

export function modeRows(a: Analysis): ModeRow[] {
  const t = a.ios.total;
  const rows: ModeRow[] = [];
  const add = (mode: CompletionMode, detail: string, count: number): void => {
    if (count > 0) rows.push({ mode, detail, count, share: t > 0 ? count / t : 0 });
  };
  const irq = a.ios.byMode['irq-inline'];
  add('irq-inline', 'hardirq', a.ios.irqContext.hardirq);
  add('irq-inline', 'softirq', a.ios.irqContext.softirq);
  add('irq-inline', 'irq (context unknown)', irq - a.ios.irqContext.hardirq - a.ios.irqContext.softirq);
  add('kworker-deferred', 'kworker', a.ios.byMode['kworker-deferred']);
  const ti = a.ios.taskInline;
  add('task-inline', 'submitter', ti.submitter);
  add('task-inline', 'sync waiter', ti['sync-waiter']);
  add('task-inline', 'other task', ti['other-task'] + Math.max(0, a.ios.byMode['task-inline'] - ti.submitter - ti['sync-waiter'] - ti['other-task']));
  let reasons = 0;
  for (const [k, v] of Object.entries(a.ios.unresolvedReasons)) {
    add('unresolved', k.replace('_', ' '), v ?? 0);
    reasons += v ?? 0;
  }
  add('unresolved', 'unresolved (no reason)', a.ios.byMode.unresolved - reasons);
  return rows;
}

export const CPU_CATEGORIES = ['hardirq', 'softirq', 'kworker DIO work', 'other kworker', 'submitter', 'other tasks', 'idle', 'unknown'] as const;
export type CpuCategory = (typeof CPU_CATEGORIES)[number];

export interface CpuRow {
  cpu: string;
  category: CpuCategory;
  ms: number;
  share: number;
}

export function cpuRows(a: Analysis): CpuRow[] {
  const span = Math.max(1, a.window.endNs - a.window.startNs) / 1e6;
  const rows: CpuRow[] = [];
  for (const c of a.cpus) {
    const v: Record<CpuCategory, number> = {
      hardirq: c.hardirqUs,
      softirq: c.softirqUs,
      'kworker DIO work': c.dioWorkUs,
      'other kworker': Math.max(0, c.kworkerUs - c.dioWorkUs),
      submitter: c.submitterUs,
      'other tasks': c.otherTaskUs,
      idle: c.idleUs,
      unknown: c.unknownUs,
    };
    for (const k of CPU_CATEGORIES) if (k !== 'unknown' || v[k] > 0) rows.push({ cpu: `CPU ${c.cpu}`, category: k, ms: v[k] / 1000, share: v[k] / 1000 / span });
  }
  return rows;
}

export type DistGroup = CompletionMode | 'all';

export interface CdfPoint {
  group: string;
  phase: string;
  /** Latency in µs (zeros drawn at `floorUs` on the log axis). */
  us: number;
  frac: number;
}

/** Keeps a point when latency grew by this factor since the last one: ≤ ~120 points per decade. */
const CDF_STEP = 1.02;

/**
 * Cumulative distributions from the analysis' quantile sketches (exact counts per log bucket, so the
 * curve is the data's within the sketch's 0.5% relative accuracy). `label` names the series (the
 * mode, or before/after in a comparison).
 */
export function cdfPoints(a: Analysis, groups: readonly DistGroup[], label: (g: DistGroup) => string = (g) => g): CdfPoint[] {
  const out: CdfPoint[] = [];
  for (const g of groups) {
    for (const ph of PHASES) {
      const d = a.distributions?.[g]?.[ph];
      if (!d || d.sketch.count === 0) continue;
      const bins = sketchFromJSON(d.sketch).bins();
      const n = d.sketch.count;
      let cum = 0;
      let lastUs = -1;
      bins.forEach((b, i) => {
        cum += b.count;
        const us = b.value / 1000;
        if (i === bins.length - 1 || lastUs <= 0 || us >= lastUs * CDF_STEP) {
          out.push({ group: label(g), phase: ph, us, frac: cum / n });
          lastUs = us;
        }
      });
    }
  }
  return out;
}

/** Moves zeros (and anything below it) to a floor one decade under the smallest non-zero latency. */
export function floorForLog(points: CdfPoint[]): number {
  const min = Math.min(...points.map((p) => p.us).filter((u) => u > 0));
  // 1.01: a sketch reports 1 µs as 0.998 µs; that is still the 1 µs decade.
  const floor = Number.isFinite(min) ? Number((10 ** (Math.floor(Math.log10(min * 1.01)) - 1)).toPrecision(1)) : 0.1;
  for (const p of points) if (p.us < floor) p.us = floor;
  return floor;
}

export const SEGMENTS = ['submit', 'device', 'irq/softirq → queue_work', 'kworker wait', 'work', 'irq/softirq → completion', 'task → completion'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface WaterfallRow {
  io: string;
  mode: CompletionMode;
  id: number;
  segment: Segment;
  startUs: number;
  endUs: number;
  /** Input lines of the segment's two ends, so a reader can find them in the trace. */
  lines: string;
}

/** Up to `perMode` sampled I/Os of each mode, spread evenly over their total latency. */
export function pickWaterfall(a: Analysis, perMode: number): IoPath[] {
  const out: IoPath[] = [];
  for (const m of COMPLETION_MODES) {
    const xs = a.samples.filter((p) => p.mode === m && (p.submit ?? p.issue) && p.completion);
    xs.sort((p, q) => (phasesOf(p).total ?? 0) - (phasesOf(q).total ?? 0));
    if (xs.length <= perMode) out.push(...xs);
    else for (let i = 0; i < perMode; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (perMode - 1))] as IoPath);
  }
  return out;
}

export function waterfallRows(paths: IoPath[]): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  for (const p of paths) {
    const t0 = (p.submit ?? p.issue)?.ts;
    if (t0 === undefined) continue;
    const io = `${p.mode} #${p.id}`;
    const seg = (segment: Segment, a: { ts: number; line: number } | undefined, b: { ts: number; line: number } | undefined): void => {
      if (a && b && b.ts >= a.ts) rows.push({ io, mode: p.mode, id: p.id, segment, startUs: (a.ts - t0) / 1000, endUs: (b.ts - t0) / 1000, lines: `${a.line}–${b.line}` });
    };
    if (p.submit) seg('submit', p.submit, p.issue);
    seg('device', p.issue, p.deviceComplete);
    if (p.mode === 'kworker-deferred' || p.queueWork) {
      seg('irq/softirq → queue_work', p.deviceComplete, p.queueWork);
      seg('kworker wait', p.queueWork, p.executeStart);
      seg('work', p.executeStart, p.completion ?? p.executeEnd);
    } else if (p.mode === 'task-inline') seg('task → completion', p.deviceComplete, p.completion);
    else seg('irq/softirq → completion', p.deviceComplete, p.completion);
  }
  return rows;
}
