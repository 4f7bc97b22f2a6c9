import type { Analysis } from '../model/analysis.js';
import { escapeHtml } from './escape.js';
import { table, type Cell } from './html-tables.js';

/** The report's text sections: header, data quality and glossary. Trace strings are escaped here. */

const ms = (ns: number): string => (ns / 1e6).toFixed(1);

export function unitText(a: Analysis): string {
  return a.unit === 'dio' ? 'direct I/O (iomap_dio_rw_begin … iomap_dio_complete)' : 'block request (block_rq_issue … block_rq_complete)';
}

export function headerSection(a: Analysis, command: string): string {
  const rows: [string, string][] = [
    ['Input', a.input.path],
    ['Format', `${a.input.format}: ${a.input.lines} lines, ${a.input.events} events`],
    ['Unit', unitText(a)],
    ['Window', `${(a.window.startNs / 1e9).toFixed(6)} → ${(a.window.endNs / 1e9).toFixed(6)} s (${ms(a.window.endNs - a.window.startNs)} ms)`],
    ['Throughput', `${a.ios.total} I/Os, ${a.iops.toFixed(0)} IOPS, ${a.mbps.toFixed(1)} MB/s`],
    ['Submitters', a.submitters.map((s) => `${s.comm} (pid ${s.pid}, CPU ${s.cpus.join('/')}): ${s.ios} I/Os`).join('; ') || 'none'],
  ];
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n');
  return `<dl class="facts">
${dl}
<dt>Reproduce</dt><dd><code class="cmd">${escapeHtml(command)}</code></dd>
</dl>
<p class="explanation">${escapeHtml(a.explanation)}</p>`;
}

export function dataQualitySection(a: Analysis, notes: string[]): string {
  const diag = a.input.diagnostics;
  const lost = (diag.lost_events ?? 0) + (diag.buffer_started ?? 0);
  const lostIos = a.ios.unresolvedReasons.lost_events ?? 0;
  const parts: string[] = [];
  parts.push(
    `<p>${lost === 0 ? 'The tracer reported no lost events.' : `The tracer reported lost events ${lost} time(s); ${lostIos} I/O(s) that were in flight across a loss are counted as unresolved and left out of the latency figures.`}</p>`,
  );
  if (a.diagnostics.length === 0) parts.push('<p>Diagnostics: none. Every line parsed.</p>');
  else {
    const rows: Cell[][] = a.diagnostics.map((d) => [
      { html: `<code>${escapeHtml(d.code)}</code>` },
      d.severity,
      d.count,
      d.description,
      { html: d.examples.slice(0, 3).map((e) => `line ${escapeHtml(e.line)}: ${escapeHtml(e.message)}${e.text !== undefined ? `<br><code class="line">${escapeHtml(e.text.slice(0, 200))}</code>` : ''}`).join('<br>') },
    ]);
    parts.push(table(['code', 'severity', 'count', 'what it means', 'first examples'], rows, { numeric: [2] }));
  }
  const unresolved = Object.entries(a.ios.unresolvedReasons);
  if (unresolved.length > 0) parts.push(`<p>Unresolved I/Os by reason: ${escapeHtml(unresolved.map(([k, v]) => `${k} ${v}`).join(', '))}.</p>`);
  parts.push('<h3>What this trace cannot tell</h3>');
  parts.push(a.limitations.length === 0 ? '<p>Nothing: every event type the analysis uses is present.</p>' : `<ul>${a.limitations.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`);
  if (a.fio) {
    const f = a.fio;
    const rows: Cell[][] = Object.entries(f.logs).map(([k, s]) => [`fio ${k}`, s.count, s.p50.toFixed(1), s.p90.toFixed(1), s.p99.toFixed(1)]);
    const t = a.latencyUs.total;
    if (t) rows.push(['trace total', t.count, t.p50.toFixed(1), t.p90.toFixed(1), t.p99.toFixed(1)]);
    parts.push(`<h3>fio cross-check (${escapeHtml(f.prefix)})</h3>${table(['source', 'count', 'p50 µs', 'p90 µs', 'p99 µs'], rows, { numeric: [1, 2, 3, 4] })}`);
    parts.push(`<ul>${f.comparison.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
  }
  if (notes.length > 0) parts.push(`<h3>About this report</h3><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

const GLOSSARY: [string, string][] = [
  ['irq-inline', 'The I/O completed in interrupt context: in the hardirq handler (hardirq) or in the block softirq it raised (softirq). Cheapest path: no task is woken to finish it.'],
  ['kworker-deferred', 'Interrupt context queued the completion to a workqueue (iomap_dio_complete_work on dio/DEV); a kworker thread ran it later. Costs a wakeup, a context switch, and can preempt the submitter when it shares its CPU.'],
  ['task-inline', 'A task completed the I/O itself: the submitter (the device finished before submission returned), a synchronous waiter, or another task.'],
  ['unresolved', 'The trace cannot say: the I/O began before the trace, was in flight at its end or across lost events, or the needed event types are missing.'],
  ['total', 'Submission (iomap_dio_rw_begin, or block_rq_issue for block requests) to completion.'],
  ['device', 'block_rq_issue to block_rq_complete: time in the driver and the device.'],
  ['completion', 'block_rq_complete to the I/O’s completion (iomap_dio_complete): the software path after the device finished.'],
  ['deferralWait', 'workqueue_queue_work to workqueue_execute_start: how long the completion waited for its kworker.'],
  ['work', 'workqueue_execute_start to workqueue_execute_end of the completion work item.'],
  ['hardirq / softirq', 'CPU time in interrupt handlers (irq_handler_entry … exit) and softirqs (softirq_entry … exit).'],
  ['kworker DIO work / other kworker', 'kworker time inside direct-I/O completion work items, and the rest of the kworkers’ time (wakeup, switching, other work).'],
  ['submitter / other tasks / idle', 'The tasks that submitted the I/Os, every other task, and the idle task (swapper).'],
];

export function glossarySection(): string {
  return `<dl class="glossary">${GLOSSARY.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}</dl>`;
}
