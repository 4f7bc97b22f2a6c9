import { isKworkerComm } from '../kernel/tasks.js';
import type { BlockRqEvent } from '../model/events.js';
import type { IoPath } from '../model/io.js';
import type { AnalyzerContext } from './context.js';
import { finish, newPath, noteSubmitter, unresolved } from './io-tracker.js';
import type { AnalyzerCpu, ReqRecord } from './records.js';
import { devComma } from './dev-names.js';

/**
 * The request unit (no iomap events): one I/O is one block request, and where it completed is
 * inferred: a completion whose invocation queues I/O completion work was deferred to a kworker;
 * one that ends its invocation without doing so completed where it ran, or in the task that waited
 * for it.
 */

export function newRequestPath(ctx: AnalyzerContext, req: ReqRecord, e: BlockRqEvent): void {
  const p = newPath(ctx, 'request', req.dir, req.bytes);
  p.dev = devComma(e.dev);
  p.sector = req.sector;
  p.issue = req.issue;
  if (req.issuerPid !== undefined && !isKworkerComm(req.issuerComm ?? '')) {
    p.submitterPid = req.issuerPid;
    p.submitterComm = req.issuerComm;
    noteSubmitter(ctx, req.issuerPid, req.issuerComm ?? '', e.cpu);
  }
  req.path = p;
  ctx.io.submissions++;
}

/** A request completed on CPU `c`: in request unit, its mode waits for the end of the invocation. */
export function requestCompleted(ctx: AnalyzerContext, req: ReqRecord, c: AnalyzerCpu): void {
  decideUndecided(ctx, c);
  if (ctx.unit !== 'request') return;
  if (!req.path) {
    if (req.issue) return; // paired, but not an I/O of the workload (readahead)
    // Completion of a request issued before the trace began.
    const p = newPath(ctx, 'request', req.dir, req.bytes);
    if (req.dev) p.dev = req.dev;
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
export function decideUndecided(ctx: AnalyzerContext, c: AnalyzerCpu): void {
  const u = c.undecided;
  if (!u) return;
  c.undecided = undefined;
  const req = u.req;
  const p = req.path as IoPath;
  const cctx = req.complete?.ctx ?? 'unknown';
  p.evidence = 'inferred';
  if (!req.complete) return;
  const done = { ...req.complete, pid: req.completer?.pid ?? -1, comm: req.completer?.comm ?? '' };
  // Only the issuer's latest request can be one it is still submitting or waiting for.
  const latest = req.latestOfIssuer;
  if (cctx === 'unknown') {
    // Paired, but neither a flags column nor irq/softirq events tell hardirq, softirq or task: the
    // I/O keeps its device time, size and direction and counts toward IOPS; only its mode is open.
    unresolved(p, 'no_context');
    p.deviceComplete = { ...done };
    finish(ctx, p, req.tainted);
    return;
  } else if (latest && req.soleOfIssuer && req.issuerBlocked) {
    // Its issuer had only this request in flight and went to sleep in D after issuing it: a
    // synchronous waiter, woken to complete it (an async submitter has others in flight).
    p.mode = 'task-inline';
    p.taskKind = 'sync-waiter';
  } else if (latest && req.issuerRunning && req.dir === 'W' && ctx.io.deferredWrites > 0) {
    // A write that queued no completion work on a kernel that defers write completions, finished
    // while its issuer was running and had issued nothing since: the issuer still held its
    // reference and completes it itself (kernel notes §1b). Reads cannot be told apart this way.
    p.mode = 'task-inline';
    p.taskKind = 'submitter';
  } else if (cctx === 'task' && req.issuerPid !== undefined && done.pid === req.issuerPid) {
    // Completed in the task that issued it (mmcqd, a loop or zram submitter, a task polling or
    // flushing its own plug): the submitter itself.
    p.mode = 'task-inline';
    p.taskKind = 'submitter';
  } else if (cctx === 'task') {
    p.mode = 'task-inline';
    p.taskKind = 'other-task';
  } else {
    p.mode = 'irq-inline';
    p.irqContext = cctx === 'softirq' ? 'softirq' : 'hardirq';
  }
  // Who completed it: the issuer when it is the waiter or the submitter; otherwise the task the
  // block completion's line names (the completer in task context, the interrupted task in
  // hardirq/softirq: 0, the idle task, when the CPU was idle).
  const byIssuer = p.taskKind === 'sync-waiter' || p.taskKind === 'submitter';
  p.completion = byIssuer && req.issuerPid !== undefined ? { ...done, ctx: cctx, pid: req.issuerPid, comm: req.issuerComm ?? done.comm } : { ...done, ctx: cctx };
  finish(ctx, p, req.tainted);
}

/** The completion's invocation queued DIO work: the I/O is completed by a kworker. */
export function requestDeferred(ctx: AnalyzerContext, req: ReqRecord, c: AnalyzerCpu): void {
  if (c.undecided?.req === req) c.undecided = undefined;
  if (req.path) {
    req.path.mode = 'kworker-deferred';
    req.path.evidence = 'inferred';
    if (req.dir === 'W') ctx.io.deferredWrites++;
  }
}
