import { ANALYSIS_SCHEMA, type Analysis, type CpuShare } from '../model/analysis.js';
import type { CompletionMode } from '../model/io.js';
import { NS_PER_S, NS_PER_US } from '../model/time.js';
import type { StreamResult } from '../parse/stream.js';
import type { AnalyzerContext } from './context.js';
import { explain } from './explain.js';
import { buildLayers } from './layers/build-layers.js';
import { stackSentence } from './layers/explain-stack.js';
import { ACC, ACC_SLOTS } from './records.js';
import { clockNote, type ClockNote } from './clock-note.js';
import { scopeNote, type ScopeNote } from './recording-scope.js';
import type { Fold } from './summary.js';

/** Why the unit is what it is: forced (`--unit`), and whether iomap events were a lower layer's (pipeline.ts). */
export interface UnitWhy {
  forced: boolean;
  lowerIomap: boolean;
}

/** Turns the pass's state and summaries into the Analysis (plain data, the source of every output). */

/** Decimal megabytes, as fio and disk vendors count MB/s. */
const BYTES_PER_MB = 1e6;

const us = (ns: number): number => Math.round(ns) / NS_PER_US;
const round3 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : 0);

function limitations(ctx: AnalyzerContext, format: string | null, byDir: Fold['byDirection'], why: UnitWhy): string[] {
  const has = (n: string): boolean => ctx.seen.has(n);
  const out: string[] = [];
  if (ctx.unit === 'request') {
    // Block requests because --unit said so, because every iomap event was a lower layer's
    // (pipeline.ts, isLowerIomap: a loop device's worker on its backing file, under a workload that
    // traces none of its own, as btrfs' DIO writes and buffered I/O), or because there were none.
    out.push(
      why.forced && has('iomap_dio_rw_begin')
        ? 'I/Os counted as block requests (forced with --unit request); the mode is inferred from block, workqueue and irq events.'
        : !why.lowerIomap
          ? 'No iomap_dio_rw_begin/iomap_dio_complete events (Linux ≥ 6.4, iomap:*): I/Os are block requests, and where each completed is inferred from block, workqueue and irq events instead of read from the completion itself.'
          : "The workload's I/Os have no iomap_dio_rw_begin/iomap_dio_complete events of their own (those in this trace are a lower layer's, such as a loop device's on its backing file; btrfs traces none for its direct writes, buffered I/O none at all): I/Os are block requests, and where each completed is inferred from block, workqueue and irq events.",
    );
  }
  if (ctx.unit === 'request' && ctx.io.deferredWrites === 0 && byDir.W > 0 && has('workqueue_queue_work'))
    out.push(
      'No DIO completion work (iomap_dio_complete_work, dio_aio_complete_work) was queued in this trace: writes are counted as completed where the block completion ran. That is right for a kernel that completes them inline (4.18, 6.19+ overwrites) but wrong if the workqueue events were filtered out or not enabled.',
    );
  // Name exactly the block events that are missing: a trace of issues only is not one of no block I/O.
  const noBlock = ['block_rq_issue', 'block_rq_complete'].filter((n) => !has(n));
  if (noBlock.length > 0)
    out.push(
      `No ${noBlock.join(' or ')} events: device time is not measured${has('block_rq_complete') ? '' : ', completions cannot be tied to interrupts, and I/Os that never complete in the trace are not counted as lost'}.`,
    );
  if (!has('workqueue_queue_work') || !has('workqueue_execute_start')) out.push('No workqueue_queue_work/execute_start events: deferral to a kworker cannot be timed (and, without iomap events, not even seen).');
  if (!has('#flags') && !has('irq_handler_entry') && !has('softirq_entry'))
    out.push(`No latency-flags column${format === 'trace-cmd' ? ' (trace-cmd report without -l)' : format === 'perf' ? ' (perf script)' : ''} and no irq_handler_*/softirq_* events: whether a completion ran in hardirq, softirq or a task cannot be told.`);
  if (!has('sched_switch')) out.push('No sched_switch events: CPU time, context switches and preemptions are not measured.');
  if (!has('sched_waking') && !has('sched_wakeup')) out.push('No sched_waking/sched_wakeup events: kworker wakeup latency is not measured.');
  return out;
}

