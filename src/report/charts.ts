import { COMPLETION_MODES, PHASES } from '../model/io.js';
import { CPU_CATEGORIES, MODE_DETAILS, PHASE_TITLES, SEGMENTS, type CdfPoint, type CpuRow, type ModeRow, type WaterfallRow } from './chart-data.js';
import type { TimelineRows } from './timeline-rows.js';

/**
 * The report's charts as vega-lite specs: plain objects with their data inline, compiled to vega at
 * report time (html.ts) so the page only carries the vega runtime. Colours are fixed per category
 * (Okabe–Ito, readable by colour-blind people) and shared across charts: a kworker is the same blue
 * in the mode chart, the CPU chart and the timeline.
 */

export type VlSpec = Record<string, unknown>;

export const MODE_COLORS: Record<string, string> = {
  all: '#333333',
  'irq-inline': '#D55E00',
  'kworker-deferred': '#0072B2',
  'task-inline': '#009E73',
  unresolved: '#999999',
};

const DETAIL_COLORS: Record<(typeof MODE_DETAILS)[number], string> = {
  hardirq: '#D55E00',
  softirq: '#E69F00',
  'irq (context unknown)': '#F0C080',
  kworker: '#0072B2',
  submitter: '#009E73',
  'sync waiter': '#7FC9A8',
  'other task': '#CC79A7',
  'trace start': '#BBBBBB',
  'trace end': '#A0A0A0',
  'lost events': '#808080',
  'missing events': '#606060',
  timeout: '#404040',
  'unresolved (no reason)': '#D0D0D0',
};

export const CPU_COLORS: Record<(typeof CPU_CATEGORIES)[number], string> = {
  hardirq: '#D55E00',
  softirq: '#E69F00',
  'kworker DIO work': '#0072B2',
  'other kworker': '#56B4E9',
  submitter: '#009E73',
  'other tasks': '#CC79A7',
  idle: '#E8E8E8',
  unknown: '#B0B0B0',
};

const SEGMENT_COLORS: Record<(typeof SEGMENTS)[number], string> = {
  submit: '#C8C8C8',
  device: '#7F7F7F',
  'irq/softirq → queue_work': '#E69F00',
  'kworker wait': '#56B4E9',
  work: '#0072B2',
  'irq/softirq → completion': '#D55E00',
  'task → completion': '#009E73',
};

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const CHART_WIDTH = 720;

/** A colour scale listing only the categories present, in a fixed order, with fixed colours. */
export function colorScale(colors: Record<string, string>, present: Iterable<string>): { domain: string[]; range: string[] } {
  const have = new Set(present);
  const domain = Object.keys(colors).filter((k) => have.has(k));
  return { domain, range: domain.map((k) => colors[k] as string) };
}

const pct = { format: '.1%' };

/** Chart 1: how many I/Os completed in each mode, split by the context or task that completed them. */
export function modesChart(rows: ModeRow[], byMode: Record<string, number>, total: number): VlSpec {
  const totals = COMPLETION_MODES.map((m) => ({ mode: m, n: byMode[m] ?? 0, s: total > 0 ? (byMode[m] ?? 0) / total : 0 }));
  const y = { field: 'mode', type: 'nominal', sort: [...COMPLETION_MODES], scale: { domain: [...COMPLETION_MODES] }, title: null, axis: { labelFontSize: 12 } };
  return {
    $schema: SCHEMA,
    title: { text: 'Where I/Os completed', subtitle: `${total} I/Os; bar length = I/Os, split by the context that ran the completion` },
    width: CHART_WIDTH - 160,
    height: { step: 36 },
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y,
          x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'I/Os' },
          color: { field: 'detail', type: 'nominal', title: 'completed in', scale: colorScale(DETAIL_COLORS, rows.map((r) => r.detail)), legend: { orient: 'bottom', columns: 4 } },
          order: { field: 'order', type: 'quantitative' },
          tooltip: [
            { field: 'mode', title: 'mode' },
            { field: 'detail', title: 'completed in' },
            { field: 'count', title: 'I/Os' },
            { field: 'share', title: 'share of all I/Os', ...pct },
          ],
        },
        transform: [{ calculate: `indexof(${JSON.stringify([...MODE_DETAILS])}, datum.detail)`, as: 'order' }],
      },
      {
        data: { values: totals },
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12 },
        encoding: {
          y,
          x: { field: 'n', type: 'quantitative' },
          text: { field: 's', type: 'quantitative', format: '.1%' },
        },
      },
    ],
  };
}

