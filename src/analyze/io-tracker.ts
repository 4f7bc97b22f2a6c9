import type { BlockRqEvent, ExecContext } from '../model/events.js';
import type { IoPath, Stage, UnresolvedReason } from '../model/io.js';
import { STALE_AFTER_NS, type AnalyzerContext } from './context.js';
import { extendWindow } from './handlers/cpu-time.js';
import type { CpuState, DioRecord, ReqRecord, WorkItem } from './state.js';

/**
 * The I/O tracker: turns in-flight records into finished IoPaths. This is where the joins happen
 * (request ↔ DIO ↔ work item ↔ completion), each as soon as the I/O it concerns has ended, and
 * where the completion mode is decided.
 */

export function newPath(ctx: AnalyzerContext, unit: IoPath['unit'], dir: IoPath['dir'], bytes: number): IoPath {
  return { id: ctx.nextId++, unit, dir, bytes, mode: 'unresolved', evidence: 'none' };
}

function unresolved(p: IoPath, reason: UnresolvedReason): void {
  p.mode = 'unresolved';
  p.unresolvedReason = reason;
  delete p.irqContext;
  delete p.taskKind;
}

/** Hands a finished path to the summary, after the checks that can still demote it. */
export function finish(ctx: AnalyzerContext, p: IoPath, tainted: boolean): void {
  if (tainted && p.mode !== 'unresolved') unresolved(p, 'lost_events');
  if (p.completion && p.mode !== 'unresolved') extendWindow(ctx, p.completion.ts);
  ctx.onFinished(p);
}

// ---------------------------------------------------------------- request unit (no iomap events)

export function newRequestPath(ctx: AnalyzerContext, req: ReqRecord, e: BlockRqEvent): void {
  const p = newPath(ctx, 'request', req.dir, req.bytes);
  p.dev = `${e.dev.major},${e.dev.minor}`;
  p.sector = req.sector;
  p.issue = req.issue;
  if (req.issuerPid !== undefined && !(req.issuerComm ?? '').startsWith('kworker/')) {
    p.submitterPid = req.issuerPid;
    p.submitterComm = req.issuerComm;
    noteSubmitter(ctx, req.issuerPid, req.issuerComm ?? '', e.cpu);
  }
  req.path = p;
  ctx.submissions++;
}

export function noteSubmitter(ctx: AnalyzerContext, pid: number, comm: string, cpu: number): void {
  let s = ctx.submitterPids.get(pid);
  if (!s) ctx.submitterPids.set(pid, (s = { comm, cpus: new Set(), ios: 0 }));
  s.cpus.add(cpu);
  s.ios++;
}

/** A request completed on CPU `c`: in request unit, its mode waits for the end of the invocation. */
export function requestCompleted(ctx: AnalyzerContext, req: ReqRecord, c: CpuState): void {
  decideUndecided(ctx, c);
  if (ctx.unit !== 'request') return;
  if (!req.path) {
    if (req.issue) return; // paired, but not an I/O of the workload (readahead)
    // Completion of a request issued before the trace began.
    const p = newPath(ctx, 'request', req.dir, req.bytes);
    p.sector = req.sector;
    p.deviceComplete = req.complete;
    unresolved(p, 'trace_start');
    finish(ctx, p, false);
    return;
  }
  req.path.deviceComplete = req.complete;
  c.undecided = { req, invocation: c.invocation };
}

/**
 * Request unit: the completion's invocation ended without queueing DIO work, so the I/O completed
 * where the block completion ran. A sync waiter (its issuer sleeping in D) is woken to complete it
 * itself; without iomap events that is the best the trace can tell, and the evidence says so.
 */
export function decideUndecided(ctx: AnalyzerContext, c: CpuState): void {
  const u = c.undecided;
  if (!u) return;
  c.undecided = undefined;
  const req = u.req;
  const p = req.path as IoPath;
  const cctx = req.complete?.ctx ?? 'unknown';
  p.evidence = 'inferred';
  const done = req.complete;
  if (!done) return;
  // Only the issuer's latest request can be one it is still submitting or waiting for.
  const latest = req.latestOfIssuer;
  if (cctx === 'unknown') unresolved(p, 'missing_events');
  else if (latest && req.soleOfIssuer && req.issuerBlocked) {
    // Its issuer had only this request in flight and went to sleep in D after issuing it: a
    // synchronous waiter, woken to complete it (an async submitter has others in flight).
    p.mode = 'task-inline';
    p.taskKind = 'sync-waiter';
  } else if (latest && req.issuerRunning && req.dir === 'W' && ctx.deferredWrites > 0) {
    // A write that queued no completion work on a kernel that defers write completions, finished
    // while its issuer was running and had issued nothing since: the issuer still held its
    // reference and completes it itself (kernel notes §1b). Reads cannot be told apart this way.
    p.mode = 'task-inline';
    p.taskKind = 'submitter';
  } else if (cctx === 'task') {
    p.mode = 'task-inline';
    p.taskKind = 'other-task';
  } else {
    p.mode = 'irq-inline';
    p.irqContext = cctx === 'softirq' ? 'softirq' : 'hardirq';
  }
  if (p.mode !== 'unresolved') p.completion = { ...done, ctx: cctx, pid: -1, comm: '' };
  finish(ctx, p, req.tainted);
}