/** `noRates`: why IOPS and MB/s are not given (a sampled recording, a clock in ticks), undefined when they are. */
function dataLoss(ctx: AnalyzerContext, stream: StreamResult, fold: Fold, spanS: number, noRates: string | undefined): Analysis['dataLoss'] {
  const d = stream.diagnostics;
  const markers = d.count('lost_events') + d.count('buffer_started');
  const across = fold.unresolvedReasons.lost_events ?? 0;
  const vanishedIos = ctx.io.vanished;
  const contextRepairs = d.count('context_repaired');
  // A sampled recording's submissions are sampled too: no rate from them either.
  const iopsFromSubmissions = spanS > 0 && noRates === undefined ? round3(ctx.io.submissions / spanS) : 0;
  const missing = ctx.io.missingDeviceCompletions;
  const suspected = markers > 0 || vanishedIos > 0 || contextRepairs > 0 || missing > 0;
  const parts: string[] = [];
  if (markers > 0) parts.push(`the tracer reported lost events ${markers} time${markers === 1 ? '' : 's'} (${across - vanishedIos} I/Os in flight across them are unresolved)`);
  const base = stream.baseSec * NS_PER_S;
  const vanishedByCpu = [...ctx.io.vanishedByCpu].map(([cpu, v]) => ({ cpu, ios: v.ios, firstNs: v.firstNs + base, lastNs: v.lastNs + base })).sort((a, b) => a.cpu - b.cpu);
  if (vanishedIos > 0)
    parts.push(
      `${vanishedIos} I/Os were submitted but their completion never appeared although the trace went on (${vanishedByCpu
        .map((v) => `CPU ${v.cpu}: ${v.ios} submitted ${(v.firstNs / NS_PER_S).toFixed(6)}–${(v.lastNs / NS_PER_S).toFixed(6)} s`)
        .join('; ')}): events were lost without a marker`,
    );
  if (missing > 0) parts.push(`${missing} I/Os completed although their block_rq_complete never appeared (their device time and interrupt context are unknown)`);
  if (contextRepairs > 0) parts.push(`${contextRepairs} interrupt exits were never traced`);
  const note = suspected
    ? `Events are missing from this trace: ${parts.join('; ')}. ${noRates !== undefined ? `IOPS and MB/s are not given: ${noRates}.` : `IOPS and MB/s count only the I/Os the trace followed; from submissions the rate is ${iopsFromSubmissions.toFixed(0)} IOPS.`}`
    : '';
  return { suspected, markers, iosAcrossMarkers: across - vanishedIos, vanishedIos, vanishedByCpu, missingDeviceCompletions: missing, contextRepairs, iopsFromSubmissions, note };
}

