import type { Analysis } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES } from '../model/io.js';
import { compareCdfChart, deltaChart, deltaRows, mixRows, modeMixChart, type CompareSummary, type SideLabels } from './compare-charts.js';
import { escapeHtml } from './escape.js';
import { glossarySection, unitText } from './html-sections.js';
import { phaseList, table, type Cell } from './html-tables.js';
import { chartFigure, GENERATOR, renderPage, writeHtmlFile, type ChartSlot, type PageSection } from './page.js';

/**
 * The compare report (`iopath compare … --html FILE`): both inputs, the verdict, overlaid latency
 * distributions, the mode mix before and after, and the deltas with their confidence intervals.
 * It needs only the two Analyses; the statistics come from the compare command when it has them.
 */

export interface CompareHtmlOptions {
  labels?: Partial<SideLabels>;
  /** The command line that reproduces the comparison. */
  command?: string;
}

const f1 = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(1) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const signed = (x: number | undefined, unit = ''): string => {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const t = x.toFixed(1);
  return `${t === '-0.0' || t === '0.0' ? '±0.0' : x > 0 ? `+${t}` : t}${unit}`;
};
const pval = (p: number | null | undefined): string => (p === undefined || p === null || !Number.isFinite(p) ? '–' : p < 1e-4 ? '< 0.0001' : p.toFixed(4));

function sidesTable(before: Analysis, after: Analysis, l: SideLabels, c: CompareSummary | undefined): string {
  const row = (name: string, a: Analysis): Cell[] => [
    name,
    a.input.path,
    `${a.input.format}, ${unitText(a)}`,
    `${((a.window.endNs - a.window.startNs) / 1e6).toFixed(1)} ms`,
    a.ios.total,
    a.iops.toFixed(0),
    a.mbps.toFixed(1),
  ];
  const t = table(['trace', 'input', 'format and unit', 'window', 'I/Os', 'IOPS', 'MB/s'], [row(l.before, before), row(l.after, after)], { numeric: [4, 5, 6] });
  const iops = c?.iops;
  const change = iops
    ? `<p>IOPS change: <strong>${escapeHtml(signed(iops.changePct ?? undefined, '%'))}</strong> (95% CI ${iops.ci95 ? `${escapeHtml(signed(iops.ci95[0], '%'))} … ${escapeHtml(signed(iops.ci95[1], '%'))}` : 'not computed'}): ${iops.significant ? 'a detectable change' : 'no detectable difference'}.</p>`
    : `<p>IOPS change: ${escapeHtml(signed(before.iops > 0 ? 100 * (after.iops / before.iops - 1) : NaN, '%'))} (no confidence interval: run <code>iopath compare</code> for the statistics).</p>`;
  return `${t}\n${change}`;
}

function mixTable(before: Analysis, after: Analysis, l: SideLabels, c: CompareSummary | undefined): string {
  const rows: Cell[][] = COMPLETION_MODES.map((m) => {
    const b = before.ios.total > 0 ? before.ios.byMode[m] / before.ios.total : NaN;
    const a = after.ios.total > 0 ? after.ios.byMode[m] / after.ios.total : NaN;
    return [m, `${before.ios.byMode[m]} (${pct(b)})`, `${after.ios.byMode[m]} (${pct(a)})`, signed(100 * (a - b), ' pts'), pval(c?.modes?.[m]?.pValue)];
  });
  return table(['mode', l.before, l.after, 'change', 'p-value'], rows, { numeric: [1, 2, 3, 4] });
}

function latencyTable(before: Analysis, after: Analysis, l: SideLabels): string {
  const rows: Cell[][] = [];
  for (const ph of PHASES) {
    const b = before.latencyUs[ph];
    const a = after.latencyUs[ph];
    if (!b && !a) continue;
    rows.push([ph, f1(b?.p50), f1(a?.p50), f1(b?.p90), f1(a?.p90), f1(b?.p99), f1(a?.p99)]);
  }
  const h = (q: string): string[] => [`${q} ${l.before}`, `${q} ${l.after}`];
  return table(['phase (µs)', ...h('p50'), ...h('p90'), ...h('p99')], rows, { numeric: [1, 2, 3, 4, 5, 6] });
}

function cpuTable(before: Analysis, after: Analysis, l: SideLabels): string {
  const row = (name: string, a: Analysis): Cell[] => [name, a.perIo.contextSwitches.toFixed(3), a.perIo.submitterPreemptions.toFixed(3), a.perIo.deferredCpuUs.toFixed(2), a.perIo.dioWorkUs.toFixed(2)];
  return table(['trace', 'context switches per I/O', 'submitter preemptions by a kworker per I/O', 'kworker CPU per deferred I/O (µs)', 'in the work item (µs)'], [row(l.before, before), row(l.after, after)], { numeric: [1, 2, 3, 4] });
}