/** The completion's invocation queued DIO work: the I/O is completed by a kworker. */
export function requestDeferred(ctx: AnalyzerContext, req: ReqRecord, c: CpuState): void {
  if (c.undecided?.req === req) c.undecided = undefined;
  if (req.path) {
    req.path.mode = 'kworker-deferred';
    req.path.evidence = 'inferred';
    if (req.dir === 'W') ctx.deferredWrites++;
  }
}

// ---------------------------------------------------------------- work items

function copyWorkStages(p: IoPath, item: WorkItem): void {
  p.work = item.work;
  if (item.queue) p.queueWork = item.queue;
  if (item.activate) p.activate = item.activate;
  if (item.waking) p.kworkerWaking = item.waking;
  if (item.wakeup) p.kworkerWakeup = item.wakeup;
  if (item.switchIn) p.kworkerSwitchIn = item.switchIn;
  if (item.start) p.executeStart = item.start;
  if (item.end) p.executeEnd = item.end;
}

/** A DIO work item ended (execute_end): its I/O is complete. */
export function workFinished(ctx: AnalyzerContext, item: WorkItem): void {
  if (ctx.unit === 'dio') {
    const dio = item.dio;
    if (!dio) return; // no iomap_dio_complete inside it (lost, or not a DIO after all)
    copyWorkStages(dio.path, item);
    finishDio(ctx, dio, item.tainted);
    return;
  }
  const req = item.req;
  if (!req?.path) return;
  const p = req.path;
  copyWorkStages(p, item);
  if (item.end && item.start) {
    p.mode = 'kworker-deferred';
    // Without iomap events the completion inside the work is not traced: its end bounds it.
    p.completion = { ...item.end, ctx: 'task', pid: item.start.pid, comm: item.start.comm };
  }
  finish(ctx, p, item.tainted || req.tainted);
}

// ---------------------------------------------------------------- DIO unit

export function finishDio(ctx: AnalyzerContext, dio: DioRecord, tainted: boolean): void {
  const p = dio.path;
  let anyTainted = tainted || dio.tainted;
  let uncompleted = 0;
  for (const r of dio.requests) {
    if (r.issue && (!p.issue || r.issue.ts < p.issue.ts)) p.issue = r.issue;
    if (r.complete && (!p.deviceComplete || r.complete.ts > p.deviceComplete.ts)) p.deviceComplete = r.complete;
    else if (!r.complete) uncompleted++;
    if (p.sector === undefined) p.sector = r.sector;
    anyTainted ||= r.tainted;
  }
  // The DIO completed but a request of it never did: its block_rq_complete was dropped silently.
  if (p.completion && uncompleted > 0 && !anyTainted) {
    ctx.missingDeviceCompletions++;
    ctx.diagnostics.add('missing_completion', p.completion.line, `DIO completed on CPU ${p.completion.cpu} but ${uncompleted} of its block requests never completed in the trace`);
    for (const r of dio.requests) if (!r.complete) dropRequest(ctx, r);
  }
  finish(ctx, p, anyTainted);
}

/** Forgets an outstanding request whose completion the trace lost. */
function dropRequest(ctx: AnalyzerContext, r: ReqRecord): void {
  const q = ctx.requests.get(r.key);
  const i = q ? q.indexOf(r) : -1;
  if (q && i >= 0) q.splice(i, 1);
  if (q && q.length === 0) ctx.requests.delete(r.key);
}

/** Removes a DIO from the outstanding list once its completion was seen. */
export function dropDio(ctx: AnalyzerContext, dio: DioRecord): void {
  const key = `${dio.dev}:${dio.ino}`;
  const q = ctx.dios.get(key);
  if (!q) return;
  const i = q.indexOf(dio);
  if (i >= 0) q.splice(i, 1);
  if (q.length === 0) ctx.dios.delete(key);
}

// ---------------------------------------------------------------- data loss, staleness, end

