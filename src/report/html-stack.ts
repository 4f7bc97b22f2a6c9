import type { Analysis } from '../model/analysis.js';
import { escapeHtml } from './escape.js';
import { table, type Cell } from './html-tables.js';
import type { FlowHop, StackFlow } from './stack-flow.js';

/**
 * The report's "Storage stack" section: a drawing of the workload's I/O going down the layers and
 * its completion hops coming back up, then the layers' numbers as a table. The drawing is inline
 * SVG written here (a few boxes and arrows: no chart library, nothing to fetch, and it shows with
 * JavaScript off); every trace string in it is escaped like the rest of the page.
 */

const f1 = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(1) : '–');
const pct = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

const W = 760;
const BOX_H = 46;
const LINE_H = 16;
const MIN_GAP = 64;
const DOWN_X = 150;
const UP_X = 430;

const hopText = (h: FlowHop): string => `${h.hop.fn} on ${h.hop.workqueue || '?'}${h.share !== undefined ? `: ${pct(h.share)} of I/Os` : ''}`;

/** Greedy word wrap for the drawing's labels (SVG text does not wrap). */
function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of s.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

function text(x: number, y: number, s: string, opts: { anchor?: 'start' | 'middle'; weight?: number; size?: number; fill?: string } = {}): string {
  return `<text x="${x}" y="${y}" font-size="${opts.size ?? 12}"${opts.anchor === 'middle' ? ' text-anchor="middle"' : ''}${opts.weight ? ` font-weight="${opts.weight}"` : ''} fill="${opts.fill ?? '#1d1d1f'}">${escapeHtml(s)}</text>`;
}

function box(y: number, title: string, sub: string, fill: string): string {
  return `<rect x="20" y="${y}" width="${W - 40}" height="${BOX_H}" rx="6" fill="${fill}" stroke="#8a8a90"/>${text(W / 2, y + 19, title, { anchor: 'middle', weight: 600 })}${text(W / 2, y + 36, sub, { anchor: 'middle', fill: '#5a5a5f' })}`;
}

function arrow(x: number, y1: number, y2: number, colour: string): string {
  const dir = y2 > y1 ? 1 : -1;
  const tip = `${x},${y2} ${x - 5},${y2 - 9 * dir} ${x + 5},${y2 - 9 * dir}`;
  return `<line x1="${x}" y1="${y1}" x2="${x}" y2="${y2 - 8 * dir}" stroke="${colour}" stroke-width="2"/><polygon points="${tip}" fill="${colour}"/>`;
}

/** The drawing: the submitters on top, one box per layer beneath, arrows down (submission) on the left and up (hops) on the right. */
export function stackSvg(flow: StackFlow): string {
  const parts: string[] = [];
  let y = 10;
  const top = flow.layers[0];
  parts.push(box(y, `workload: ${flow.submitters}`, top ? `${top.layer.ios} I/Os submitted on ${top.layer.name}` : '', '#eef4fb'));
  y += BOX_H;
  flow.layers.forEach((fl, i) => {
    const l = fl.layer;
    const down = i === 0 ? [`${l.unit === 'dio' ? 'direct I/O' : 'requests'} on ${l.name}`] : [...wrap(fl.linkedBy ?? 'linked', 44), `${l.servicing} I/Os servicing the layer above`];
    const up = fl.hops.map(hopText);
    if (i === 0 && flow.noHopShare) up.push(`no hop (completed in place): ${pct(flow.noHopShare)} of I/Os`);
    const lines = Math.max(down.length, up.length, 1);
    const gap = Math.max(MIN_GAP, lines * LINE_H + 24);
    parts.push(arrow(DOWN_X, y + 4, y + gap - 4, '#0072B2'));
    down.forEach((s, k) => parts.push(text(DOWN_X + 10, y + 20 + k * LINE_H, s, { size: 11 })));
    if (fl.hops.length > 0) parts.push(arrow(UP_X, y + gap - 4, y + 4, '#D55E00'));
    up.forEach((s, k) => parts.push(text(UP_X + 10, y + 20 + k * LINE_H, s, { size: 11, fill: k < fl.hops.length ? '#8a3a00' : '#5a5a5f' })));
    y += gap;
    const bg = l.background.ios > 0 ? `; background ${l.background.ios} (${pct(l.backgroundShare)})` : '';
    const modes = `irq ${l.byMode['irq-inline']}, kworker ${l.byMode['kworker-deferred']}, task ${l.byMode['task-inline']}, unresolved ${l.byMode.unresolved}`;
    parts.push(box(y, `${l.name} (${l.device}) · ${l.role} · ${l.unit}`, `${l.ios} I/Os: ${modes}${l.latencyUs ? `; p50 ${f1(l.latencyUs.p50)} µs` : ''}${bg}`, i === 0 ? '#f6f6f8' : '#fbfbfc'));
    y += BOX_H;
  });
  const h = y + 10;
  const label = `Storage stack: ${flow.layers.map((f) => f.layer.name).join(' over ')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="stack" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" style="max-width:100%;height:auto"><title>${escapeHtml(label)}</title>${parts.join('')}</svg>`;
}

