import type { EventContext } from '../../kernel/cpu-context.js';
import { isKernelIoThreadComm, layerFunctionLabel } from '../../kernel/layer-functions.js';
import { isKworkerComm } from '../../kernel/tasks.js';
import type { BlockRqEvent, IomapBeginEvent, WqExecuteEndEvent, WqExecuteStartEvent, WqQueueEvent } from '../../model/events.js';
import type { IoPath, Stage } from '../../model/io.js';
import type { CompletionHop } from '../../model/layers.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import type { ReqRecord } from '../records.js';
import { SECTOR_BYTES } from '../../model/events.js';
import { bioRequest, foldRemapped } from './bio.js';
import { tallyOf, unSubmit, type LayersState, type WorkloadTally } from './layers-state.js';
import { devColon, devKey } from '../dev-names.js';
import { removeAt } from '../fifo.js';
import { slotsFor, slotsOf, type PathSlots } from './path-slots.js';

/**
 * The storage stack from what the trace proves (kernel notes §8):
 *
 * - A work item queued by a task in task context right after it issued on device U, whose worker
 *   then issues on another device L, services U's I/O: L is beneath U. Loop does exactly this:
 *     `fio-7428 … block_rq_issue: 7,0 WS 4096 () 278144 + 8 … [fio]`
 *     `fio-7428 … workqueue_queue_work: … function=loop_rootcg_workfn workqueue=loop0 …`
 *     `kworker/u8:3-7293 … iomap_dio_rw_begin: dev 254:0 ino 0x51a1cd … flags DIRECT …`
 *   The worker's I/O is the lower layer's, never the workload's; it services the oldest upper
 *   I/O of U not yet serviced (the loop worker takes its list in order).
 * - A work item queued from a completion's context (interrupt, softirq: the same invocation as a
 *   block completion), or from inside such a work item, is a completion hop of that I/O, whatever
 *   its function (kernel/layer-functions.ts only names it).
 * - A bio remapped off a bio-based device (dm, md: `block_bio_remap … <- (253,0) …`) proves the
 *   device beneath directly, and its request there is the upper I/O's whoever issues it (bio.ts).
 * - Once a link is proved, I/O on a lower device that does not service the upper one, and I/O
 *   kernel threads issue on their own, are background: counted apart per device.
 *
 * Longer than most files: the proofs, the routing of finished I/Os and their hop tallies read
 * and write the same per-task state, and are easier to check side by side.
 */

/** Upper I/Os kept per device while waiting for their servicer: bounded (oldest dropped). */
const AWAITING_MAX = 4096;
/** Work pointers remembered (queuer, workqueue): a slab's pointers repeat, but bound it anyway. */
const QUEUED_MAX = 65536;
/** Finished paths held back in request unit before the stack is known. */
export const PENDING_MAX = 4096;

function owner(req: ReqRecord | undefined): IoPath | undefined {
  return req?.path ?? req?.dio?.path;
}

