import type { Analysis } from '../model/analysis.js';
import type { CompletionMode } from '../model/io.js';
import { NS_PER_MS, NS_PER_US } from '../model/time.js';

/** The one-paragraph explanation: where I/Os completed, what it cost, and who paid. */

const pct = (n: number, d: number): string => (d > 0 ? `${((100 * n) / d).toFixed(n === d || n === 0 ? 0 : 1)}%` : '0%');
const US_PER_MS = NS_PER_MS / NS_PER_US;
const fmtUs = (x: number | undefined): string => (x === undefined ? '?' : x >= US_PER_MS ? `${(x / US_PER_MS).toFixed(2)} ms` : `${x.toFixed(1)} µs`);

/** What the trace carried that a sentence's claim rests on. */
export interface ExplainEvidence {
  /** workqueue_queue_work events are in the trace: a completion that queued no work was not deferred. */
  workqueueTraced: boolean;
  /** sched_switch events are in the trace: context switches were counted, not merely absent. */
  schedTraced?: boolean;
  /** false for a sampled recording: its I/O counts are chance, so no rate is stated (recording-scope.ts). */
  ratesGiven?: boolean;
}

export function explain(a: Analysis, ev: ExplainEvidence = { workqueueTraced: true }): string {
  const m = a.ios.byMode;
  const resolved = m['irq-inline'] + m['kworker-deferred'] + m['task-inline'];
  const nd = a.ios.nonData;
  const ndText = nd ? `${nd.flush} flushes, ${nd.discard} discards and ${nd.other} other requests that move no data (write-zeroes among them)` : '';
  if (a.ios.total === 0) return nd ? `No data I/O was found in this trace: only ${ndText}.` : 'No I/O was found in this trace.';
  const unit = a.unit === 'dio' ? 'direct I/Os' : 'block requests';
  const dirs = a.ios.byDirection;
  const what = dirs.W > 0 && dirs.R === 0 ? 'writes' : dirs.R > 0 && dirs.W === 0 ? 'reads' : unit;
  const parts: string[] = [];
  const sub = a.submitters[0];
  const subCpus = new Set(a.submitters.flatMap((s) => s.cpus));
  const order: CompletionMode[] = ['kworker-deferred', 'irq-inline', 'task-inline'];
  const main = order.slice().sort((x, y) => m[y] - m[x])[0] as CompletionMode;
  const nc = a.ios.noContext;
  const ncIos = nc?.ios ?? 0;
  if (resolved === 0 && ncIos > 0) {
    parts.push(`Where the ${a.ios.total} ${unit} completed cannot be told from this trace.`);
  } else if (resolved === 0) {
    parts.push(`None of the ${a.ios.total} ${unit} could be followed to its completion (${Object.entries(a.ios.unresolvedReasons).map(([k, v]) => `${k}: ${v}`).join(', ')}).`);
  } else if (main === 'kworker-deferred') {
    const k = a.kworkers[0];
    const where = k ? `${k.comm} on CPU ${k.cpu}${subCpus.has(k.cpu) && sub ? `, the CPU ${sub.comm} runs on` : ''}` : 'a kworker';
    const spread = a.kworkers.length > 1 ? ` (${a.kworkers.length} kworkers in all)` : '';
    parts.push(`${pct(m['kworker-deferred'], resolved)} of ${what} (${m['kworker-deferred']} of ${resolved} followed) completed in ${where}${spread}.`);
  } else if (main === 'irq-inline') {
    const ctx = a.ios.irqContext.softirq >= a.ios.irqContext.hardirq ? 'the block softirq' : 'hardirq context';
    parts.push(`${pct(m['irq-inline'], resolved)} of ${what} (${m['irq-inline']} of ${resolved} followed) completed inline in ${ctx}${a.irqCpus.length === 1 ? ` on CPU ${a.irqCpus[0]?.cpu}` : ''}${ev.workqueueTraced ? ', with no kworker involved' : ' as far as the trace shows: it has no workqueue events, so a kworker finishing them later would not be seen'}.`);
  } else {
    parts.push(`${pct(m['task-inline'], resolved)} of ${what} completed in a task (submitter itself: ${a.ios.taskInline.submitter}, sync waiter: ${a.ios.taskInline['sync-waiter']}).`);
  }
  const others = order.filter((x) => x !== main && m[x] > 0).map((x) => `${pct(m[x], resolved)} ${x}${x === 'task-inline' && a.ios.taskInline.submitter > 0 ? ' (the device finished before submission returned)' : ''}`);
  if (others.length > 0) parts.push(`The rest: ${others.join(', ')}.`);
  if (m['kworker-deferred'] > 0) {
    const w = a.latencyUsByMode['kworker-deferred']?.deferralWait;
    const cost = `Each deferred completion cost ${fmtUs(a.perIo.deferredCpuUs)} of kworker CPU (${fmtUs(a.perIo.dioWorkUs)} inside the work item)`;
    const pre = sub ? ` and ${sub.comm} was preempted by a kworker ${a.perIo.submitterPreemptions.toFixed(2)} times per I/O` : '';
    parts.push(`${cost}${pre}; queue_work → kworker start took ${fmtUs(w?.p50)} at the median (p99 ${fmtUs(w?.p99)}).`);
  }
  if (ev.ratesGiven !== false) parts.push(`Over the ${((a.window.endNs - a.window.startNs) / NS_PER_MS).toFixed(1)} ms window: ${a.iops.toFixed(0)} IOPS, ${a.mbps.toFixed(1)} MB/s${ev.schedTraced === false ? ' (no sched_switch events: context switches are not counted)' : `, ${a.perIo.contextSwitches.toFixed(2)} context switches per I/O on the submitters' CPUs`}.`);
  if (nc && nc.ios > 0) parts.push(noContextSentence(nc, unit));
  if (nd) parts.push(`Not counted as I/Os (nor in MB/s): ${ndText}.`);
  const lost = Object.entries(a.ios.unresolvedReasons).filter(([k]) => k !== 'no_context');
  if (m.unresolved > ncIos) parts.push(`${m.unresolved - ncIos} ${unit} were not followed to the end (${lost.map(([k, v]) => `${k}: ${v}`).join(', ')}).`);
  return parts.join(' ');
}

/**
 * I/Os paired but without a completion context: what the completing line's task does and does not
 * tell. The idle task does no I/O completion work, so an idle CPU's completion ran in an
 * interrupt (hardirq or block softirq: which, and whether it then queued work, is not shown); the
 * issuer named on the line may have completed it itself or have been interrupted by it.
 */
function noContextSentence(nc: NonNullable<Analysis['ios']['noContext']>, unit: string): string {
  const parts = [
    `${nc.ios} ${unit} were paired (device time, size and direction counted) but no event tells the context they completed in: a latency-flags column (tracefs, trace-cmd report -l) or irq_handler_entry/exit and softirq_entry/exit events would.`,
  ];
  if (nc.idleTask > 0)
    parts.push(`${nc.idleTask} completed while the idle task was current, so in an interrupt on an idle CPU; whether hardirq or the block softirq, and whether a kworker finished them, the trace cannot show.`);
  if (nc.issuingTask > 0)
    parts.push(`${nc.issuingTask} completed while their own issuer was current: it either completed them itself or was interrupted by their completion, and the trace cannot tell which.`);
  return parts.join(' ');
}
