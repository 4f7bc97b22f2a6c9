import { detach } from '../input/lines.js';
import type { IoPath, UnresolvedReason } from '../model/io.js';
import type { AnalyzerContext } from './context.js';
import { extendWindow } from './handlers/cpu-time.js';
import type { DioRecord, ReqRecord, WorkItem } from './records.js';
import { removeAt } from './fifo.js';
import { newPathObject } from './path-object.js';

/**
 * The I/O tracker: turns in-flight records into finished IoPaths. This is where the joins happen
 * (request ↔ DIO ↔ work item ↔ completion), each as soon as the I/O it concerns has ended, and
 * where the completion mode is decided. The request unit's inference is io-request.ts; loss,
 * staleness and the end of the trace are io-end.ts; the state is io-state.ts.
 */

export function newPath(ctx: AnalyzerContext, unit: IoPath['unit'], dir: IoPath['dir'], bytes: number): IoPath {
  return newPathObject(ctx.io.nextId++, unit, dir, bytes);
}

export function unresolved(p: IoPath, reason: UnresolvedReason): void {
  p.mode = 'unresolved';
  p.unresolvedReason = reason;
  delete p.irqContext;
  delete p.taskKind;
}

/** Hands a finished path to the summary, after the checks that can still demote it. */
export function finish(ctx: AnalyzerContext, p: IoPath, tainted: boolean): void {
  if (tainted && p.mode !== 'unresolved') unresolved(p, 'lost_events');
  if (p.completion && p.mode !== 'unresolved') extendWindow(ctx, p.completion.ts);
  else if (p.unresolvedReason === 'no_context') {
    const end = p.completion ?? p.deviceComplete;
    if (end) extendWindow(ctx, end.ts);
  }
  ctx.onFinished(p);
}

export function noteSubmitter(ctx: AnalyzerContext, pid: number, comm: string, cpu: number): void {
  const submitters = ctx.io.submitterPids;
  let s = submitters.get(pid);
  if (!s) submitters.set(pid, (s = { comm, cpus: new Set(), ios: 0 }));
  s.cpus.add(cpu);
  s.ios++;
}

// ---------------------------------------------------------------- work items

/**
 * Function and workqueue names are cut from the parsed chunk: a path kept as a sample must not
 * keep its chunk, so each name is copied once and shared (there are a handful; bounded anyway).
 */
const NAMES_MAX = 1024;
const names = new Map<string, string>();
function kept(s: string): string {
  let k = names.get(s);
  if (k === undefined) {
    k = detach(s);
    if (names.size < NAMES_MAX) names.set(k, k);
  }
  return k;
}

function copyWorkStages(p: IoPath, item: WorkItem): void {
  p.work = item.work;
  p.workFunction = kept(item.fn);
  if (item.workqueue !== undefined) p.workqueue = kept(item.workqueue);
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
  // The iocb flags did not prove a write: the requests' rwbs tell, when they agree.
  if (p.dir === '') p.dir = requestsDirection(dio.requests);
  // None at all (a bio-based device: zram): its bio's rwbs, once it completed (layers/bio.ts).
  if (p.dir === '' && dio.requests.length === 0 && p.completion && dio.bioDir) p.dir = dio.bioDir;
  // The DIO completed but a request of it never did: its block_rq_complete was dropped silently.
  if (p.completion && uncompleted > 0 && !anyTainted && ctx.seen.has('block_rq_complete')) {
    ctx.io.missingDeviceCompletions++;
    ctx.diagnostics.add('missing_completion', p.completion.line, `DIO completed on CPU ${p.completion.cpu} but ${uncompleted} of its block requests never completed in the trace`);
    for (const r of dio.requests) if (!r.complete) dropRequest(ctx, r);
  }
  finish(ctx, p, anyTainted);
}

/** The direction all of a DIO's requests share ('' when there are none or they disagree). */
function requestsDirection(reqs: readonly ReqRecord[]): IoPath['dir'] {
  let dir: IoPath['dir'] = '';
  for (const r of reqs) {
    if (r.dir === '' || (dir !== '' && r.dir !== dir)) return '';
    dir = r.dir;
  }
  return dir;
}

/** Forgets an outstanding request whose completion the trace lost. */
function dropRequest(ctx: AnalyzerContext, r: ReqRecord): void {
  const requests = ctx.block.requests;
  const q = requests.get(r.key);
  const i = q ? q.indexOf(r) : -1;
  if (q && i >= 0) removeAt(q, i);
  if (q && q.length === 0) requests.delete(r.key);
}

/** Removes a DIO from the outstanding list once its completion was seen. */
export function dropDio(ctx: AnalyzerContext, dio: DioRecord): void {
  const key = `${dio.dev}:${dio.ino}`;
  const dios = ctx.iomap.dios;
  const q = dios.get(key);
  if (!q) return;
  const i = q.indexOf(dio);
  if (i >= 0) removeAt(q, i);
  if (q.length === 0) dios.delete(key);
}