/** Before the workqueue handler: who queued it, from which context, for which I/O's completion. */
export function layersQueueWork(ctx: AnalyzerContext, e: WqQueueEvent, ectx: EventContext): void {
  const s = ctx.layers;
  if (s.queued.size >= QUEUED_MAX) s.queued.clear();
  const c = cpuOf(ctx, e.cpu);
  const lc = c.lastComplete;
  let hopOf: IoPath | undefined;
  let hop: CompletionHop | undefined;
  let device = '';
  const bc = s.bioCompleted.get(e.cpu);
  if ((ectx === 'hardirq' || ectx === 'softirq') && bc && bc.invocation === c.invocation && !(lc && lc.invocation === c.invocation && (lc.req.complete?.line ?? 0) > bc.line)) {
    // After a bio-based device's completion (bio.ts), the later of the two in this interrupt:
    // `block_bio_complete: 253,0 WS …` then `workqueue_queue_work: … workqueue=dio/dm-0`.
    hopOf = bc.path;
    device = bc.device;
    s.bioCompleted.delete(e.cpu);
  } else if ((ectx === 'hardirq' || ectx === 'softirq') && lc && lc.invocation === c.invocation) {
    hopOf = owner(lc.req);
    device = hopOf ? devKey(hopOf.dev) : '';
  } else if (ectx === 'task' || ectx === 'unknown') {
    // Queued from inside a completion hop (btrfs: simple_end_io_work queues btrfs_work_helper).
    const ex = s.executing.get(e.pid);
    if (ex?.hopOf) {
      hopOf = ex.hopOf;
      device = ex.device ?? '';
    }
  }
  if (hopOf) {
    hop = { fn: e.function, workqueue: e.workqueue, device, label: layerFunctionLabel(e.function) };
    const slots = slotsFor(s.gen, hopOf);
    // The same function on the same queue again for this I/O (btrfs' end_io for each bio of a
    // 128 KiB writeback request: `simple_end_io_work` on btrfs-endio, then `btrfs_work_helper` on
    // btrfs-endio-write, × 32, interleaved) is a fan-out, not a further hop.
    const seen = slots.hops?.find((h) => h.fn === e.function && h.workqueue === e.workqueue && h.device === device);
    if (seen) hop = seen;
    else if (slots.hops) slots.hops.push(hop);
    else slots.hops = [hop];
    if (e.workqueue.startsWith('dio/') && device) s.names.set(device, e.workqueue.slice(4));
  }
  // 'unknown' (perf: no flags column, no interrupt seen yet) is taken as task context, as block.ts does.
  const upperDev = (ectx === 'task' || ectx === 'unknown') && !hopOf ? s.lastDev.get(e.pid) : undefined;
  s.queued.set(e.work, { upperDev, fn: e.function, workqueue: e.workqueue, hopOf, device, queue: { ts: e.ts, cpu: e.cpu, line: e.line }, hop });
}

/** Returns the completion hop whose work item starts here, with where it was queued (AnalyzeOptions.onHop). */
export function layersExecuteStart(ctx: AnalyzerContext, e: WqExecuteStartEvent): { hop: CompletionHop; queued: Stage } | undefined {
  const s = ctx.layers;
  const q = s.queued.get(e.work);
  s.executing.set(e.pid, { work: e.work, fn: e.function, workqueue: q?.workqueue ?? '', upperDev: q?.upperDev, hopOf: q?.hopOf, device: q?.device });
  if (q?.hopOf) slotsFor(s.gen, q.hopOf).hopStarted = { work: e.work, queue: q.queue, start: { ts: e.ts, cpu: e.cpu, line: e.line, pid: e.pid, comm: e.comm } };
  return q?.hop ? { hop: q.hop, queued: q.queue } : undefined;
}

export function layersExecuteEnd(ctx: AnalyzerContext, e: WqExecuteEndEvent): void {
  const s = ctx.layers;
  if (s.executing.get(e.pid)?.work === e.work) s.executing.delete(e.pid);
}

type Servicer = { upperDev?: string; fn: string; workqueue: string; upper?: IoPath };

/**
 * Whether an I/O this task starts on `dev` services another device's I/O: the task runs a work
 * item queued right after an issue on another device (loop's worker), or it issued, itself, a
 * request on another device whose byte position is this DIO's file offset (loop on 6.18 submits
 * the backing DIO from the submitter when it can: `block_rq_issue: 7,2 WS 4096 () 973568 + 8 [fio]`
 * then `iomap_dio_rw_begin: dev 254:0 … offset 0x1db60000`, 973568 × 512 = 0x1db60000).
 */
function servicing(s: LayersState, pid: number, dev: string, offset?: number): Servicer | undefined {
  const ex = s.executing.get(pid);
  if (ex?.upperDev !== undefined && ex.upperDev !== dev) return ex;
  const last = s.lastIssue.get(pid);
  if (offset !== undefined && last && last.dev !== dev && last.sector * SECTOR_BYTES === offset) return { upperDev: last.dev, fn: 'inline', workqueue: '', upper: last.path };
  return undefined;
}

