import type { Analysis } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES } from '../model/io.js';
import { cdfPoints, floorForLog } from './chart-data.js';
import { CHART_WIDTH, colorScale, latencyCdfChart, type VlSpec } from './charts.js';

/**
 * Chart 6, for `compare`: overlaid latency distributions, the completion-mode mix before and after,
 * and the latency deltas with their confidence intervals. Built from two Analyses and, when the
 * compare command has computed it, its statistics (the shape of its --json output, issue 5).
 */

export interface QuantileDelta {
  before: number;
  after: number;
  /** 95% interval of after − before, in µs; null when it could not be computed. */
  ci95?: [number, number] | null;
}

/**
 * What the compare report reads of a comparison: a subset of `iopath compare --json`
 * (iopath.compare/1), so the compare command can hand its result over as it is.
 */
export interface CompareSummary {
  before?: { label?: string };
  after?: { label?: string };
  iops?: { changePct: number | null; ci95: [number, number] | null; significant: boolean };
  /** Per mode: shares before and after (percent of I/Os, as compare reports them) and the test of their change. */
  modes?: Partial<Record<string, { before: number; after: number; pValue?: number | null }>>;
  latencyUs?: Partial<Record<string, { p50?: QuantileDelta; p90?: QuantileDelta; p99?: QuantileDelta; pValue?: number | null }>>;
  verdict?: string;
}

export interface SideLabels {
  before: string;
  after: string;
}

export const SIDE_COLORS = (l: SideLabels): Record<string, string> => ({ [l.before]: '#E69F00', [l.after]: '#0072B2' });

/** Overlaid cumulative distributions of every phase (all I/Os), before and after. */
export function compareCdfChart(before: Analysis, after: Analysis, l: SideLabels): VlSpec | null {
  const points = [...cdfPoints(before, ['all'], () => l.before), ...cdfPoints(after, ['all'], () => l.after)];
  if (points.length === 0) return null;
  const floor = floorForLog(points);
  return latencyCdfChart(points, floor, { title: 'Latency distributions, before and after', colorTitle: 'trace', colors: SIDE_COLORS(l) });
}

export interface MixRow {
  side: string;
  mode: string;
  count: number;
  share: number;
}

export function mixRows(before: Analysis, after: Analysis, l: SideLabels): MixRow[] {
  const rows: MixRow[] = [];
  for (const [side, a] of [
    [l.before, before],
    [l.after, after],
  ] as const)
    for (const m of COMPLETION_MODES) rows.push({ side, mode: m, count: a.ios.byMode[m], share: a.ios.total > 0 ? a.ios.byMode[m] / a.ios.total : 0 });
  return rows;
}

/** The completion-mode mix before and after: grouped bars, one pair per mode. */
export function modeMixChart(rows: MixRow[], l: SideLabels): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Completion-mode mix, before and after', subtitle: 'share of each trace’s I/Os completed in each mode' },
    width: CHART_WIDTH - 180,
    height: { step: 18 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'mode', type: 'nominal', sort: [...COMPLETION_MODES], scale: { domain: [...COMPLETION_MODES] }, title: null, axis: { labelFontSize: 12 } },
          yOffset: { field: 'side', type: 'nominal', sort: [l.before, l.after] },
          x: { field: 'share', type: 'quantitative', title: 'share of I/Os', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
          color: { field: 'side', type: 'nominal', title: 'trace', scale: colorScale(SIDE_COLORS(l), [l.before, l.after]), legend: { orient: 'top' } },
          tooltip: [
            { field: 'side', title: 'trace' },
            { field: 'mode', title: 'mode' },
            { field: 'count', title: 'I/Os' },
            { field: 'share', title: 'share', format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: {
          y: { field: 'mode', type: 'nominal', sort: [...COMPLETION_MODES] },
          yOffset: { field: 'side', type: 'nominal', sort: [l.before, l.after] },
          x: { field: 'share', type: 'quantitative' },
          text: { field: 'share', type: 'quantitative', format: '.1%' },
        },
      },
    ],
  };
}

export interface DeltaRow {
  metric: string;
  phase: string;
  quantile: string;
  before: number;
  after: number;
  diff: number;
  lo?: number;
  hi?: number;
  significant: string;
}

export function deltaRows(c: CompareSummary): DeltaRow[] {
  const rows: DeltaRow[] = [];
  for (const ph of PHASES) {
    const e = c.latencyUs?.[ph];
    if (!e) continue;
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const d = e[q];
      if (!d) continue;
      const [lo, hi] = d.ci95 ?? [undefined, undefined];
      // (a null interval, e.g. too few I/Os to bootstrap, is drawn as a point without a bar)
      const sig = lo === undefined || hi === undefined ? 'no interval' : lo > 0 || hi < 0 ? 'yes' : 'no';
      rows.push({ metric: `${ph} ${q}`, phase: ph, quantile: q, before: d.before, after: d.after, diff: d.after - d.before, lo, hi, significant: sig });
    }
  }
  return rows;
}

/** Latency change (after − before) per phase and quantile, with its 95% interval as an error bar. */
export function deltaChart(rows: DeltaRow[]): VlSpec {
  const order = rows.map((r) => r.metric);
  const y = { field: 'metric', type: 'nominal', sort: order, title: null, axis: { labelFontSize: 11 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Latency change, after − before', subtitle: 'point: change of the quantile; bar: its 95% bootstrap interval; an interval crossing 0 is no detectable change' },
    width: CHART_WIDTH - 200,
    height: { step: 20 },
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      {
        transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { y, x: { field: 'lo', type: 'quantitative', title: 'change (µs)' }, x2: { field: 'hi' }, color: { field: 'significant', type: 'nominal', title: 'interval excludes 0', scale: { domain: ['yes', 'no', 'no interval'], range: ['#D55E00', '#7F7F7F', '#BBBBBB'] } } },
      },
      {
        mark: { type: 'point', filled: true, size: 50, tooltip: true },
        encoding: {
          y,
          x: { field: 'diff', type: 'quantitative', title: 'change (µs)' },
          color: { field: 'significant', type: 'nominal', title: 'interval excludes 0', scale: { domain: ['yes', 'no', 'no interval'], range: ['#D55E00', '#7F7F7F', '#BBBBBB'] }, legend: { orient: 'bottom' } },
          tooltip: [
            { field: 'metric', title: 'metric' },
            { field: 'before', title: 'before (µs)', format: '.1f' },
            { field: 'after', title: 'after (µs)', format: '.1f' },
            { field: 'diff', title: 'change (µs)', format: '+.1f' },
            { field: 'lo', title: '95% low', format: '+.1f' },
            { field: 'hi', title: '95% high', format: '+.1f' },
          ],
        },
      },
    ],
  };
}
