import { BLOCK_TIMEOUT_NS } from '../kernel/block.js';
import type { Stage, UnresolvedReason } from '../model/io.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import type { AnalyzerContext } from './context.js';
import { decideUndecided } from './io-request.js';
import { finish, finishDio, unresolved } from './io-tracker.js';
import type { DioRecord, ReqRecord, WorkItem } from './records.js';

/**
 * Where the trace fails the I/O tracker: events lost (everything in flight is suspect), I/Os in
 * flight past the block layer's timeout (their end was never traced), and the end of the trace.
 */

/** I/Os in flight longer than the block layer's request timeout are given up as `timeout`. */
export const STALE_AFTER_NS = BLOCK_TIMEOUT_NS;
/** How often the pass sweeps for stale I/Os. */
export const SWEEP_EVERY_NS = NS_PER_S;

/**
 * The vanish rule: an I/O still in flight at the end of the trace, submitted VANISH_P99_FACTOR
 * times longer before the end than the slowest 1% of I/Os took (and at least VANISH_MIN_NS), did
 * not just miss the end: its completion was lost. VANISH_DEFAULT_P99_NS stands in for the p99
 * when no I/O completed.
 */
export const VANISH_QUANTILE = 0.99;
export const VANISH_P99_FACTOR = 50;
export const VANISH_MIN_NS = 100 * NS_PER_MS;
export const VANISH_DEFAULT_P99_NS = 2 * NS_PER_MS;

/** The vanish rule's threshold for a trace whose I/Os' p99 latency is `p99Ns` (undefined: none completed). */
export function vanishAfterNs(p99Ns: number | undefined): number {
  return Math.max(VANISH_MIN_NS, VANISH_P99_FACTOR * (p99Ns ?? VANISH_DEFAULT_P99_NS));
}

/** Events were lost: everything in flight may have lost a stage, so none of it is trusted. */
export function taintInFlight(ctx: AnalyzerContext): void {
  for (const q of ctx.iomap.dios.values()) for (const d of q) d.tainted = true;
  for (const q of ctx.block.requests.values()) for (const r of q) r.tainted = true;
  for (const q of ctx.work.pendingWork.values()) for (const w of q) w.tainted = true;
  for (const w of ctx.work.runningWork.values()) w.tainted = true;
  for (const c of ctx.cpus) {
    if (!c) continue;
    if (c.undecided) c.undecided.req.tainted = true;
    decideUndecided(ctx, c);
    c.lastComplete = undefined;
  }
}

/** Sweeps for stale I/Os when SWEEP_EVERY_NS passed since the last sweep. */
export function maybeSweep(ctx: AnalyzerContext, now: number): void {
  if (now - ctx.io.lastSweep > SWEEP_EVERY_NS) {
    ctx.io.lastSweep = now;
    sweepStale(ctx, now);
  }
}

/**
 * Whether the trace carries the event that ends an I/O of the current unit. Without it, an I/O
 * that never completes says nothing about loss: the loss and timeout rules apply only to event
 * types the trace carries, and such an I/O is `missing_events`.
 */
export function completionTraced(ctx: AnalyzerContext): boolean {
  return ctx.seen.has(ctx.unit === 'dio' ? 'iomap_dio_complete' : 'block_rq_complete');
}

/** Gives up on I/Os in flight for longer than the block layer's timeout (their end was never traced). */
export function sweepStale(ctx: AnalyzerContext, now: number): void {
  const limit = now - STALE_AFTER_NS;
  const reason: UnresolvedReason = completionTraced(ctx) ? 'timeout' : 'missing_events';
  const { dios, submitting } = ctx.iomap;
  const { pendingWork, runningWork } = ctx.work;
  const requests = ctx.block.requests;
  for (const [k, q] of dios) {
    while (q.length > 0 && (q[0] as DioRecord).path.submit!.ts < limit) {
      const d = q.shift() as DioRecord;
      unresolved(d.path, reason);
      finishDio(ctx, d, false);
    }
    if (q.length === 0) dios.delete(k);
  }
  for (const [k, q] of requests) {
    while (q.length > 0 && ((q[0] as ReqRecord).issue?.ts ?? 0) < limit) {
      const r = q.shift() as ReqRecord;
      if (r.path) {
        unresolved(r.path, reason);
        finish(ctx, r.path, false);
      }
    }
    if (q.length === 0) requests.delete(k);
  }
  for (const [k, q] of pendingWork) {
    while (q.length > 0 && ((q[0] as WorkItem).queue?.ts ?? 0) < limit) q.shift();
    if (q.length === 0) pendingWork.delete(k);
  }
  for (const [pid, w] of runningWork.entries()) if ((w.start?.ts ?? w.queue?.ts ?? 0) < limit) runningWork.delete(pid);
  for (const [pid, s] of submitting.entries()) if ((s.path.submit?.ts ?? 0) < limit) submitting.delete(pid);
}

