import type { EventContext } from '../../kernel/cpu-context.js';
import type { IomapBeginEvent, IomapCompleteEvent, IomapQueuedEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { pushFifo } from '../fifo.js';
import { dropDio, finish, finishDio, newPath, noteSubmitter } from '../io-tracker.js';
import { stage, type AnalyzerCpu, type DioRecord } from '../records.js';
import { layersBegin } from '../layers/track.js';
import { unSubmit } from '../layers/layers-state.js';
import { startWindow } from './cpu-time.js';
import { isKworker } from './workqueue-state.js';
import { devColon } from '../dev-names.js';
import { boundedMemo, itself } from '../../model/memo.js';

/**
 * Direct I/Os from the iomap tracepoints (≥6.4). A DIO is paired with its completion by inode and
 * end offset: iomap_dio_complete prints ki_pos after it was advanced, so
 * `complete.offset = begin.offset + ret`. Oldest first, as inodes and offsets repeat.
 *
 *   `iomap_dio_rw_begin: dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1`
 *   `iomap_dio_complete: dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096`
 *
 * The completion mode is where iomap_dio_complete ran (kernel notes §0, "best classifier signal").
 * Its state is iomap-state.ts.
 */

/**
 * The direction the iocb flags prove: `WRITE` is a write. Alone, its absence proves nothing: a
 * synchronous write through write(2)/pwrite(2) on 6.x prints `flags DIRECT dio_flags  aio 0`
 * (init_sync_kiocb does not set IOCB_WRITE), and so does a loop device's own DIO on its backing
 * file; such a DIO stays '' until its block requests' rwbs tell (finishDio). An `AIO_RW` iocb
 * (aio or io_uring) is different: both set IOCB_WRITE on every write they prepare (fs/aio.c
 * aio_write, io_uring/rw.c io_write), so there a missing WRITE is a read.
 */
export const dioDirection: (iocbFlags: string) => 'R' | 'W' | '' = boundedMemo(
  itself<string>,
  (iocbFlags: string) => {
    const flags = iocbFlags.split('|');
    return flags.includes('WRITE') ? 'W' : flags.includes('AIO_RW') ? 'R' : '';
  },
  // The flags a trace prints are a few strings over and over: each is split once.
  1024,
);

/**
 * A NOWAIT attempt that would block can fail before iomap allocates its dio (xfs, io_uring): no
 * rw_queued, no request, no iomap_dio_complete follows its rw_begin, only the retry of the same
 * range from the io_uring worker:
 *   `fio-6296 … iomap_dio_rw_begin: dev 7:0 ino 0x86 … offset 0x3ced000 length 0x1000 … flags NOWAIT|DIRECT|WRITE|ALLOC_CACHE`
 *   `iou-wrk-6296-6299 … iomap_dio_rw_begin: dev 7:0 ino 0x86 … offset 0x3ced000 length 0x1000 … flags DIRECT|WRITE|ALLOC_CACHE`
 * The abandoned attempt is not an I/O (as one that completes with -EAGAIN is not, pipeline.ts).
 */
function dropAbandonedNowait(ctx: AnalyzerContext, key: string, e: IomapBeginEvent): void {
  const q = ctx.iomap.dios.get(key);
  if (!q) return;
  const old = q.find((d) => d.nowait === true && !d.queued && d.offset === e.offset && d.length === e.length && d.requests.length === 0 && d.bytesIssued === 0);
  if (!old) return;
  dropDio(ctx, old);
  const pid = old.path.submitterPid ?? -1;
  if (ctx.iomap.submitting.get(pid) === old) ctx.iomap.submitting.delete(pid);
  unSubmit(ctx, pid);
  ctx.layers.nowaitRetries++;
}

export function handleBegin(ctx: AnalyzerContext, e: IomapBeginEvent): void {
  startWindow(ctx, e.ts);
  const dev = devColon(e.dev);
  if (!e.iocbFlags.includes('NOWAIT')) dropAbandonedNowait(ctx, `${dev}:${e.ino}`, e);
  const p = newPath(ctx, 'dio', dioDirection(e.iocbFlags), e.length);
  p.dev = dev;
  p.ino = e.ino;
  p.offset = e.offset;
  p.submit = stage(e.ts, e.cpu, e.line);
  p.submitterPid = e.pid;
  p.submitterComm = e.comm;
  const dio: DioRecord = { path: p, dev, ino: e.ino, offset: e.offset, length: e.length, aio: e.aio !== 0, requests: [], bytesIssued: 0, queued: false, tainted: false };
  if (e.iocbFlags.includes('NOWAIT')) dio.nowait = true;
  pushFifo(ctx.iomap.dios, `${dev}:${e.ino}`, dio);
  ctx.iomap.submitting.set(e.pid, dio);
  ctx.io.submissions++;
  noteSubmitter(ctx, e.pid, e.comm, e.cpu);
  layersBegin(ctx, e, p);
}

/** `iomap_dio_rw_queued: … offset 0xf71000 length 0x0`: submission returned -EIOCBQUEUED. */
export function handleQueued(ctx: AnalyzerContext, e: IomapQueuedEvent): void {
  const dio = ctx.iomap.submitting.get(e.pid);
  if (dio) dio.queued = true;
  ctx.iomap.submitting.delete(e.pid);
}

export function handleDioComplete(ctx: AnalyzerContext, e: IomapCompleteEvent, ectx: EventContext): void {
  const dev = devColon(e.dev);
  const key = `${dev}:${e.ino}`;
  const q = ctx.iomap.dios.get(key);
  const want = e.ret > 0 ? e.offset - e.ret : e.offset;
  let dio: DioRecord | undefined;
  if (q) for (let i = 0; i < q.length; i++) if ((q[i] as DioRecord).offset === want) {
    dio = q[i];
    break;
  }
  const done = { ts: e.ts, cpu: e.cpu, line: e.line, ctx: ectx, pid: e.pid, comm: e.comm };
  if (!dio) {
    ctx.diagnostics.add('unmatched_complete', e.line, `iomap_dio_complete of ino ${e.ino} offset ${e.offset} has no rw_begin in the trace`);
    const p = newPath(ctx, 'dio', dioDirection(e.iocbFlags), Math.max(e.ret, 0));
    p.dev = dev;
    p.ino = e.ino;
    p.offset = want;
    p.completion = done;
    p.mode = 'unresolved';
    p.unresolvedReason = 'trace_start';
    finish(ctx, p, false);
    return;
  }
  dropDio(ctx, dio);
  const submitting = ctx.iomap.submitting;
  if (submitting.get(dio.path.submitterPid ?? -1) === dio) submitting.delete(dio.path.submitterPid ?? -1);
  const p = dio.path;
  p.completion = done;
  p.evidence = 'iomap_dio_complete';
  const c = cpuOf(ctx, e.cpu);
  if (ectx === 'hardirq' || ectx === 'softirq' || ectx === 'nmi') {
    p.mode = 'irq-inline';
    p.irqContext = ectx === 'softirq' ? 'softirq' : 'hardirq';
    linkByChain(dio, c);
    finishDio(ctx, dio, false);
    return;
  }
  if (ectx === 'unknown') {
    p.mode = 'unresolved';
    p.unresolvedReason = 'no_context'; // completed (its time and task are known), context unknown
    finishDio(ctx, dio, false);
    return;
  }
  const item = ctx.work.runningWork.get(e.pid);
  if (item || isKworker(ctx.work, e.pid, e.comm)) {
    p.mode = 'kworker-deferred';
    if (item) {
      item.isDio = true;
      item.dio = dio;
      if (item.req && !item.req.dio) {
        item.req.dio = dio;
        dio.requests.push(item.req);
      }
      return; // finished at execute_end, when the work's stages are known
    }
    finishDio(ctx, dio, false);
    return;
  }
  p.mode = 'task-inline';
  p.taskKind = e.pid === p.submitterPid ? (dio.aio ? 'submitter' : 'sync-waiter') : 'other-task';
  finishDio(ctx, dio, false);
}

/** An inline completion with no request linked at issue: the block completion just before it. */
function linkByChain(dio: DioRecord, c: AnalyzerCpu): void {
  if (dio.requests.length > 0) return;
  const lc = c.lastComplete;
  if (lc && lc.invocation === c.invocation && !lc.req.dio) {
    lc.req.dio = dio;
    dio.requests.push(lc.req);
  }
}