function link(ctx: AnalyzerContext, lower: string, ex: Servicer, p: IoPath | undefined): void {
  const s = ctx.layers;
  const upper = ex.upperDev as string;
  if (!s.below.has(lower)) s.below.set(lower, { upper, fn: ex.fn, workqueue: ex.workqueue });
  s.stacked = true;
  if (ex.fn.startsWith('loop') && ex.workqueue) s.names.set(upper, ex.workqueue);
  if (!p) return;
  const slots = slotsFor(s.gen, p);
  slots.servicing = true;
  const q = s.awaiting.get(upper);
  let up = ex.upper;
  // Loop keeps the byte position: the upper request whose sector × 512 is this DIO's offset. Not
  // simply the oldest: two submitters race for the loop's list, and the worker's run takes what
  // was queued before it started, so a later issue can be serviced first.
  let i = up && q ? q.findIndex((u) => u.path === up) : -1;
  if (i < 0 && q && p.offset !== undefined) i = q.findIndex((u) => u.sector * SECTOR_BYTES === p.offset);
  if (i < 0 && q && q.length > 0) i = 0;
  if (q && i >= 0) {
    up = q[i]?.path;
    removeAt(q, i);
  }
  if (up) slots.services = up;
}

/** Tasks remembered in `ownDev`: one entry per task that did I/O, bounded anyway (pid churn). */
const OWN_DEV_MAX = 65536;

function noteOwn(s: LayersState, pid: number, dev: string): void {
  const was = s.ownDev.get(pid);
  if (was === dev || was === '*') return;
  if (was === undefined && s.ownDev.size >= OWN_DEV_MAX) s.ownDev.clear();
  s.ownDev.set(pid, was === undefined ? dev : '*');
}

/**
 * Whether a user task's I/O on a device that backs another (a loop's backing disk) is its own
 * workload there: the task did no I/O of its own on any other device. fio on the root file
 * system of a disk that also backs a loop device (`fio-4323 … iomap_dio_rw_begin: dev 254:0 …
 * flags DIRECT|WRITE|AIO_RW`, while `kworker/u8:1` writes to loop1) is the workload; the same
 * task's DIO on the disk after an issue on the loop device is the loop's (servicing, even when
 * the byte position did not prove it).
 */
function ownWorkloadOn(s: LayersState, pid: number | undefined, comm: string | undefined, dev: string): boolean {
  if (pid === undefined || comm === undefined || isKworkerComm(comm) || isKernelIoThreadComm(comm)) return false;
  const own = s.ownDev.get(pid);
  return own === undefined || own === dev;
}

/** After iomap's rw_begin handler made the path `p`. */
export function layersBegin(ctx: AnalyzerContext, e: IomapBeginEvent, p: IoPath): void {
  const s = ctx.layers;
  const dev = devKey(p.dev);
  const ex = servicing(s, e.pid, dev, e.offset);
  s.lastDev.set(e.pid, dev);
  if (!ex) {
    noteOwn(s, e.pid, dev);
    s.lowerSubmitting.delete(e.pid);
    return;
  }
  s.lowerSubmitting.add(e.pid);
  s.lowerBy.set(e.pid, ex);
  unSubmit(ctx, e.pid);
  link(ctx, dev, ex, p);
}

/** After the block handler recorded an issued request (its path made in request unit). */
export function layersIssue(ctx: AnalyzerContext, e: BlockRqEvent, req: ReqRecord, ectx: EventContext): void {
  if (e.kind !== 'block_rq_issue' || e.nrSector === 0) return;
  const s = ctx.layers;
  // At a remapped bio's position: the bio's DIO, whoever issues it (bio.ts).
  const claimed = bioRequest(ctx, e, req);
  const dev = devColon(e.dev);
  const inTask = ectx === 'task' || ectx === 'unknown';
  // Inside a lower DIO's submission (rw_begin … rw_queued) its requests are the lower layer's too.
  const ex = inTask && !claimed ? (servicing(s, e.pid, dev) ?? (s.lowerSubmitting.has(e.pid) ? s.lowerBy.get(e.pid) : undefined)) : undefined;
  if (inTask) s.lastDev.set(e.pid, dev);
  if (inTask && !ex) {
    s.lastIssue.set(e.pid, { dev, sector: e.sector, path: owner(req) });
    if (!isKworkerComm(e.comm)) noteOwn(s, e.pid, dev);
  }
  if (ex) {
    if (req.path && req.path.submitterPid !== undefined) unSubmit(ctx, e.pid);
    else if (req.path) ctx.io.submissions--;
    link(ctx, dev, ex, req.path);
    return;
  }
  const up = owner(req);
  if (!up || slotsOf(s.gen, up)?.servicing === true) return;
  // REQ_META (`RM`): the filesystem reading its own trees in the task's context, not its data.
  if (e.rwbs.includes('M') && req.path) slotsFor(s.gen, req.path).meta = true;
  let q = s.awaiting.get(dev);
  if (!q) s.awaiting.set(dev, (q = []));
  // One entry per request: loop services each of an I/O's requests with a DIO of its own.
  q.push({ path: up, sector: e.sector });
  if (q.length > AWAITING_MAX) q.shift();
}

