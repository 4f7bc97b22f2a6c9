import { NS_PER_MS } from '../../model/time.js';
import type { CalibratedModel, Quantiles } from '../estimate/model-file.js';
import type { SideSummary, WhatifResult } from '../predict/whatif.js';

/** Text output of `calibrate` and `whatif`. */

const short = (v: unknown): string => {
  if (Array.isArray(v)) return `${v.length} bins`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
};

export function formatModel(m: CalibratedModel, verbose = false): string {
  const me = m.measured;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const out: string[] = [
    `iopath calibrate: ${m.input.path}`,
    `  ${m.input.format ?? '?'}, ${m.input.lines} lines; ${me.ios} I/Os (${m.input.unit}) over ${(m.input.windowNs / NS_PER_MS).toFixed(1)} ms: ${Math.round(me.iops)} IOPS, ` +
      `irq-inline ${pct(me.byMode['irq-inline'])}, kworker-deferred ${pct(me.byMode['kworker-deferred'])}, task-inline ${pct(me.byMode['task-inline'])}; ${me.completionsPerIrq.toFixed(2)} completions per interrupt`,
    '',
    'Measured in the trace (value, samples behind it):',
  ];
  const entries = Object.entries(m.values);
  for (const [k, v] of entries) {
    if (v === undefined || v.source !== 'trace') continue;
    out.push(`  ${k.padEnd(20)} ${short(v.value).padStart(14)}  ${String(v.samples).padStart(7)}  ${verbose ? v.how : v.how.slice(0, 90)}`);
  }
  out.push('', 'Not shown by this trace, left at the documented default:');
  for (const [k, v] of entries) {
    if (v === undefined || v.source !== 'default') continue;
    out.push(`  ${k.padEnd(20)} ${short(v.value).padStart(14)}  ${verbose ? v.how : v.how.split('. Default:')[0]}`);
  }
  if (m.notes.length > 0) out.push('', 'Notes:', ...m.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}

const q = (x: Quantiles | null, k: keyof Quantiles): string => (x === null ? '–' : x[k].toFixed(1));
const share = (x: number): string => `${(100 * x).toFixed(1)}%`;
const signed = (x: number, unit: string): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}${unit}`;

function setting(s: SideSummary): string {
  const t = s.setting;
  return `kernel ${t.kernel}, ${t.rw}, iodepth ${t.iodepth}, submitter on CPU ${t.submitCpu}, interrupt on CPU ${t.irqCpu}`;
}

export function formatWhatif(r: WhatifResult): string {
  const m = r.measured;
  const c = r.current;
  const g = r.changed;
  const rows: string[][] = [['', 'trace (measured)', 'current (model)', 'changed (model)', 'change']];
  rows.push(['IOPS', String(Math.round(m.iops)), `${c.iops} ±${c.iopsSpread.sd}`, `${g.iops} ±${g.iopsSpread.sd}`, signed(r.changePct, '%')]);
  for (const mode of ['irq-inline', 'kworker-deferred', 'task-inline'] as const) {
    rows.push([mode, share(m.byMode[mode]), share(c.byMode[mode]), share(g.byMode[mode]), signed(r.spread.modeSharePts[mode].mean, ' pts')]);
  }
  const cpus = Math.max(c.cpus.length, g.cpus.length);
  for (let i = 0; i < cpus; i++) {
    const mc = m.cpus.find((x) => x.cpu === i);
    const a = c.cpus[i];
    const b = g.cpus[i];
    rows.push([`CPU ${i} busy`, mc ? share(mc.busy) : '–', a ? `${a.busyPct.toFixed(1)}%` : '–', b ? `${b.busyPct.toFixed(1)}%` : '–', a && b ? signed(b.busyPct - a.busyPct, ' pts') : '']);
  }
  for (const [name, key] of [['total', 'total'], ['device', 'device']] as const) {
    for (const p of ['p50', 'p90', 'p99'] as const) {
      rows.push([`${name} ${p} µs`, q(m.latencyUs[key], p), q(c.latencyUs[key], p), q(g.latencyUs[key], p), '']);
    }
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((row) => (row[j] ?? '').length)));
  const table = rows.map((row) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '));
  const ch = r.spread.iopsChangePct;
  const out = [
    `iopath whatif: ${r.model.path}`,
    `  current: ${setting(c)}`,
    `  changed: ${setting(g)}`,
    `  ${r.seeds} paired runs of ${r.iosPerRun} I/Os per side`,
    '',
    ...table,
    '',
    `Predicted IOPS change ${signed(r.changePct, '%')} (95% interval ${signed(ch.ci95[0], '%')} … ${signed(ch.ci95[1], '%')}; per run ${signed(ch.min, '%')} … ${signed(ch.max, '%')}).`,
    'Busy shares are the model\'s; the trace\'s come from analyze (time it could not attribute counts as idle).',
  ];
  if (r.notes.length > 0) out.push('', 'Calibration notes:', ...r.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
