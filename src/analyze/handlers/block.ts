import { BLOCK_TIMEOUT_NS, rwbsDirection, rwbsKind } from '../../kernel/block.js';
import type { EventContext } from '../../kernel/cpu-context.js';
import type { BlockRqCompleteEvent, BlockRqEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { pushFifo, takeFifo } from '../fifo.js';
import { newRequestPath, requestCompleted } from '../io-request.js';
import { stage, type ReqRecord } from '../records.js';
import { requestKey } from './block-state.js';
import { layersIssue } from '../layers/track.js';
import { startWindow } from './cpu-time.js';
import { devComma } from '../dev-names.js';

/**
 * Block requests: block_rq_issue is paired with the block_rq_complete of the same device and
 * sector, oldest first (a sector is reused as soon as its request ends, so a dictionary of the
 * latest issue per sector would pair a completion with the wrong I/O). A partial completion
 * (`nr_sector` smaller than issued) leaves the rest outstanding at the advanced sector.
 *
 *   `block_rq_issue: 254,0 WS 4096 () 46699392 + 8 be,0,4 [fio]`
 *   `block_rq_complete: 254,0 WS () 46699392 + 8 be,0,4 [0]`
 *
 * Its state is block-state.ts.
 */

export function handleIssue(ctx: AnalyzerContext, e: BlockRqEvent, ectx: EventContext): void {
  // block_rq_insert precedes issue for scheduler-queued requests; only issue starts the device time.
  if (e.kind !== 'block_rq_issue') return;
  const b = ctx.block;
  // Flushes, discards and write-zeroes move no data: counted apart, never as I/Os or in MB/s.
  const kind = e.nrSector === 0 ? 'flush' : rwbsKind(e.rwbs);
  if (kind !== 'data') b.nonData[kind]++;
  // Zero-length requests (flushes) complete with sector -1: nothing to pair.
  if (e.nrSector === 0) return;
  const req: ReqRecord = {
    key: requestKey(b, e.dev.major, e.dev.minor, e.sector),
    sector: e.sector,
    nrSector: e.nrSector,
    bytes: e.bytes > 0 ? e.bytes : e.nrSector * 512,
    dir: rwbsDirection(e.rwbs),
    issue: stage(e.ts, e.cpu, e.line),
    tainted: false,
    issuerBlocked: false,
    latestOfIssuer: false,
    soleOfIssuer: false,
    issuerRunning: false,
    // Set later, declared now: fields added to a literal one by one copy its field array each time.
    issuerPid: undefined,
    issuerComm: undefined,
    complete: undefined,
    completer: undefined,
    dio: undefined,
    path: undefined,
  };
  // 'unknown' (no flags, no interrupt seen yet) is taken as task context: issues run in tasks
  // unless something says otherwise.
  if (ectx === 'task' || ectx === 'unknown') {
    req.issuerPid = e.pid;
    req.issuerComm = e.comm;
    b.lastIssued.set(e.pid, req);
    ctx.sched.blocked.delete(e.pid); // it runs: any earlier sleep is over
    b.inFlightByIssuer.set(e.pid, (b.inFlightByIssuer.get(e.pid) ?? 0) + 1);
  }
  pushFifo(b.requests, req.key, req);
  if (ctx.unit === 'dio') {
    // Link to the DIO its task is submitting right now (rw_begin … rw_queued on the same pid).
    const dio = ectx === 'task' || ectx === 'unknown' ? ctx.iomap.submitting.get(e.pid) : undefined;
    // (No device check: iomap prints the filesystem's device, block events the whole disk.)
    if (dio && dio.bytesIssued < dio.length) {
      req.dio = dio;
      dio.requests.push(req);
      dio.bytesIssued += req.bytes;
    }
  } else if (!e.rwbs.includes('A') && kind === 'data') {
    // Readahead (rwbs `RA`) is page-cache I/O the kernel starts by itself, not a request of the
    // workload: it is paired (so its completion is not an orphan) but not counted as an I/O.
    startWindow(ctx, e.ts);
    newRequestPath(ctx, req, e);
  }
  layersIssue(ctx, e, req, ectx);
}

export function handleComplete(ctx: AnalyzerContext, e: BlockRqCompleteEvent, ectx: EventContext): void {
  if (e.nrSector === 0) return;
  const b = ctx.block;
  const key = requestKey(b, e.dev.major, e.dev.minor, e.sector);
  // Never pair with a request of another direction, or one smaller than what completed, or one
  // issued longer ago than the block layer's timeout: that is another request at the same sector.
  const dir = rwbsDirection(e.rwbs);
  let req = takeFifo(b.requests, key, (r) => r.dir === dir && r.nrSector >= e.nrSector && (r.issue === undefined || e.ts - r.issue.ts <= BLOCK_TIMEOUT_NS));
  if (!req && rwbsKind(e.rwbs) !== 'data') return; // a discard or other no-data op: not an I/O
  if (!req) {
    // Issued before the trace began (or its issue was lost): still a completion on this CPU.
    ctx.diagnostics.add('unmatched_complete', e.line, `block_rq_complete of sector ${e.sector} has no issue in the trace`);
    req = { key, dev: devComma(e.dev), sector: e.sector, nrSector: e.nrSector, bytes: e.nrSector * 512, dir: rwbsDirection(e.rwbs), tainted: false, issuerBlocked: false, latestOfIssuer: false, soleOfIssuer: false, issuerRunning: false };
  } else if (e.nrSector < req.nrSector) {
    // Partial completion: the rest stays outstanding at the next sector, as the same request.
    req.sector = e.sector + e.nrSector;
    req.nrSector -= e.nrSector;
    req.key = requestKey(b, e.dev.major, e.dev.minor, req.sector);
    pushFifo(b.requests, req.key, req);
    return;
  }
  req.complete = { ts: e.ts, cpu: e.cpu, line: e.line, ctx: ectx };
  req.completer = { pid: e.pid, comm: e.comm };
  const c = cpuOf(ctx, e.cpu);
  const pid = req.issuerPid;
  if (pid !== undefined) {
    if (ctx.sched.blocked.has(pid)) req.issuerBlocked = true;
    req.issuerRunning = ctx.cpus.some((o) => o !== undefined && o.curPid === pid && (o !== c || ectx !== 'task'));
    req.latestOfIssuer = b.lastIssued.get(pid) === req;
    const left = (b.inFlightByIssuer.get(pid) ?? 1) - 1;
    if (left > 0) b.inFlightByIssuer.set(pid, left);
    else b.inFlightByIssuer.delete(pid);
    req.soleOfIssuer = left === 0;
  }
  c.lastComplete = { req, invocation: c.invocation };
  b.irqCompletions.set(e.cpu, (b.irqCompletions.get(e.cpu) ?? 0) + 1);
  requestCompleted(ctx, req, c);
}