/** Powers of ten covering [lo, hi]: the only ticks of a log axis, so it reads 0.1, 1, 10, 100 µs. */
export function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo) + 1e-9); e <= Math.ceil(Math.log10(hi) - 1e-9); e++) out.push(Number((10 ** e).toPrecision(1)));
  return out;
}

/** Chart 2: cumulative latency distributions per mode, one panel per phase, log time axis. */
export function latencyCdfChart(points: CdfPoint[], floorUs: number, opts: { title?: string; colorTitle?: string; colors?: Record<string, string> } = {}): VlSpec {
  const colors = opts.colors ?? MODE_COLORS;
  const phases = PHASES.filter((p) => points.some((q) => q.phase === p));
  const maxUs = Math.max(floorUs * 10, ...points.map((p) => p.us));
  const ticks = decades(floorUs, maxUs);
  const colorTitle = opts.colorTitle ?? 'mode';
  return {
    $schema: SCHEMA,
    title: { text: opts.title ?? 'Latency distribution per completion mode and phase', subtitle: `share of I/Os at or below each latency; log time axis (0 µs is drawn at ${floorUs} µs)`, anchor: 'start' },
    data: { values: points },
    columns: 2,
    concat: phases.map((ph) => ({
      title: { text: PHASE_TITLES[ph], fontSize: 12 },
      width: (CHART_WIDTH - 110) / 2,
      height: 160,
      transform: [{ filter: { field: 'phase', equal: ph } }],
      mark: { type: 'line', interpolate: 'step-after', clip: true, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'us',
          type: 'quantitative',
          scale: { type: 'log', domain: [ticks[0] ?? floorUs, ticks[ticks.length - 1] ?? maxUs] },
          title: 'latency (µs, log scale)',
          axis: { values: ticks, format: '~g', grid: true },
        },
        y: { field: 'frac', type: 'quantitative', title: 'share of I/Os ≤ x', axis: { format: '.0%', tickCount: 5 }, scale: { domain: [0, 1] } },
        color: { field: 'group', type: 'nominal', title: colorTitle, scale: colorScale(colors, points.map((p) => p.group)), legend: { orient: 'top' } },
        tooltip: [
          { field: 'group', title: colorTitle },
          { field: 'phase', title: 'phase' },
          { field: 'us', title: 'latency (µs)', format: '.1f' },
          { field: 'frac', title: 'share ≤ latency', ...pct },
        ],
      },
    })),
    resolve: { scale: { x: 'shared', y: 'shared', color: 'shared' } },
  };
}

/** Chart 3: where each CPU's time went over the I/O window. */
export function cpuChart(rows: CpuRow[], windowMs: number): VlSpec {
  return {
    $schema: SCHEMA,
    title: { text: 'CPU time per CPU over the I/O window', subtitle: `${windowMs.toFixed(1)} ms window; each bar is one CPU's time, stacked by who used it` },
    width: CHART_WIDTH - 160,
    height: { step: 40 },
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    transform: [{ calculate: `indexof(${JSON.stringify([...CPU_CATEGORIES])}, datum.category)`, as: 'order' }],
    encoding: {
      y: { field: 'cpu', type: 'nominal', title: null, axis: { labelFontSize: 12 } },
      x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'CPU time (ms)', scale: { domain: [0, windowMs], nice: false } },
      color: { field: 'category', type: 'nominal', title: 'used by', scale: colorScale(CPU_COLORS, rows.map((r) => r.category)), legend: { orient: 'bottom', columns: 4 } },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'cpu', title: 'CPU' },
        { field: 'category', title: 'used by' },
        { field: 'ms', title: 'ms', format: '.2f' },
        { field: 'share', title: 'share of window', ...pct },
      ],
    },
  };
}