export function stackTable(flow: StackFlow): string {
  const rows: Cell[][] = flow.layers.map(({ layer: l }) => [
    { html: `<strong>${escapeHtml(l.name)}</strong> <code>${escapeHtml(l.device)}</code>` },
    l.role,
    l.unit,
    l.ios,
    l.role === 'top' ? '–' : l.servicing,
    l.byMode['irq-inline'],
    l.byMode['kworker-deferred'],
    l.byMode['task-inline'],
    l.byMode.unresolved,
    f1(l.latencyUs?.p50),
    f1(l.latencyUs?.p90),
    f1(l.latencyUs?.p99),
    l.background.ios,
    pct(l.backgroundShare),
    l.background.submitters.map((s) => `${s.comm} ${s.ios}`).join(', ') || '–',
  ]);
  const headers = ['layer', 'role', 'unit', 'I/Os', 'servicing above', 'irq-inline', 'kworker-deferred', 'task-inline', 'unresolved', 'p50 µs', 'p90 µs', 'p99 µs', 'background I/Os', 'background share', 'background submitters'];
  // Fifteen columns: scrolled inside its own box (an inline style, so the page's stylesheet, shared with single-disk pages, stays as it was).
  return `<div style="overflow-x:auto">${table(headers, rows, { numeric: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] })}</div>`;
}

function hopTable(flow: StackFlow): string {
  const rows: Cell[][] = flow.layers.flatMap(({ layer, hops }) =>
    hops.map((h) => [{ html: `<code>${escapeHtml(h.hop.fn)}</code>` }, h.hop.workqueue || '–', h.hop.label, `${layer.name} (${h.hop.device || '?'})`, h.ios ?? '–', pct(h.share)]),
  );
  if (rows.length === 0) return '<p class="note">No workload I/O had a completion hop: every completion ran where the device’s completion did.</p>';
  return table(['work function', 'workqueue', 'what it is', 'queued by the completion on', 'I/Os', 'share'], rows, { numeric: [4, 5] });
}

export function stackSection(a: Analysis, flow: StackFlow): string {
  const hist = Object.entries(a.hops?.histogram ?? {})
    .map(([n, c]) => `${n} hop${n === '1' ? '' : 's'}: ${c}`)
    .join(', ');
  const links = flow.layers.filter((f) => f.linkedBy).map((f) => `<li>${escapeHtml(f.layer.name)} beneath ${escapeHtml(f.layer.above.join(', '))}: ${escapeHtml(f.linkedBy as string)}</li>`);
  return `<p>The workload is what user tasks submitted on the top layer; the layers beneath carry it (their I/Os service the top's and are not counted as the workload), and I/O the kernel issued on its own is counted apart as background. Completion hops are work items queued on an I/O's completion chain, between the device’s interrupt and the final completion.</p>
<figure class="chart">${stackSvg(flow)}<figcaption>${escapeHtml('Left (blue): how the workload’s I/Os went down, and the proof that links each layer to the one above. Right (orange): the completion hops back up, each with the share of the workload’s completed I/Os that took it.')}</figcaption></figure>
${stackTable(flow)}
${links.length > 0 ? `<ul>${links.join('')}</ul>` : ''}
<h3>Completion hops</h3>
${hist ? `<p>Hops per workload I/O: ${escapeHtml(hist)}.</p>` : ''}
${hopTable(flow)}`;
}