/** Events were lost: everything in flight may have lost a stage, so none of it is trusted. */
export function taintInFlight(ctx: AnalyzerContext): void {
  for (const q of ctx.dios.values()) for (const d of q) d.tainted = true;
  for (const q of ctx.requests.values()) for (const r of q) r.tainted = true;
  for (const q of ctx.pendingWork.values()) for (const w of q) w.tainted = true;
  for (const w of ctx.runningWork.values()) w.tainted = true;
  for (const c of ctx.cpus) {
    if (!c) continue;
    if (c.undecided) c.undecided.req.tainted = true;
    decideUndecided(ctx, c);
    c.lastComplete = undefined;
  }
}

/** Gives up on I/Os in flight for longer than the block layer's timeout (their end was never traced). */
export function sweepStale(ctx: AnalyzerContext, now: number): void {
  const limit = now - STALE_AFTER_NS;
  for (const [k, q] of ctx.dios) {
    while (q.length > 0 && (q[0] as DioRecord).path.submit!.ts < limit) {
      const d = q.shift() as DioRecord;
      unresolved(d.path, 'timeout');
      finishDio(ctx, d, false);
    }
    if (q.length === 0) ctx.dios.delete(k);
  }
  for (const [k, q] of ctx.requests) {
    while (q.length > 0 && ((q[0] as ReqRecord).issue?.ts ?? 0) < limit) {
      const r = q.shift() as ReqRecord;
      if (r.path) {
        unresolved(r.path, 'timeout');
        finish(ctx, r.path, false);
      }
    }
    if (q.length === 0) ctx.requests.delete(k);
  }
  for (const [k, q] of ctx.pendingWork) {
    while (q.length > 0 && ((q[0] as WorkItem).queue?.ts ?? 0) < limit) q.shift();
    if (q.length === 0) ctx.pendingWork.delete(k);
  }
  for (const [pid, w] of ctx.runningWork) if ((w.start?.ts ?? w.queue?.ts ?? 0) < limit) ctx.runningWork.delete(pid);
  for (const [pid, s] of ctx.submitting) if ((s.path.submit?.ts ?? 0) < limit) ctx.submitting.delete(pid);
}

/**
 * The trace ended: what is still in flight is unresolved. An I/O submitted just before the end is
 * `trace_end`; one in flight for far longer than I/Os take here (`vanishAfterNs`) while the trace
 * went on has a completion the tracer did not record: that is unreported event loss (perf drops
 * interrupt-context samples of an idle CPU without a LOST record), so it is `lost_events` and
 * counted as vanished.
 */
export function endOfTrace(ctx: AnalyzerContext, vanishAfterNs = Infinity): void {
  const endReason = (submit: Stage | undefined): UnresolvedReason => {
    if (!submit || !(ctx.lastTs - submit.ts > vanishAfterNs)) return 'trace_end';
    ctx.vanished++;
    const w = ctx.vanishedByCpu.get(submit.cpu);
    if (w) {
      w.ios++;
      w.firstNs = Math.min(w.firstNs, submit.ts);
      w.lastNs = Math.max(w.lastNs, submit.ts);
    } else ctx.vanishedByCpu.set(submit.cpu, { ios: 1, firstNs: submit.ts, lastNs: submit.ts });
    ctx.diagnostics.add('vanished_io', submit.line, `I/O submitted on CPU ${submit.cpu} ${((ctx.lastTs - submit.ts) / 1e6).toFixed(1)} ms before the trace ended never completed`);
    return 'lost_events';
  };
  for (const c of ctx.cpus) if (c) decideUndecided(ctx, c);
  // DIOs completed in a kworker whose execute_end is past the end: their mode is known.
  for (const w of ctx.runningWork.values()) {
    if (w.dio && w.dio.path.completion) finishDio(ctx, w.dio, w.tainted);
    else if (ctx.unit === 'request' && w.req?.path) {
      // Deferred, but its work had not ended: no completion time to measure.
      unresolved(w.req.path, 'trace_end');
      finish(ctx, w.req.path, false);
    }
  }
  for (const q of ctx.dios.values()) {
    for (const d of q) {
      unresolved(d.path, endReason(d.path.submit));
      finishDio(ctx, d, false);
    }
  }
  ctx.dios.clear();
  if (ctx.unit === 'request') {
    const pendingReqs = new Set<ReqRecord>();
    for (const q of ctx.pendingWork.values()) for (const w of q) if (w.req) pendingReqs.add(w.req);
    for (const r of pendingReqs) if (r.path) {
      unresolved(r.path, endReason(r.issue));
      finish(ctx, r.path, false);
    }
    for (const q of ctx.requests.values()) {
      for (const r of q) {
        if (r.path) {
          unresolved(r.path, endReason(r.issue));
          finish(ctx, r.path, false);
        }
      }
    }
  }
  ctx.requests.clear();
}

export type { ExecContext };
