import type { Analysis, LatencySummary } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES, phasesOf, type IoPath } from '../model/io.js';
import { CPU_CATEGORIES, PHASE_TITLES, SEGMENTS, type CpuRow, type ModeRow, type WaterfallRow } from './chart-data.js';
import { escapeHtml } from './escape.js';
import type { Timeline } from './timeline.js';
import { isIdlePid } from '../kernel/tasks.js';

/** The numbers behind each chart, as HTML tables. Every cell is escaped here, once. */

export type Cell = string | number | { html: string };

const f1 = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

function cell(c: Cell): string {
  if (typeof c === 'object') return c.html;
  return escapeHtml(c);
}

/** A table; columns listed in `numeric` are right-aligned. */
export function table(headers: string[], rows: Cell[][], opts: { numeric?: number[]; caption?: string; className?: string } = {}): string {
  const num = new Set(opts.numeric ?? []);
  const th = headers.map((h, i) => `<th${num.has(i) ? ' class="num"' : ''} scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${num.has(i) ? ' class="num"' : ''}>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return `<table class="${opts.className ?? 'data'}">${caption}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function modesTable(rows: ModeRow[], a: Analysis): string {
  const t = a.ios.total;
  const body: Cell[][] = [];
  for (const m of COMPLETION_MODES) {
    const n = a.ios.byMode[m];
    body.push([{ html: `<strong>${escapeHtml(m)}</strong>` }, 'all', n, pct(t > 0 ? n / t : NaN)]);
    for (const r of rows.filter((x) => x.mode === m)) body.push(['', r.detail, r.count, pct(r.share)]);
  }
  const kw = a.kworkers.map((k) => `${k.comm} (pid ${k.pid}) on CPU ${k.cpu}: ${k.items}`).join('; ');
  const irq = a.irqCpus.map((c) => `CPU ${c.cpu}: ${c.completions}`).join('; ');
  return `${table(['mode', 'completed in', 'I/Os', 'share'], body, { numeric: [2, 3] })}
<p class="note">Deferred completions ran in: ${escapeHtml(kw || 'none')}. Block completions by CPU: ${escapeHtml(irq || 'none')}.</p>`;
}

function latencyCells(name: Cell, phase: string, s: LatencySummary | undefined): Cell[] {
  if (!s) return [name, phase, '–', '–', '–', '–', '–', '–'];
  return [name, phase, s.count, f1(s.mean), f1(s.p50), f1(s.p90), f1(s.p99), f1(s.max)];
}

export function latencyTable(a: Analysis): string {
  const rows: Cell[][] = [];
  for (const ph of PHASES) if (a.latencyUs[ph]) rows.push(latencyCells({ html: '<strong>all</strong>' }, ph, a.latencyUs[ph]));
  for (const m of COMPLETION_MODES) {
    const byPh = a.latencyUsByMode[m];
    if (!byPh || m === 'unresolved') continue;
    for (const ph of PHASES) if (byPh[ph]) rows.push(latencyCells(m, ph, byPh[ph]));
  }
  return table(['mode', 'phase', 'count', 'mean µs', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs'], rows, { numeric: [2, 3, 4, 5, 6, 7] });
}

export function cpuTable(rows: CpuRow[], a: Analysis): string {
  const cats = CPU_CATEGORIES.filter((k) => rows.some((r) => r.category === k));
  const body: Cell[][] = a.cpus.map((c) => {
    const mine = rows.filter((r) => r.cpu === `CPU ${c.cpu}`);
    const v = cats.map((k) => {
      const r = mine.find((x) => x.category === k);
      return r ? `${f2(r.ms)} (${pct(r.share)})` : '–';
    });
    return [`CPU ${c.cpu}`, ...v, c.contextSwitches, c.submitterPreemptionsByKworker, c.submitterPreemptions];
  });
  const headers = ['CPU', ...cats.map((k) => `${k} ms`), 'context switches', 'submitter preempted by kworker', 'submitter preempted'];
  const p = a.perIo;
  return `${table(headers, body, { numeric: headers.map((_, i) => i).slice(1) })}
<p class="note">Per I/O: ${f2(p.contextSwitches)} context switches on the submitters' CPUs, ${f2(p.submitterPreemptions)} submitter preemptions by a kworker. Per deferred I/O: ${f2(p.deferredCpuUs)} µs of kworker CPU (${f2(p.dioWorkUs)} µs inside the work item).</p>`;
}

export function timelineTable(t: Timeline, baseNs = 0): string {
  const us = (ns: number | undefined): string => (ns === undefined ? '–' : ((ns - t.startNs) / 1000).toFixed(1));
  const where = (cpu: number | undefined, ctx: string): string => (cpu === undefined ? '–' : `CPU ${cpu} ${ctx}`);
  const rows: Cell[][] = t.ios.map((io) => [
    `#${io.id}`,
    io.mode,
    us(io.submitNs),
    us(io.deviceNs),
    where(io.deviceCpu, io.deviceCtx),
    us(io.completionNs),
    where(io.completionCpu, io.ctx),
  ]);
  const lanes = new Map<string, number>();
  for (const s of t.slices) {
    const k = `CPU ${s.cpu} ${s.kind}${s.kind === 'task' ? ` ${isIdlePid(s.pid) ? '(idle)' : s.name}` : ` ${s.name}`}`;
    lanes.set(k, (lanes.get(k) ?? 0) + (s.endNs - s.startNs) / 1000);
  }
  const busy: Cell[][] = [...lanes].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([k, v]) => [k, v.toFixed(1)]);
  const thinned = t.ioStride > 1 ? ` Only every ${t.ioStride}th I/O was logged (the log's memory cap).` : '';
  return `<details><summary>${t.ios.length} I/Os with a stage in the window (times in µs from ${escapeHtml(((t.startNs + baseNs) / 1e9).toFixed(6))} s).${escapeHtml(thinned)}</summary>
${table(['I/O', 'mode', 'submitted', 'block completion', 'on', 'completed', 'on'], rows, { numeric: [2, 3, 5] })}
</details>
<details><summary>Time on each CPU lane in the window, by who ran (µs)</summary>
${table(['lane', 'µs'], busy, { numeric: [1] })}
</details>`;
}

export function waterfallTable(rows: WaterfallRow[], paths: IoPath[]): string {
  const body: Cell[][] = paths.map((p) => {
    const mine = rows.filter((r) => r.id === p.id && r.mode === p.mode);
    const seg = SEGMENTS.map((s) => {
      const r = mine.find((x) => x.segment === s);
      return r ? (r.endUs - r.startUs).toFixed(1) : '';
    });
    const lines = [p.submit, p.issue, p.deviceComplete, p.queueWork, p.executeStart, p.completion].filter((s) => s !== undefined).map((s) => s.line);
    return [`#${p.id}`, p.mode, ...seg, f1((phasesOf(p).total ?? NaN) / 1000), `${Math.min(...lines)}–${Math.max(...lines)}`];
  });
  return `<details><summary>Stage durations of the ${paths.length} sampled I/Os (µs), with the trace lines they came from</summary>
${table(['I/O', 'mode', ...SEGMENTS, 'total', 'trace lines'], body, { numeric: [2, 3, 4, 5, 6, 7, 8, 9] })}
</details>`;
}

/** One-line definitions of the phases, for the latency section and the glossary. */
export function phaseList(): string {
  return `<ul class="phases">${PHASES.map((p) => `<li><code>${escapeHtml(PHASE_TITLES[p])}</code></li>`).join('')}</ul>`;
}