function isBackground(p: IoPath): boolean {
  const comm = p.submitterComm;
  if (comm === undefined) return p.unit === 'request';
  return isKworkerComm(comm) || isKernelIoThreadComm(comm);
}

/** Where a finished path went instead of the workload: a nowait retry (not an I/O), a lower layer's I/O servicing a workload I/O, or background. */
export type RoutedAway = 'nowait-retry' | 'servicing' | 'background' | 'own-lower';

/**
 * A path finished: false when it is the workload's (the caller folds it), else where it went
 * instead (a lower layer or background). The workload path gets its layers and completion hops.
 */
export function routePath(ctx: AnalyzerContext, p: IoPath): false | RoutedAway {
  const s = ctx.layers;
  // A request a remapped bio became (request unit) counts at the bio-based device on top.
  const slots = slotsOf(s.gen, p);
  const bioTop = slots?.bioTop;
  const dev = bioTop ?? devKey(p.dev);
  const t = tallyOf(s, dev);
  t.unit ??= p.unit;
  const hops = slots?.hops ?? [];
  if (s.nowaitRetry && !p.issue) {
    s.nowaitRetries++;
    if (p.submitterPid !== undefined) unSubmit(ctx, p.submitterPid);
    return 'nowait-retry';
  }
  if (slots?.servicing === true) {
    t.servicing.add(p);
    const up = slots.services;
    if (up) {
      const upSlots = slotsFor(s.gen, up);
      upSlots.hops = [...hops, ...(upSlots.hops ?? [])];
      p.layers = { devices: [dev], hops, services: up.id };
    }
    return 'servicing';
  }
  if (s.stacked && ((!bioTop && s.below.has(dev)) || isBackground(p) || slots?.meta === true)) {
    t.background.add(p);
    const who = p.submitterComm ?? 'kernel';
    t.backgroundSubmitters.set(who, (t.backgroundSubmitters.get(who) ?? 0) + 1);
    if (isBackground(p) || slots?.meta === true || !ownWorkloadOn(s, p.submitterPid, p.submitterComm, dev)) {
      t.backgroundOnly.add(p);
      if (p.submitterPid !== undefined) unSubmit(ctx, p.submitterPid);
      return 'background';
    }
    // A user task's own I/O on a backing device: background beside a workload above, the
    // workload itself when there is none (endOfLayers).
    completedInHop(slots, p);
    countWorkload(s, s.ownLower, p, hops, dev);
    t.ownIos++;
    t.ownSubmitters.set(who, (t.ownSubmitters.get(who) ?? 0) + 1);
    s.ownLower.fold.add(p);
    if (p.submitterPid !== undefined) s.ownLower.pids.set(p.submitterPid, (s.ownLower.pids.get(p.submitterPid) ?? 0) + 1);
    return 'own-lower';
  }
  t.workload++;
  completedInHop(slots, p);
  foldRemapped(ctx, p);
  // Request unit on a stack: a completion that queued work (any function) was deferred; the
  // request-unit inference only knows the DIO completion functions (kernel/work-functions.ts).
  if (s.stacked && p.unit === 'request' && hops.length > 0 && (p.mode === 'irq-inline' || p.mode === 'task-inline')) {
    p.mode = 'kworker-deferred';
    delete p.irqContext;
    delete p.taskKind;
  }
  countWorkload(s, s, p, hops, dev);
  return false;
}

/** A workload I/O's span and completion hops, into the workload's tallies (or the held ones of `ownLower`). */
function countWorkload(s: LayersState, w: WorkloadTally, p: IoPath, hops: CompletionHop[], dev: string): void {
  const start = (p.submit ?? p.issue)?.ts;
  if (start !== undefined && (Number.isNaN(w.workloadStart) || start < w.workloadStart)) w.workloadStart = start;
  if (p.completion && p.mode !== 'unresolved' && !(p.completion.ts <= w.workloadEnd)) w.workloadEnd = p.completion.ts;
  if (p.mode !== 'unresolved') {
    w.hopCounts.set(hops.length, (w.hopCounts.get(hops.length) ?? 0) + 1);
    const chain = hops.length === 1 ? hopName(hops[0] as CompletionHop) : hops.map(hopName).join(' > ');
    w.hopChains.set(chain, (w.hopChains.get(chain) ?? 0) + 1);
  }
  p.layers = { devices: devicesBelow(s, dev), hops };
}

