import { COMPLETION_MODES, PHASES } from '../model/io.js';
import type { CompareResult, LatencyComparison, QuantileComparison } from './schema.js';
import { CPU_CATEGORIES } from './schema.js';

/** The human output of `compare`: the verdict first, then the tables that back every clause of it. */

const signed = (x: number, d = 1): string => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(d)}`;
const num = (x: number | null | undefined, d = 1): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const ci = (c: [number, number] | null, d = 1): string => (c ? `${signed(c[0], d)}..${signed(c[1], d)}` : 'none');
const pv = (p: number | null): string => (p === null || !Number.isFinite(p) ? '–' : p < 1e-4 ? '<1e-4' : p.toFixed(4));
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

function wrap(text: string, width = 100, indent = ''): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line.length > 0 && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else line = line.length > 0 ? `${line} ${w}` : indent + w;
  }
  if (line.trim().length > 0) lines.push(line);
  return lines.join('\n');
}

function table(rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (right.has(i) ? lpad(c, widths[i]!) : pad(c, widths[i]!))).join('  ').trimEnd()}`).join('\n');
}

function quantileCell(q: QuantileComparison): string {
  return `${num(q.before)} → ${num(q.after)} (${signed(q.diff)}, ${ci(q.ci95)})${q.significant ? ' *' : ''}`;
}

function latencyRows(name: string, l: LatencyComparison): string[] {
  const e = l.effect;
  return [name, `${l.count.before}/${l.count.after}`, quantileCell(l.p50), quantileCell(l.p90), quantileCell(l.p99), pv(l.pAdjusted), e ? `${e.rankBiserial.toFixed(2)} / ${signed(e.hodgesLehmannUs)}` : '–'];
}