function qualityList(name: string, a: Analysis): string {
  const items = [
    ...a.diagnostics.map((d) => `${d.code} (${d.severity}) × ${d.count}: ${d.description}`),
    ...a.limitations,
    ...Object.entries(a.ios.unresolvedReasons).map(([k, v]) => `${v} I/Os unresolved (${k})`),
  ];
  return `<h3>${escapeHtml(name)}</h3>${items.length === 0 ? '<p>No diagnostics, nothing missing.</p>' : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`}`;
}

export function renderCompareHtml(before: Analysis, after: Analysis, comparison: CompareSummary | undefined, opts: CompareHtmlOptions = {}): string {
  const l: SideLabels = { before: opts.labels?.before ?? comparison?.before?.label ?? 'before', after: opts.labels?.after ?? comparison?.after?.label ?? 'after' };
  if (l.before === l.after) l.after = `${l.after} (2)`;
  const charts: ChartSlot[] = [];
  const sections: PageSection[] = [];
  sections.push({ id: 'throughput', title: '1. Inputs and throughput', html: sidesTable(before, after, l, comparison) });

  charts.push({ id: 'chart-mix', spec: modeMixChart(mixRows(before, after, l), l) });
  sections.push({ id: 'mix', title: '2. Completion-mode mix', html: `${chartFigure('chart-mix', 'Share of I/Os per completion mode in each trace.')}\n${mixTable(before, after, l, comparison)}` });

  const cdf = compareCdfChart(before, after, l);
  if (cdf) charts.push({ id: 'chart-overlay', spec: cdf });
  sections.push({
    id: 'distributions',
    title: '3. Latency distributions',
    html: `${cdf ? chartFigure('chart-overlay', 'All I/Os of each trace; a curve further left is faster.') : '<p class="note">No latencies measured.</p>'}\n${phaseList()}\n${latencyTable(before, after, l)}`,
  });

  const dRows = comparison ? deltaRows(comparison) : [];
  if (dRows.length > 0) charts.push({ id: 'chart-delta', spec: deltaChart(dRows) });
  const dTable = table(
    ['metric', `${l.before} µs`, `${l.after} µs`, 'change µs', '95% CI', 'excludes 0'],
    dRows.map((r) => [r.metric, f1(r.before), f1(r.after), signed(r.diff), r.lo === undefined ? '–' : `${signed(r.lo)} … ${signed(r.hi)}`, r.significant]),
    { numeric: [1, 2, 3] },
  );
  const pvals = PHASES.filter((ph) => typeof comparison?.latencyUs?.[ph]?.pValue === 'number').map((ph) => `${ph}: p = ${pval(comparison?.latencyUs?.[ph]?.pValue)}`);
  sections.push({
    id: 'deltas',
    title: '4. Latency changes with confidence intervals',
    html:
      dRows.length > 0
        ? `${chartFigure('chart-delta', 'Change of each quantile with its 95% interval.')}\n${dTable}${pvals.length > 0 ? `<p class="note">Two-sample tests per phase: ${escapeHtml(pvals.join('; '))}.</p>` : ''}`
        : '<p class="note">No confidence intervals were given: the compare command computes them.</p>',
  });
  sections.push({ id: 'cpu', title: '5. CPU cost per I/O', html: cpuTable(before, after, l) });
  sections.push({ id: 'quality', title: '6. Data quality', html: `${qualityList(l.before, before)}\n${qualityList(l.after, after)}` });
  sections.push({ id: 'glossary', title: '7. Glossary', html: glossarySection() });

  const verdict = comparison?.verdict ? `<p class="verdict">${escapeHtml(comparison.verdict)}</p>` : '';
  const cmd = opts.command ? `<p>Reproduce: <code class="cmd">${escapeHtml(opts.command)}</code></p>` : '';
  const intro = `${verdict}${cmd}<p class="note">One run per side cannot separate run-to-run noise from the change; compare several runs per side to estimate it.</p>`;
  return renderPage({ title: `iopath compare: ${l.before} vs ${l.after}`, intro, sections, charts, generator: GENERATOR });
}

/** Writes the compare report; returns its size in bytes. */
export function writeCompareHtml(before: Analysis, after: Analysis, comparison: CompareSummary | undefined, path: string, opts: CompareHtmlOptions = {}): number {
  const html = renderCompareHtml(before, after, comparison, opts);
  writeHtmlFile(path, html);
  return Buffer.byteLength(html);
}