export function buildAnalysis(
  ctx: AnalyzerContext,
  fold: Fold,
  stream: StreamResult,
  label: string,
  why: UnitWhy = { forced: false, lowerIomap: false },
): Analysis {
  const t = ctx.time;
  // The window spans the I/Os themselves: input out of time order past the reorder window can
  // start the CPU window after I/Os it then analyzes (a pasted earlier block); rates must cover them.
  const startNs = Number.isNaN(t.windowStart) || t.windowStart > fold.span.firstNs ? (Number.isNaN(fold.span.firstNs) ? 0 : fold.span.firstNs) : t.windowStart;
  const endNs = Number.isNaN(t.windowEnd) || t.windowEnd < fold.span.lastNs ? (Number.isNaN(fold.span.lastNs) ? startNs : fold.span.lastNs) : t.windowEnd;
  const spanS = (endNs - startNs) / NS_PER_S;
  const zero = new Float64Array(ACC_SLOTS);
  const cpus: CpuShare[] = [];
  for (const c of ctx.cpus) {
    // A CPU no event came from (only below the highest one seen) has no time to show.
    if (!c || Number.isNaN(c.lastSeen)) continue;
    const a = t.accAtStart[c.cpu] ?? zero;
    const b = t.accAtEnd[c.cpu] ?? a;
    const d = (slot: number): number => (b[slot] ?? 0) - (a[slot] ?? 0);
    cpus.push({
      cpu: c.cpu,
      hardirqUs: us(d(ACC.hardirq)),
      softirqUs: us(d(ACC.softirq)),
      kworkerUs: us(d(ACC.dioWork) + d(ACC.kworkerOther)),
      dioWorkUs: us(d(ACC.dioWork)),
      submitterUs: us(d(ACC.submitter)),
      otherTaskUs: us(d(ACC.otherTask)),
      idleUs: us(d(ACC.idle)),
      unknownUs: us(d(ACC.unknown)),
      contextSwitches: d(ACC.switches),
      submitterPreemptionsByKworker: d(ACC.preemptByKworker),
      submitterPreemptions: d(ACC.preempt),
    });
  }
  const submitterCpus = new Set<number>();
  for (const s of ctx.io.submitterPids.values()) for (const c of s.cpus) submitterCpus.add(c);
  const ios = fold.completed;
  const deferred = fold.byMode['kworker-deferred'];
  const onSubmitterCpus = cpus.filter((c) => submitterCpus.has(c.cpu));
  const sum = (xs: CpuShare[], f: (c: CpuShare) => number): number => xs.reduce((s, c) => s + f(c), 0);
  const diagnostics = stream.diagnostics.counts() as Record<string, number>;
  const byMode = { ...fold.byMode } as Record<CompletionMode, number>;
  const nonData = ctx.block.nonData;
  const scope: ScopeNote | undefined = scopeNote(stream.recording, {
    unit: ctx.unit,
    total: fold.total,
    followed: fold.byMode['irq-inline'] + fold.byMode['kworker-deferred'] + fold.byMode['task-inline'],
    noCompletion: (fold.unresolvedReasons.missing_events ?? 0) + (fold.unresolvedReasons.timeout ?? 0),
    timeouts: fold.unresolvedReasons.timeout ?? 0,
    submissions: ctx.io.submissions,
    submissionIops: spanS > 0 ? ctx.io.submissions / spanS : 0,
  });
  const clock: ClockNote | undefined = clockNote(stream.clockTicks);
  const noRatesWhy = clock?.noRatesWhy ?? (scope?.noRates === true ? 'the recording is sampled' : undefined);
  const noRates = noRatesWhy !== undefined;
  const analysis: Analysis = {
    schema: ANALYSIS_SCHEMA,
    input: { path: label, format: stream.format ?? 'unknown', lines: stream.read.lines, events: stream.events, diagnostics },
    unit: ctx.unit,
    window: { startNs: startNs + stream.baseSec * NS_PER_S, endNs: endNs + stream.baseSec * NS_PER_S },
    ios: {
      total: fold.total,
      byMode,
      irqContext: { ...fold.irqContext },
      taskInline: { ...fold.taskInline },
      unresolvedReasons: { ...fold.unresolvedReasons },
      byDirection: { ...fold.byDirection },
      ...(fold.noContext.ios > 0 ? { noContext: { ...fold.noContext } } : {}),
      ...(nonData.flush + nonData.discard + nonData.other > 0 ? { nonData: { ...nonData } } : {}),
    },
    iops: spanS > 0 ? round3(ios / spanS) : 0,
    mbps: spanS > 0 ? round3(fold.completedBytes / BYTES_PER_MB / spanS) : 0,
    latencyUs: fold.latency(),
    latencyUsByMode: fold.latencyByMode(),
    cpus,
    perIo: {
      contextSwitches: ios > 0 ? round3(sum(onSubmitterCpus, (c) => c.contextSwitches) / ios) : 0,
      submitterPreemptions: ios > 0 ? round3(sum(cpus, (c) => c.submitterPreemptionsByKworker) / ios) : 0,
      deferredCpuUs: deferred > 0 ? round3((t.dioKworkerRunNsAtEnd - t.dioKworkerRunNsAtStart) / NS_PER_US / deferred) : 0,
      dioWorkUs: deferred > 0 ? round3(sum(cpus, (c) => c.dioWorkUs) / deferred) : 0,
    },
    submitters: [...ctx.io.submitterPids].map(([pid, s]) => ({ pid, comm: s.comm, cpus: [...s.cpus].sort((a, b) => a - b), ios: s.ios })).sort((a, b) => b.ios - a.ios),
    kworkers: [...ctx.work.kworkerStats].map(([pid, k]) => ({ pid, comm: k.comm, cpu: k.cpu, items: k.items })).sort((a, b) => b.items - a.items),
    irqCpus: [...ctx.block.irqCompletions].map(([cpu, completions]) => ({ cpu, completions })).sort((a, b) => a.cpu - b.cpu),
    dataLoss: dataLoss(ctx, stream, fold, spanS, noRatesWhy),
    limitations: [...(clock ? [clock.limitation] : []), ...(scope?.limitations ?? []), ...limitations(ctx, stream.format, fold.byDirection, why)],
    explanation: '',
    samples: fold.samples(),
    series: fold.bins(Number.isNaN(t.windowEnd) ? undefined : t.windowEnd),
    distributions: fold.distributions(),
    diagnostics: stream.diagnostics.summaries(),
  };
  const stack = buildLayers(ctx.layers, fold, ctx.unit);
  if (stack.layers.length > 0) {
    analysis.layers = stack.layers;
    analysis.hops = stack.hops;
  }
  // On a proved stack the rate is the workload's own span: background before or after it is not.
  const l = ctx.layers;
  if (l.stacked && l.workloadEnd > l.workloadStart) {
    const span = (l.workloadEnd - l.workloadStart) / NS_PER_S;
    analysis.iops = round3(ios / span);
    analysis.mbps = round3(fold.completedBytes / BYTES_PER_MB / span);
  }
  // A sampled recording pairs I/Os by chance (recording-scope.ts), and ticks of a clock that does not
  // count ns have no known length (clock-note.ts): a rate would be made up, and so would compare's,
  // from the completions per window.
  if (noRates) {
    analysis.iops = 0;
    analysis.mbps = 0;
    analysis.series = { ...analysis.series, counts: [] };
  }
  analysis.explanation = explain(analysis, { workqueueTraced: ctx.seen.has('workqueue_queue_work'), schedTraced: ctx.seen.has('sched_switch'), ratesGiven: !noRates });
  const stackNote = stackSentence(analysis);
  if (stackNote) analysis.explanation = `${analysis.explanation} ${stackNote}`;
  if (analysis.dataLoss.suspected) analysis.explanation = `${analysis.dataLoss.note} ${analysis.explanation}`;
  if (scope) analysis.explanation = `${scope.lead} ${analysis.explanation}`;
  if (clock) analysis.explanation = `${clock.lead} ${analysis.explanation}`;
  return analysis;
}
