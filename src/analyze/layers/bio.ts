import type { EventContext } from '../../kernel/cpu-context.js';
import type { BlockBioCompleteEvent, BlockBioEvent, BlockBioRemapEvent, BlockRqEvent, BlockSplitEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import type { IoPath } from '../../model/io.js';
import type { ReqRecord } from '../records.js';
import { noteSubmitter } from '../io-tracker.js';
import { devColon } from '../dev-names.js';
import { rwbsDirection } from '../../kernel/block.js';
import { slotsFor, slotsOf } from './path-slots.js';
import { tallyOf, unSubmit, type BioOwner, type LayersState } from './layers-state.js';

/**
 * Bio-based layers (dm, md, partitions): devices that take bios and remap them to the device
 * beneath, without requests of their own. The trace shows the whole chain, e.g. dm-linear:
 *   `fio-9000 … iomap_dio_rw_begin: dev 253:0 ino 0x2001 … offset 0x3692000 length 0x1000 …`
 *   `fio-9000 … block_bio_queue: 253,0 WS 1160336 + 8 [fio]`
 *   `fio-9000 … block_bio_remap: 254,0 WS 1162384 + 8 <- (253,0) 1160336`
 *   `fio-9000 … block_rq_issue: 254,0 WS 4096 () 1162384 + 8 be,0,4 [fio]`
 *   `<idle>-0 … block_rq_complete: 254,0 WS () 1162384 + 8 be,0,4 [0]`
 *   `<idle>-0 … block_bio_complete: 253,0 WS 1160336 + 8 [0]`
 * and dm-crypt, where another thread (dmcrypt_write) issues the encrypted clone long after:
 *   `dmcrypt_write/2-7310 … block_bio_remap: 254,0 WS 1193104 + 8 <- (253,0) 1160336`
 *   `dmcrypt_write/2-7310 … block_rq_issue: 254,0 WS 4096 () 1193104 + 8 be,0,4 [dmcrypt_write/2]`
 * A bio queued on a device is owned by the DIO its task is submitting; a remap carries the owner
 * from `(device, sector)` above to `(device, sector)` beneath, and proves the lower device is a
 * layer beneath the upper one (role `dm-target`); a split keeps the owner for both halves; the
 * request issued at the remapped position belongs to that DIO, whoever issues it. So the
 * completion of that request (and a work item it queues: `dio/dm-0`) is the DIO's.
 *
 * Partitions are not a layer: their remap (`block_bio_remap: 8,0 W 2099200 + 8 <- (8,1) 2048`,
 * blk_partition_remap) goes from a device that never queues a bio of its own (block events print
 * the whole disk, bio_dev()), to the same disk. It only carries the owner; no layer is invented.
 */

/** The bio events the analysis follows (pipeline.ts hands them here); `capture --events stack` records them. */
export const FOLLOWED_BIO_EVENTS = ['block_bio_queue', 'block_bio_remap', 'block_split', 'block_bio_complete'] as const;

/** The `fn` of a link a remap proves (layers-state.ts ServiceLink): build-layers names it dm-target. */
export const REMAP_LINK = 'block_bio_remap';

/** Bios remembered per device and sector: bounded (a trace whose bios never complete must not grow it). */
const BIOS_MAX = 65536;

const devOf = (d: { major: number; minor: number }): string => `${d.major}:${d.minor}`;

function remember(s: LayersState, key: string, owner: BioOwner): void {
  // Oldest first out: a bio merged into another request never comes back by its own sector.
  if (s.bios.size >= BIOS_MAX) s.bios.delete(s.bios.keys().next().value as string);
  s.bios.set(key, owner);
}

/** `block_bio_queue`: the bio of the DIO this task is submitting (if any). */
export function bioQueue(ctx: AnalyzerContext, e: BlockBioEvent, ectx: EventContext): void {
  const s = ctx.layers;
  const dev = devOf(e.dev);
  if (!s.bioDevs.has(dev)) s.bioDevs.add(dev);
  const key = `${dev}:${e.sector}`;
  // The clone of a remap, queued on the device beneath, keeps the owner the remap carried (first
  // queued on another device); an owner queued here is an older bio's at a reused sector.
  if (s.bios.get(key)?.dev !== dev && s.bios.has(key)) return;
  if (ectx !== 'task' && ectx !== 'unknown') return;
  const dio = ctx.iomap.submitting.get(e.pid);
  // A synchronous DIO's iocb flags do not prove its direction (`flags DIRECT … aio 0`, handlers/
  // iomap.ts); on a bio-based device (zram) no request will either, its own bio does
  // (`fio-5120 … block_bio_queue: 253,0 R 3270704 + 8 [fio]`): io-tracker.ts finishDio.
  if (dio && dio.dev === dev && dio.bioDir === undefined) dio.bioDir = rwbsDirection(e.rwbs);
  if (dio) remember(s, key, { dio, dev, pid: e.pid, comm: e.comm });
  // Request unit (no iomap events): the bio is the queuing task's, followed only through remaps.
  else if (ctx.unit === 'request') remember(s, key, { dev, pid: e.pid, comm: e.comm });
}

/** `block_bio_remap`: the owner goes down; a remap out of a bio-based device proves the layer beneath. */
export function bioRemap(ctx: AnalyzerContext, e: BlockBioRemapEvent): void {
  const s = ctx.layers;
  const to = devOf(e.dev);
  const from = devOf(e.fromDev);
  // A partition never queues bios of its own (block events print the whole disk): same layer.
  const partition = !s.bioDevs.has(from);
  const owner = s.bios.get(`${from}:${e.fromSector}`) ?? (partition ? s.bios.get(`${to}:${e.fromSector}`) : undefined);
  if (!partition && to !== from) {
    if (!s.below.has(to)) s.below.set(to, { upper: from, fn: REMAP_LINK, workqueue: '' });
    s.stacked = true;
    tallyOf(s, from);
    tallyOf(s, to).unit ??= 'request';
  }
  // Request unit: only a bio that went through a bio-based device needs following.
  if (owner && (owner.dio || !partition)) remember(s, `${to}:${e.sector}`, owner);
}

/** `block_split: 254,0 W 1000 / 1256 [fio]`: the remainder at the new sector has the same owner. */
export function bioSplit(ctx: AnalyzerContext, e: BlockSplitEvent): void {
  const s = ctx.layers;
  const dev = devOf(e.dev);
  const owner = s.bios.get(`${dev}:${e.sector}`);
  if (owner) remember(s, `${dev}:${e.newSector}`, owner);
}

/**
 * `block_bio_complete` on a bio-based device: the upper bio ended (in DIO unit the DIO's own
 * completion ends the I/O). Kept per CPU for the completion hops: a work item queued right after
 * it in the same interrupt (`dio/dm-0`) is a hop of the bio's DIO.
 */
export function bioComplete(ctx: AnalyzerContext, e: BlockBioCompleteEvent, ectx: EventContext): void {
  const s = ctx.layers;
  const key = `${devOf(e.dev)}:${e.sector}`;
  const owner = s.bios.get(key);
  if (!owner) return;
  s.bios.delete(key);
  const path = owner.dio?.path ?? owner.path;
  if (path && (ectx === 'hardirq' || ectx === 'softirq')) s.bioCompleted.set(e.cpu, { path, device: devOf(e.dev), invocation: cpuOf(ctx, e.cpu).invocation, line: e.line });
}

/**
 * A request issued at a remapped bio's position belongs to the bio's DIO, also when a thread of
 * the target (dmcrypt_write) issues it. Called by the layer tracker before it routes the request;
 * true when it is a remapped bio's request on a remap target (then no work item its issuer runs
 * services it: the remap says whose it is).
 */
export function bioRequest(ctx: AnalyzerContext, e: BlockRqEvent, req: ReqRecord): boolean {
  const s = ctx.layers;
  if (s.bios.size === 0) return false;
  const key = `${e.dev.major}:${e.dev.minor}:${e.sector}`;
  const owner = s.bios.get(key);
  if (!owner) return false;
  s.bios.delete(key);
  const dio = owner.dio;
  if (dio && ctx.unit === 'dio' && !req.dio && dio.bytesIssued < dio.length) {
    req.dio = dio;
    dio.requests.push(req);
    dio.bytesIssued += req.bytes;
  }
  // On a remap target: one I/O of that layer servicing the upper I/O, counted when it finishes.
  const dev = devColon(e.dev);
  if (s.below.get(dev)?.fn !== REMAP_LINK) return false;
  const upper = dio?.path ?? req.path;
  if (!upper) return true;
  const slots = slotsFor(s.gen, upper);
  if (slots.remapped) slots.remapped.push({ req, dev });
  else slots.remapped = [{ req, dev }];
  if (dio) return true;
  // Request unit: the request is the workload's I/O at the top device, submitted by the task that
  // queued the bio there (not by the target's thread, dmcrypt_write, that issued it).
  owner.path = upper;
  slots.bioTop = owner.dev;
  if (upper.submitterPid !== owner.pid) {
    if (upper.submitterPid !== undefined) unSubmit(ctx, upper.submitterPid);
    else ctx.io.submissions--;
    upper.submitterPid = owner.pid;
    upper.submitterComm = owner.comm;
    ctx.io.submissions++;
    noteSubmitter(ctx, owner.pid, owner.comm, e.cpu);
  }
  return true;
}

/**
 * A workload DIO finished: its requests on remap targets are that layer's I/Os (request unit),
 * counted on it as servicing the workload, each from its issue to its block completion.
 */
export function foldRemapped(ctx: AnalyzerContext, p: IoPath): void {
  const s = ctx.layers;
  const slots = slotsOf(s.gen, p);
  const reqs = slots?.remapped;
  if (!slots || !reqs) return;
  slots.remapped = undefined;
  for (const { req: r, dev } of reqs) {
    const c = r.complete;
    const lower: IoPath = { id: -1, unit: 'request', dir: r.dir, bytes: r.bytes, mode: 'unresolved', evidence: 'inferred', dev, sector: r.sector };
    if (r.issue) lower.issue = r.issue;
    if (r.issuerPid !== undefined) lower.submitterPid = r.issuerPid;
    if (r.issuerComm !== undefined) lower.submitterComm = r.issuerComm;
    if (c && r.completer) {
      lower.deviceComplete = c;
      lower.completion = { ts: c.ts, cpu: c.cpu, line: c.line, ctx: c.ctx, pid: r.completer.pid, comm: r.completer.comm };
      if (c.ctx === 'hardirq' || c.ctx === 'softirq') {
        lower.mode = 'irq-inline';
        lower.irqContext = c.ctx;
      } else if (c.ctx === 'task') {
        lower.mode = 'task-inline';
        lower.taskKind = r.completer.pid === r.issuerPid ? 'submitter' : 'other-task';
      } else lower.unresolvedReason = 'no_context';
    } else lower.unresolvedReason = 'trace_end';
    tallyOf(s, dev).servicing.add(lower);
  }
}
