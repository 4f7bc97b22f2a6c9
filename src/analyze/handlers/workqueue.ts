import { detach } from '../../input/lines.js';
import { IO_COMPLETION_WORK } from '../../kernel/work-functions.js';
import type { WqActivateEvent, WqExecuteEndEvent, WqExecuteStartEvent, WqQueueEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { pushFifo, takeFifo } from '../fifo.js';
import { requestDeferred } from '../io-request.js';
import { workFinished } from '../io-tracker.js';
import { stage, type WorkItem } from '../records.js';
import { charge } from './cpu-time.js';

/**
 * DIO completion work items, linked by the work pointer. The pointer is `&dio->aio.work`, freed
 * inside the work function and reused at once (slab LIFO), so each queue_work is a new generation:
 * execute_start takes the oldest queued generation of its pointer, and execute_end closes the item
 * the same kworker is running (the kernel notes §4: a new queue_work(P) can precede the previous
 * execute_end(P)). Only work that completes an I/O (kernel/work-functions.ts) is tracked; other
 * work items cost nothing here. Its state is workqueue-state.ts.
 *
 *   `workqueue_queue_work: work struct=000000006c12a01f function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1`
 *   `workqueue_execute_start: work struct 000000006c12a01f: function iomap_dio_complete_work`
 */

export function handleQueueWork(ctx: AnalyzerContext, e: WqQueueEvent): void {
  if (!IO_COMPLETION_WORK.has(e.function)) return;
  // Fields later events set are declared now: added to a literal one by one, each copied its field array.
  const item: WorkItem = { work: detach(e.work), fn: e.function, workqueue: e.workqueue, isDio: true, queue: stage(e.ts, e.cpu, e.line), tainted: false, activate: undefined, req: undefined, start: undefined, waking: undefined, wakeup: undefined, switchIn: undefined, end: undefined, dio: undefined };
  const c = cpuOf(ctx, e.cpu);
  // The block completion that queued it ran just before, on this CPU, in this same invocation.
  const lc = c.lastComplete;
  if (lc && lc.invocation === c.invocation) {
    item.req = lc.req;
    c.lastComplete = undefined;
    if (ctx.unit === 'request') requestDeferred(ctx, lc.req, c);
  }
  pushFifo(ctx.work.pendingWork, item.work, item);
}

export function handleActivate(ctx: AnalyzerContext, e: WqActivateEvent): void {
  const q = ctx.work.pendingWork.get(e.work);
  const item = q?.[q.length - 1];
  if (item && !item.activate) item.activate = stage(e.ts, e.cpu, e.line);
}

export function handleExecuteStart(ctx: AnalyzerContext, e: WqExecuteStartEvent): void {
  const w = ctx.work;
  w.kworkerPids.add(e.pid);
  let item = takeFifo(w.pendingWork, e.work);
  if (!item) {
    if (!IO_COMPLETION_WORK.has(e.function)) return;
    // Queued before the trace began: the completion is still known, its wait is not.
    item = { work: detach(e.work), fn: e.function, isDio: true, tainted: false };
  }
  item.start = { ts: e.ts, cpu: e.cpu, line: e.line, pid: e.pid, comm: e.comm };
  const queuedAt = item.queue?.ts ?? Infinity;
  const waking = ctx.sched.lastWaking.get(e.pid);
  if (waking && waking.ts >= queuedAt) item.waking = waking;
  const wakeup = ctx.sched.lastWakeup.get(e.pid);
  if (wakeup && wakeup.ts >= queuedAt) item.wakeup = wakeup;
  const s = ctx.sched.lastSwitchIn.get(e.pid);
  if (s && s.ts >= queuedAt) item.switchIn = s;
  w.runningWork.set(e.pid, item);
  const c = cpuOf(ctx, e.cpu);
  charge(ctx, c, e.ts);
  c.inDioWork = true;
  c.kworkerRunDid = true;
  if (c.kworkerRunStart === undefined) c.kworkerRunStart = e.ts;
  let k = w.kworkerStats.get(e.pid);
  if (!k) w.kworkerStats.set(e.pid, (k = { comm: e.comm, cpu: e.cpu, items: 0 }));
  k.items++;
}

export function handleExecuteEnd(ctx: AnalyzerContext, e: WqExecuteEndEvent): void {
  const item = ctx.work.runningWork.get(e.pid);
  if (!item || item.work !== e.work) return;
  ctx.work.runningWork.delete(e.pid);
  const c = cpuOf(ctx, e.cpu);
  charge(ctx, c, e.ts);
  c.inDioWork = false;
  item.end = stage(e.ts, e.cpu, e.line);
  workFinished(ctx, item);
}
