import type { Analysis, LatencySummary } from '../model/analysis.js';
import { COMPLETION_MODES, PHASES } from '../model/io.js';
import { formatLayersText } from './layers-text.js';

/** The human summary of an analysis: what people read first. */

function table(rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const pct = (n: number, d: number): string => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '-');
const ms = (us: number): string => (us / 1000).toFixed(1);

function latencyRow(name: string, s: LatencySummary | undefined): string[] {
  if (!s) return [name, '-', '-', '-', '-', '-', '-'];
  return [name, String(s.count), f1(s.mean), f1(s.p50), f1(s.p90), f1(s.p99), f1(s.max)];
}

export function formatAnalysisText(a: Analysis): string {
  const out: string[] = [];
  const span = (a.window.endNs - a.window.startNs) / 1e6;
  out.push(`iopath analyze: ${a.input.path}`);
  out.push(`  format ${a.input.format}, ${a.input.lines} lines, ${a.input.events} events; unit: ${a.unit === 'dio' ? 'direct I/O (iomap_dio_rw_begin … iomap_dio_complete)' : 'block request (block_rq_issue … block_rq_complete)'}`);
  out.push(`  window ${(a.window.startNs / 1e9).toFixed(6)} → ${(a.window.endNs / 1e9).toFixed(6)} s (${span.toFixed(1)} ms): ${a.ios.total} I/Os, ${a.iops.toFixed(0)} IOPS, ${a.mbps.toFixed(1)} MB/s`);
  out.push('', a.explanation, '');
  out.push('Where I/Os completed');
  const t = a.ios.total;
  const rows: string[][] = [['mode', 'I/Os', 'share', 'detail']];
  rows.push(['irq-inline', String(a.ios.byMode['irq-inline']), pct(a.ios.byMode['irq-inline'], t), `hardirq ${a.ios.irqContext.hardirq}, softirq ${a.ios.irqContext.softirq}`]);
  rows.push(['kworker-deferred', String(a.ios.byMode['kworker-deferred']), pct(a.ios.byMode['kworker-deferred'], t), a.kworkers.slice(0, 3).map((k) => `${k.comm} on CPU ${k.cpu}: ${k.items}`).join(', ')]);
  rows.push(['task-inline', String(a.ios.byMode['task-inline']), pct(a.ios.byMode['task-inline'], t), `submitter ${a.ios.taskInline.submitter}, sync waiter ${a.ios.taskInline['sync-waiter']}, other task ${a.ios.taskInline['other-task']}`]);
  rows.push(['unresolved', String(a.ios.byMode.unresolved), pct(a.ios.byMode.unresolved, t), Object.entries(a.ios.unresolvedReasons).map(([k, v]) => `${k} ${v}`).join(', ')]);
  out.push(...table(rows, ['l', 'r', 'r', 'l']), '');
  out.push('Latency (µs)   total = submit → completion, device = issue → block completion, completion = block completion → completion,');
  out.push('               deferralWait = queue_work → kworker start, work = kworker start → end');
  const lrows: string[][] = [['phase', 'count', 'mean', 'p50', 'p90', 'p99', 'max']];
  for (const ph of PHASES) if (a.latencyUs[ph]) lrows.push(latencyRow(ph, a.latencyUs[ph]));
  for (const m of COMPLETION_MODES) {
    const byPh = a.latencyUsByMode[m];
    if (!byPh || m === 'unresolved') continue;
    for (const ph of PHASES) if (byPh[ph]) lrows.push(latencyRow(`${m} ${ph}`, byPh[ph]));
  }
  out.push(...table(lrows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']), '');
  out.push(`CPU time over the window (ms)`);
  const crows: string[][] = [['cpu', 'hardirq', 'softirq', 'kworker', '(dio work)', 'submitter', 'other', 'idle', 'unknown', 'switches', 'preempted by kworker']];
  for (const c of a.cpus)
    crows.push([String(c.cpu), ms(c.hardirqUs), ms(c.softirqUs), ms(c.kworkerUs), ms(c.dioWorkUs), ms(c.submitterUs), ms(c.otherTaskUs), ms(c.idleUs), ms(c.unknownUs), String(c.contextSwitches), String(c.submitterPreemptionsByKworker)]);
  out.push(...table(crows, ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']), '');
  // Both counts come from sched_switch; without it they are 0 for want of events, not measured 0.
  // The analysis says so only in its limitations ("No sched_switch events: …").
  const switchesCounted = !a.limitations.some((l) => l.startsWith('No sched_switch events'));
  const switches = switchesCounted
    ? `${a.perIo.contextSwitches.toFixed(3)} context switches on the submitters' CPUs, ${a.perIo.submitterPreemptions.toFixed(3)} submitter preemptions by a kworker`
    : 'context switches and submitter preemptions are not counted (no sched_switch events)';
  out.push(`Per I/O: ${switches}; per deferred I/O: ${a.perIo.deferredCpuUs.toFixed(2)} µs of kworker CPU (${a.perIo.dioWorkUs.toFixed(2)} µs in the work item).`);
  out.push(...formatLayersText(a));
  out.push(`Submitters: ${a.submitters.map((s) => `${s.comm} (pid ${s.pid}, CPU ${s.cpus.join('/')}): ${s.ios} I/Os`).join('; ') || 'none'}`);
  if (a.fio) {
    out.push('', `fio cross-check (${a.fio.prefix})`);
    const frows: string[][] = [['log', 'count', 'mean', 'p50', 'p90', 'p99', 'max']];
    for (const [k, s] of Object.entries(a.fio.logs)) frows.push(latencyRow(`fio ${k}`, s));
    frows.push(latencyRow('trace total', a.latencyUs.total));
    out.push(...table(frows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
    for (const c of a.fio.comparison) out.push(`  ${c}`);
  }
  if (a.limitations.length > 0) {
    out.push('', 'What this trace cannot tell');
    for (const l of a.limitations) out.push(`  - ${l}`);
  }
  const diag = a.diagnostics;
  out.push('', diag.length === 0 ? 'Diagnostics: none' : 'Diagnostics');
  for (const d of diag) {
    out.push(`  ${d.code} (${d.severity}) × ${d.count}: ${d.description}`);
    for (const ex of d.examples.slice(0, 2)) out.push(`    line ${ex.line}: ${ex.message}`);
  }
  return `${out.join('\n')}\n`;
}