export function formatCompareText(r: CompareResult): string {
  const b = r.before;
  const a = r.after;
  const lvl = `${Math.round(r.level * 100)}%`;
  const out: string[] = [];
  out.push(`iopath compare: ${b.label} (${b.runs} run${b.runs > 1 ? 's' : ''}: ${b.inputs.join(', ')})`);
  out.push(`            vs ${a.label} (${a.runs} run${a.runs > 1 ? 's' : ''}: ${a.inputs.join(', ')})`);
  out.push('');
  out.push(wrap(r.verdict));
  out.push('');
  out.push(`Throughput (${lvl} intervals; ${b.windows} and ${a.windows} complete ${b.windowMs} ms windows)`);
  out.push(
    table(
      [
        ['', b.label, a.label, 'change', `${lvl} CI`, ''],
        ['IOPS', num(r.iops.before, 0), num(r.iops.after, 0), r.iops.changePct === null ? '–' : `${signed(r.iops.changePct)}%`, ci(r.iops.ci95), r.iops.significant ? 'significant' : 'no detectable difference'],
        ['MB/s', num(r.mbps.before), num(r.mbps.after), r.mbps.changePct === null ? '–' : `${signed(r.mbps.changePct)}%`, ci(r.mbps.ci95), r.mbps.significant ? 'significant' : 'no detectable difference'],
      ],
      new Set([1, 2, 3]),
    ),
  );
  out.push('');
  out.push(`Where I/Os completed (% of resolved I/Os; unresolved: % of all; p adjusted, Benjamini–Hochberg)`);
  const modeRows = [['mode', b.label, a.label, 'change (pts)', `${lvl} CI`, 'p adj', '']];
  for (const m of COMPLETION_MODES) {
    const s = r.modes[m];
    modeRows.push([m, `${num(s.before)}% (${s.countBefore})`, `${num(s.after)}% (${s.countAfter})`, signed(s.diffPts), ci(s.ci95), pv(s.pAdjusted), s.significant ? '*' : '']);
  }
  for (const k of ['hardirq', 'softirq'] as const) {
    const s = r.irqContext[k];
    if (s.countBefore + s.countAfter > 0) modeRows.push([`  in ${k}`, `${num(s.before)}%`, `${num(s.after)}%`, signed(s.diffPts), ci(s.ci95), pv(s.pAdjusted), s.significant ? '*' : '']);
  }
  out.push(table(modeRows, new Set([3])));
  const where = (s: typeof b): string =>
    `${s.label}: ${s.submitters.map((x) => `${x.comm} on ${x.cpus.join(',')}`).join('; ') || 'no submitter'}; kworkers on ${s.kworkerCpus.map((k) => `CPU ${k.cpu} (${k.items})`).join(', ') || '–'}; IRQ completions on ${s.irqCpus.map((q) => `CPU ${q.cpu} (${q.completions})`).join(', ') || '–'}`;
  out.push(`  ${where(b)}`);
  out.push(`  ${where(a)}`);
  out.push('');
  out.push(`CPU time on the submitters' CPUs (% of their time; ${b.label}: CPU ${r.cpu.before.cpus.join(',')}, ${a.label}: CPU ${r.cpu.after.cpus.join(',')})`);
  const cpuRows = [['', ...CPU_CATEGORIES]];
  cpuRows.push([b.label, ...CPU_CATEGORIES.map((c) => num(r.cpu.before.shares[c]))]);
  cpuRows.push([a.label, ...CPU_CATEGORIES.map((c) => num(r.cpu.after.shares[c]))]);
  cpuRows.push(['change (pts)', ...CPU_CATEGORIES.map((c) => signed(r.cpu.change[c]))]);
  out.push(table(cpuRows, new Set(CPU_CATEGORIES.map((_, i) => i + 1))));
  out.push('');
  out.push('Per I/O');
  const p = r.perIo;
  out.push(
    table(
      [
        ['', b.label, a.label, 'change', 'p', ''],
        ['context switches (submitter CPUs)', num(p.contextSwitches.before, 3), num(p.contextSwitches.after, 3), p.contextSwitches.changePct === null ? '–' : `${signed(p.contextSwitches.changePct)}%`, pv(p.contextSwitches.pValue), ''],
        ['submitter preempted by a kworker', num(p.submitterPreemptions.before, 3), num(p.submitterPreemptions.after, 3), p.submitterPreemptions.changePct === null ? '–' : `${signed(p.submitterPreemptions.changePct)}%`, pv(p.submitterPreemptions.pValue), ''],
        ['kworker CPU per deferred I/O (µs)', num(p.deferredCpuUs.before, 2), num(p.deferredCpuUs.after, 2), p.deferredCpuUs.changePct === null ? '–' : `${signed(p.deferredCpuUs.changePct)}%`, '', 'no test'],
        ['kworker CPU per I/O (µs)', num(p.deferredCpuUsPerIo.before, 2), num(p.deferredCpuUsPerIo.after, 2), p.deferredCpuUsPerIo.changePct === null ? '–' : `${signed(p.deferredCpuUsPerIo.changePct)}%`, '', 'no test'],
        ["submitter's own CPU (µs)", num(p.submitterCpuUs.before, 2), num(p.submitterCpuUs.after, 2), p.submitterCpuUs.changePct === null ? '–' : `${signed(p.submitterCpuUs.changePct)}%`, '', 'no test'],
        ["busy time of the submitter's CPU (µs)", num(p.busyCpuUs.before, 2), num(p.busyCpuUs.after, 2), p.busyCpuUs.changePct === null ? '–' : `${signed(p.busyCpuUs.changePct)}%`, '', 'no test'],
      ],
      new Set([1, 2, 3]),
    ),
  );
  out.push('');
  out.push(`Latency (µs; before → after (difference, ${lvl} CI of the difference); * interval excludes 0; p adj: Mann-Whitney, BH-adjusted; effect: rank-biserial / Hodges–Lehmann shift)`);
  const latRows = [['phase', 'n', 'p50', 'p90', 'p99', 'p adj', 'effect']];
  for (const ph of PHASES) {
    const l = r.latencyUs[ph];
    if (l) latRows.push(latencyRows(ph, l));
  }
  for (const m of COMPLETION_MODES) {
    const g = r.latencyUsByMode[m];
    if (!g) continue;
    for (const ph of PHASES) {
      const l = g[ph];
      if (l) latRows.push(latencyRows(`${m} ${ph}`, l));
    }
  }
  out.push(table(latRows));
  if (r.warnings.length > 0) {
    out.push('');
    out.push('Warnings');
    for (const w of r.warnings) out.push(wrap(`- ${w}`, 100, '  '));
  }
  out.push('');
  out.push('Method');
  for (const [k, v] of Object.entries(r.method)) out.push(wrap(`- ${k}: ${v}`, 100, '  '));
  out.push(`  seed ${r.seed}: the same inputs and seed give the same numbers.`);
  return `${out.join('\n')}\n`;
}
