import type { Analysis } from '../model/analysis.js';
import { COMPLETION_MODES } from '../model/io.js';
import { cdfPoints, cpuRows, floorForLog, modeRows, pickWaterfall, waterfallRows, type DistGroup } from './chart-data.js';
import { cpuChart, latencyCdfChart, modesChart, timelineChart, waterfallChart } from './charts.js';
import { escapeHtml } from './escape.js';
import { stackSection } from './html-stack.js';
import { hasStack, stackFlow, type HopTally } from './stack-flow.js';
import { dataQualitySection, glossarySection, headerSection } from './html-sections.js';
import { cpuTable, latencyTable, modesTable, phaseList, timelineTable, waterfallTable } from './html-tables.js';
import { chartFigure, GENERATOR, renderPage, writeHtmlFile, type ChartSlot, type PageSection } from './page.js';
import type { Timeline } from './timeline.js';
import { timelineRows } from './timeline-rows.js';

/** The compare report lives beside it; re-exported so callers find both HTML writers here. */
export { renderCompareHtml, writeCompareHtml } from './compare-html.js';
export type { CompareHtmlOptions } from './compare-html.js';
export type { CompareSummary } from './compare-charts.js';

/**
 * The single-trace HTML report: a header that says what was read and how to reproduce it, on a
 * storage stack a drawing of its layers, five charts each followed by the table of its numbers, a
 * data-quality section and a glossary.
 */

export interface ReportInput {
  analysis: Analysis;
  /** The command line that reproduces the report, shown in the header. */
  command: string;
  /** Chart 4's window; null when it could not be read (stdin input), with the reason in `timelineNote`. */
  timeline: Timeline | null;
  timelineNote?: string;
  /** Whole seconds the parser subtracted from timestamps (StreamResult.baseSec × 1e9). */
  baseNs?: number;
  /** Sampled I/Os per mode in the waterfall (default 8). */
  waterfallPerMode?: number;
  /** Each hop's workload I/Os (stack-flow.ts), for the storage-stack drawing's shares. */
  hopTally?: ReturnType<HopTally['counts']>;
  /** Extra lines for the "About this report" list. */
  notes?: string[];
  generator?: string;
}

export function renderReportHtml(r: ReportInput): string {
  const a = r.analysis;
  const charts: ChartSlot[] = [];
  const sections: PageSection[] = [];
  const notes = [...(r.notes ?? [])];

  // Only a stack (or background I/O) has something to say here: a single disk's page is unchanged.
  if (hasStack(a)) sections.push({ id: 'stack', title: 'Storage stack', html: stackSection(a, stackFlow(a, r.hopTally)) });

  const mRows = modeRows(a);
  charts.push({ id: 'chart-modes', spec: modesChart(mRows, a.ios.byMode, a.ios.total) });
  sections.push({
    id: 'modes',
    title: '1. Where I/Os completed',
    html: `${chartFigure('chart-modes', 'I/Os per completion mode, split by the context that ran the completion.')}\n${modesTable(mRows, a)}`,
  });

  const groups: DistGroup[] = ['all', ...COMPLETION_MODES.filter((m) => m !== 'unresolved')];
  const points = cdfPoints(a, groups);
  let latencyHtml: string;
  if (points.length > 0) {
    const floor = floorForLog(points);
    charts.push({ id: 'chart-latency', spec: latencyCdfChart(points, floor) });
    latencyHtml = chartFigure('chart-latency', 'Each curve is the share of I/Os (of that mode) whose phase took at most x µs; curves to the left are faster. Drawn from the analysis’ quantile sketches (0.5% relative accuracy).');
  } else latencyHtml = '<p class="note">No latencies were measured (no I/O has both ends of any phase in this trace).</p>';
  sections.push({ id: 'latency', title: '2. Latency per mode and phase', html: `${latencyHtml}\n${phaseList()}\n${latencyTable(a)}` });

  const cRows = cpuRows(a);
  const windowMs = (a.window.endNs - a.window.startNs) / 1e6;
  if (cRows.length > 0) charts.push({ id: 'chart-cpu', spec: cpuChart(cRows, windowMs) });
  sections.push({
    id: 'cpu',
    title: '3. CPU time attribution',
    html:
      cRows.length > 0
        ? `${chartFigure('chart-cpu', 'Each CPU’s time over the I/O window, by who used it. Interrupt time is taken out of the task it interrupted.')}\n${cpuTable(cRows, a)}`
        : '<p class="note">No CPU time could be attributed (the trace has no sched_switch events).</p>',
  });

  let timelineHtml: string;
  if (r.timeline && (r.timeline.slices.length > 0 || r.timeline.ios.length > 0)) {
    const pids = new Set(a.submitters.map((s) => s.pid));
    charts.push({ id: 'chart-timeline', spec: timelineChart(timelineRows(r.timeline, pids, r.baseNs ?? 0)) });
    timelineHtml = `${chartFigure('chart-timeline', 'Bars: what ran on each CPU lane (task, softirq, hardirq); blue over a kworker is DIO completion work. Triangles: block completions; circles: where each I/O completed, coloured by its mode.')}\n${timelineTable(r.timeline, r.baseNs ?? 0)}`;
    notes.push('The timeline (chart 4) is gathered during the analysis\u2019s one reading of the trace: the slices around the middle of the I/O window.');
  } else timelineHtml = `<p class="note">${escapeHtml(r.timelineNote ?? 'No events in the timeline window.')}</p>`;
  sections.push({ id: 'timeline', title: '4. Timeline of a short window', html: timelineHtml });

  const picked = pickWaterfall(a, r.waterfallPerMode ?? 8);
  const wRows = waterfallRows(picked);
  if (wRows.length > 0) charts.push({ id: 'chart-waterfall', spec: waterfallChart(wRows) });
  sections.push({
    id: 'waterfall',
    title: '5. Stages of sampled I/Os',
    html:
      wRows.length > 0
        ? `${chartFigure('chart-waterfall', `Up to ${r.waterfallPerMode ?? 8} I/Os per mode from the analysis’ sample (${a.samples.length} paths), from the fastest to the slowest; each bar is one stage.`)}\n${waterfallTable(wRows, picked)}`
        : '<p class="note">No sampled I/O has both a submission and a completion.</p>',
  });

  sections.push({ id: 'quality', title: '6. Data quality', html: dataQualitySection(a, notes) });
  sections.push({ id: 'glossary', title: '7. Glossary', html: glossarySection() });

  const name = a.input.path.split(/[\\/]/).pop() ?? a.input.path;
  return renderPage({ title: `iopath report: ${name}`, intro: headerSection(a, r.command), sections, charts, generator: r.generator ?? GENERATOR });
}

export function writeReportHtml(path: string, r: ReportInput): number {
  const html = renderReportHtml(r);
  writeHtmlFile(path, html);
  return Buffer.byteLength(html);
}