/**
 * The trace ended: what is still in flight is unresolved. An I/O submitted just before the end is
 * `trace_end`; one in flight for far longer than I/Os take here (`vanishAfter`, see vanishAfterNs)
 * while the trace went on has a completion the tracer did not record: that is unreported event
 * loss (perf drops interrupt-context samples of an idle CPU without a LOST record), so it is
 * `lost_events` and counted as vanished.
 */
export function endOfTrace(ctx: AnalyzerContext, vanishAfter = Infinity, recordedPartly = false): void {
  const io = ctx.io;
  // I/Os in flight past the block layer's timeout at the end are `timeout`, as during the trace.
  sweepStale(ctx, ctx.lastTs);
  const traced = completionTraced(ctx);
  const endReason = (submit: Stage | undefined): UnresolvedReason => {
    // A perf.data of some tasks, some CPUs, or sampled (parse/binary/perfdata/scope.ts): an I/O with
    // no completion in it most likely completed where the recording did not look (a kworker, an
    // interrupt on another task's time or CPU, an event not sampled). Not `trace_end` (fio had long
    // finished them), not lost (nothing was dropped): the events that would end it are not in the
    // trace, which is what `missing_events` says, and the analysis names the recording's scope.
    if (recordedPartly) return 'missing_events';
    if (!submit || !(ctx.lastTs - submit.ts > vanishAfter)) return 'trace_end';
    // Long in flight, but the trace carries no event that would have ended it: not a loss.
    if (!traced) return 'missing_events';
    io.vanished++;
    const w = io.vanishedByCpu.get(submit.cpu);
    if (w) {
      w.ios++;
      w.firstNs = Math.min(w.firstNs, submit.ts);
      w.lastNs = Math.max(w.lastNs, submit.ts);
    } else io.vanishedByCpu.set(submit.cpu, { ios: 1, firstNs: submit.ts, lastNs: submit.ts });
    ctx.diagnostics.add('vanished_io', submit.line, `I/O submitted on CPU ${submit.cpu} ${((ctx.lastTs - submit.ts) / NS_PER_MS).toFixed(1)} ms before the trace ended never completed`);
    return 'lost_events';
  };
  for (const c of ctx.cpus) if (c) decideUndecided(ctx, c);
  // DIOs completed in a kworker whose execute_end is past the end: their mode is known.
  for (const w of ctx.work.runningWork.values()) {
    if (w.dio && w.dio.path.completion) finishDio(ctx, w.dio, w.tainted);
    else if (ctx.unit === 'request' && w.req?.path) {
      // Deferred, but its work had not ended: no completion time to measure.
      unresolved(w.req.path, 'trace_end');
      finish(ctx, w.req.path, false);
    }
  }
  const dios = ctx.iomap.dios;
  for (const q of dios.values()) {
    for (const d of q) {
      unresolved(d.path, endReason(d.path.submit));
      finishDio(ctx, d, false);
    }
  }
  dios.clear();
  const requests = ctx.block.requests;
  if (ctx.unit === 'request') {
    const pendingReqs = new Set<ReqRecord>();
    for (const q of ctx.work.pendingWork.values()) for (const w of q) if (w.req) pendingReqs.add(w.req);
    for (const r of pendingReqs) if (r.path) {
      unresolved(r.path, endReason(r.issue));
      finish(ctx, r.path, false);
    }
    for (const q of requests.values()) {
      for (const r of q) {
        if (r.path) {
          unresolved(r.path, endReason(r.issue));
          finish(ctx, r.path, false);
        }
      }
    }
  }
  requests.clear();
}