/** Hop names by function then workqueue: a chain of one hop (the common case) is built without a new string. */
const HOP_NAMES = new Map<string, Map<string, string>>();
const MAX_HOP_NAMES = 4096;
let hopNameCount = 0;

/** `iomap_dio_complete_work@dio/vda`: a hop as the chain tally names it. */
function hopName(h: CompletionHop): string {
  let byQueue = HOP_NAMES.get(h.fn);
  if (!byQueue) {
    if (hopNameCount >= MAX_HOP_NAMES) {
      HOP_NAMES.clear();
      hopNameCount = 0;
    }
    HOP_NAMES.set(h.fn, (byQueue = new Map()));
  }
  let name = byQueue.get(h.workqueue);
  if (name === undefined) {
    byQueue.set(h.workqueue, (name = `${h.fn}@${h.workqueue}`));
    hopNameCount++;
  }
  return name;
}

/**
 * A DIO completed inside a work item queued as its own completion hop (dm-crypt's reads end in
 * kcryptd_crypt, not in a DIO completion work item): that item's queue and start are its deferral.
 */
function completedInHop(slots: PathSlots | undefined, p: IoPath): void {
  // Taken out as the I/O finishes: a sampled path outlives it, and the entry's work pointer is a
  // slice of the parser's 64 KiB text chunk, which it would keep alive.
  const h = slots?.hopStarted;
  if (slots) slots.hopStarted = undefined;
  if (p.mode !== 'kworker-deferred' || p.executeStart || !p.completion) return;
  if (h?.start.pid !== p.completion.pid || h.start.ts > p.completion.ts) return;
  p.work = h.work;
  p.queueWork = h.queue;
  p.executeStart = h.start;
}

/**
 * `dev` and the devices beneath it, top first: one array per device shared by its paths (nothing
 * changes a path's list), made again only after a new link (`s.below` changes rarely, paths finish
 * at every I/O).
 */
function devicesBelow(s: LayersState, dev: string): string[] {
  if (s.belowSize !== s.below.size) {
    s.devicesBelow.clear();
    s.belowSize = s.below.size;
  }
  let devices = s.devicesBelow.get(dev);
  if (!devices) {
    devices = [dev];
    for (let lower = lowerOf(s, dev); lower && !devices.includes(lower); lower = lowerOf(s, lower)) devices.push(lower);
    s.devicesBelow.set(dev, devices);
  }
  return devices;
}

/** The device beneath `dev` (the first proved), if any. */
export function lowerOf(s: LayersState, dev: string): string | undefined {
  for (const [lower, l] of s.below) if (l.upper === dev) return lower;
  return undefined;
}

/**
 * An iomap event of a lower layer while the unit is still `request`: it must not switch the unit
 * to DIOs (btrfs does not trace its own DIOs; the only ones are the loop worker's).
 */
export function isLowerIomap(ctx: AnalyzerContext, e: { kind: string; pid: number; dev: { major: number; minor: number }; offset: number }): boolean {
  const s = ctx.layers;
  const dev = devColon(e.dev);
  if (e.kind === 'iomap_dio_complete') return s.below.has(dev);
  if (e.kind === 'iomap_dio_rw_queued') return s.lowerSubmitting.has(e.pid) || s.below.has(dev);
  const ex = servicing(s, e.pid, dev, e.offset);
  if (ex || s.below.has(dev)) {
    s.lowerSubmitting.add(e.pid);
    if (ex) s.lowerBy.set(e.pid, { ...ex, upper: undefined });
    return true;
  }
  s.lowerSubmitting.delete(e.pid);
  return false;
}

/** rw_queued: the task's DIO submission returned. */
export function layersQueued(ctx: AnalyzerContext, pid: number): void {
  ctx.layers.lowerSubmitting.delete(pid);
}