/** Chart 4: a short window of each CPU (task, softirq and hardirq lanes) with the I/Os' completions. */
export function timelineChart(t: TimelineRows): VlSpec {
  const lanes = ['task', 'softirq', 'hardirq'];
  const y = { field: 'row', type: 'nominal', sort: t.rowOrder, scale: { domain: t.rowOrder }, title: null, axis: { labelFontSize: 11 } };
  const x = { type: 'quantitative', title: `time (µs from ${t.startLabel})`, scale: { domain: [0, t.widthUs], nice: false } };
  return {
    $schema: SCHEMA,
    title: { text: 'What ran on each CPU, and where each I/O completed', subtitle: `${t.widthUs.toFixed(0)} µs in the middle of the I/O window; rows are CPU lanes (${lanes.join(', ')})` },
    width: CHART_WIDTH - 130,
    height: { step: 22 },
    layer: [
      {
        data: { values: t.slices },
        mark: { type: 'bar', tooltip: true, cornerRadius: 0 },
        encoding: {
          y,
          x: { ...x, field: 'startUs' },
          x2: { field: 'endUs' },
          color: { field: 'category', type: 'nominal', title: 'running', scale: colorScale(CPU_COLORS, t.slices.map((s) => s.category)), legend: { orient: 'bottom', columns: 4 } },
          tooltip: [
            { field: 'row', title: 'lane' },
            { field: 'category', title: 'category' },
            { field: 'name', title: 'name' },
            { field: 'pid', title: 'pid' },
            { field: 'startUs', title: 'start (µs)', format: '.1f' },
            { field: 'durUs', title: 'duration (µs)', format: '.1f' },
            { field: 'line', title: 'trace line' },
          ],
        },
      },
      {
        data: { values: t.marks },
        mark: { type: 'point', filled: true, size: 60, strokeWidth: 1.5, tooltip: true },
        encoding: {
          y,
          x: { ...x, field: 'us' },
          shape: { field: 'event', type: 'nominal', title: 'I/O event', scale: { domain: ['block completion', 'completed'], range: ['triangle-down', 'circle'] }, legend: { orient: 'bottom' } },
          stroke: { value: '#000000' },
          fill: { field: 'mode', type: 'nominal', title: 'I/O mode', scale: colorScale(MODE_COLORS, t.marks.map((m) => m.mode)), legend: { orient: 'bottom' } },
          tooltip: [
            { field: 'io', title: 'I/O' },
            { field: 'event', title: 'event' },
            { field: 'mode', title: 'mode' },
            { field: 'row', title: 'lane' },
            { field: 'us', title: 'time (µs)', format: '.1f' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Chart 5: the stages of a sample of I/Os of each mode, from submission (0 µs) to completion. */
export function waterfallChart(rows: WaterfallRow[]): VlSpec {
  const order = [...new Set(rows.map((r) => r.io))];
  return {
    $schema: SCHEMA,
    title: { text: 'Stages of sampled I/Os (waterfall)', subtitle: 'a few I/Os of each mode, spread from fastest to slowest; time from submission' },
    width: CHART_WIDTH - 170,
    height: { step: 14 },
    data: { values: rows.map((r) => ({ ...r, durUs: r.endUs - r.startUs })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'io', type: 'nominal', sort: order, title: null, axis: { labelFontSize: 10 } },
      x: { field: 'startUs', type: 'quantitative', title: 'µs since submission' },
      x2: { field: 'endUs' },
      color: { field: 'segment', type: 'nominal', title: 'stage', scale: colorScale(SEGMENT_COLORS, rows.map((r) => r.segment)), legend: { orient: 'bottom', columns: 4 } },
      tooltip: [
        { field: 'io', title: 'I/O' },
        { field: 'segment', title: 'stage' },
        { field: 'startUs', title: 'from (µs)', format: '.1f' },
        { field: 'durUs', title: 'duration (µs)', format: '.1f' },
        { field: 'lines', title: 'trace lines' },
      ],
    },
  };
}

