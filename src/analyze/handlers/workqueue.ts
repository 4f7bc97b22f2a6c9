import type { WqActivateEvent, WqExecuteEndEvent, WqExecuteStartEvent, WqQueueEvent } from '../../model/events.js';
import { detach } from '../../input/lines.js';
import { cpuState, DIO_WORK_FUNCTIONS, pushFifo, takeFifo, type AnalyzerContext } from '../context.js';
import { requestDeferred, workFinished } from '../io-tracker.js';
import { stage, type WorkItem } from '../state.js';
import { charge } from './cpu-time.js';

/**
 * DIO completion work items, linked by the work pointer. The pointer is `&dio->aio.work`, freed
 * inside the work function and reused at once (slab LIFO), so each queue_work is a new generation:
 * execute_start takes the oldest queued generation of its pointer, and execute_end closes the item
 * the same kworker is running (the kernel notes §4: a new queue_work(P) can precede the previous
 * execute_end(P)). Only DIO work is tracked; other work items cost nothing here.
 *
 *   `workqueue_queue_work: work struct=000000006c12a01f function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1`
 *   `workqueue_execute_start: work struct 000000006c12a01f: function iomap_dio_complete_work`
 */

export function handleQueueWork(ctx: AnalyzerContext, e: WqQueueEvent): void {
  if (!DIO_WORK_FUNCTIONS.has(e.function)) return;
  const item: WorkItem = { work: detach(e.work), fn: e.function, isDio: true, queue: stage(e.ts, e.cpu, e.line), tainted: false };
  const c = cpuState(ctx, e.cpu);
  // The block completion that queued it ran just before, on this CPU, in this same invocation.
  const lc = c.lastComplete;
  if (lc && lc.invocation === c.invocation) {
    item.req = lc.req;
    c.lastComplete = undefined;
    if (ctx.unit === 'request') requestDeferred(ctx, lc.req, c);
  }
  pushFifo(ctx.pendingWork, item.work, item);
}

export function handleActivate(ctx: AnalyzerContext, e: WqActivateEvent): void {
  const q = ctx.pendingWork.get(e.work);
  const item = q?.[q.length - 1];
  if (item && !item.activate) item.activate = stage(e.ts, e.cpu, e.line);
}

export function handleExecuteStart(ctx: AnalyzerContext, e: WqExecuteStartEvent): void {
  ctx.kworkerPids.add(e.pid);
  let item = takeFifo(ctx.pendingWork, e.work);
  if (!item) {
    if (!DIO_WORK_FUNCTIONS.has(e.function)) return;
    // Queued before the trace began: the completion is still known, its wait is not.
    item = { work: detach(e.work), fn: e.function, isDio: true, tainted: false };
  }
  item.start = { ts: e.ts, cpu: e.cpu, line: e.line, pid: e.pid, comm: e.comm };
  const queuedAt = item.queue?.ts ?? Infinity;
  const waking = ctx.lastWaking.get(e.pid);
  if (waking && waking.ts >= queuedAt) item.waking = waking;
  const w = ctx.lastWakeup.get(e.pid);
  if (w && w.ts >= queuedAt) item.wakeup = w;
  const s = ctx.lastSwitchIn.get(e.pid);
  if (s && s.ts >= queuedAt) item.switchIn = s;
  ctx.runningWork.set(e.pid, item);
  const c = cpuState(ctx, e.cpu);
  charge(ctx, c, e.ts);
  c.inDioWork = true;
  c.kworkerRunDid = true;
  if (c.kworkerRunStart === undefined) c.kworkerRunStart = e.ts;
  let k = ctx.kworkerStats.get(e.pid);
  if (!k) ctx.kworkerStats.set(e.pid, (k = { comm: e.comm, cpu: e.cpu, items: 0 }));
  k.items++;
}

export function handleExecuteEnd(ctx: AnalyzerContext, e: WqExecuteEndEvent): void {
  const item = ctx.runningWork.get(e.pid);
  if (!item || item.work !== e.work) return;
  ctx.runningWork.delete(e.pid);
  const c = cpuState(ctx, e.cpu);
  charge(ctx, c, e.ts);
  c.inDioWork = false;
  item.end = stage(e.ts, e.cpu, e.line);
  workFinished(ctx, item);
}
