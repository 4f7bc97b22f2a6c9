import { IOMAP_DIO_WORK, LEGACY_DIO_WORK } from '../../kernel/work-functions.js';
import { NS_PER_S } from '../../model/time.js';
import type { PolicyName, RwMode } from '../../sim/params.js';
import type { IoPass } from '../collect/io-pass.js';
import type { WalkResult } from '../collect/walk-result.js';
import { modeOf, SECTOR_BYTES } from '../collect/workload-scan.js';
import { byDefault, measured, MIN_SAMPLES } from './calibrated-values.js';
import type { CalibratedValues } from './model-file.js';

/**
 * The fio job, the CPU layout, the kernel's completion policy and the names printed in the trace.
 * The fio job comes from the submitter's own submissions (collect/workload-scan.ts); the layout
 * from where the submitter, the device interrupt and the DIO kworkers ran.
 */

/** Share of reads from which the job is a read job, and up to which a write job; between, randrw. */
const READ_JOB_FROM = 0.95;
const WRITE_JOB_UP_TO = 0.05;

export function workloadValues(io: IoPass, w: WalkResult, cpusHeader: number | undefined, irq: number | null): CalibratedValues {
  const v: CalibratedValues = {};
  const s = w.workload;
  const n = s.begins > 0 ? s.begins : s.issues;
  const from = s.begins > 0 ? 'iomap_dio_rw_begin of the submitter' : 'block_rq_issue of the submitter (no iomap events)';
  if (s.begins > 0) {
    const engine = s.sync > s.libaio + s.ioUring ? 'psync' : s.ioUring > s.libaio ? 'io_uring' : 'libaio';
    v.engine = measured(engine, n, `${from}: aio 0 is a synchronous call (psync), iocb flag AIO_RW libaio, NOWAIT/ALLOC_CACHE io_uring`);
    v.dsync = measured(s.dsync * 2 > n, n, `${from}: share with iocb flag DSYNC above half`);
    v.extent = measured(s.forceWait * 2 > n ? 'extending' : 'overwrite', n, `${from}: dio_flags DIO_FORCE_WAIT (extending writes) above half, else overwrite; unwritten extents look like overwrites in these events`);
    v.fileSize = measured(s.maxFileSize, n, `${from}: largest i_size printed`);
  } else {
    v.engine = byDefault('engine', 'No iomap_dio_rw_begin: the iocb flags are not in the trace.');
    v.dsync = byDefault('dsync', 'No iomap_dio_rw_begin: the iocb flags are not in the trace.');
    v.extent = byDefault('extent', 'No iomap_dio_rw_begin: the extent state is not in the trace.');
    v.fileSize = byDefault('fileSize', 'No iomap_dio_rw_begin: i_size is not in the trace.');
  }
  // Direction from the block requests when there are any: a synchronous DIO's iocb flags carry
  // no WRITE, so iomap_dio_rw_begin alone would call every psync write a read.
  const fromIssues = s.issueReads + s.issueWrites > 0;
  const reads = fromIssues ? s.issueReads / (s.issueReads + s.issueWrites) : s.reads / Math.max(1, s.reads + s.writes);
  const seq = s.sequential / Math.max(1, n);
  let rw: RwMode = reads >= READ_JOB_FROM ? 'randread' : reads <= WRITE_JOB_UP_TO ? 'randwrite' : 'randrw';
  if (rw !== 'randrw' && seq > 0.5) rw = rw === 'randread' ? 'read' : 'write';
  v.rw = measured(rw, n, `${fromIssues ? 'block_rq_issue of the submitter (rwbs)' : from}: reads ${(100 * reads).toFixed(1)}%; ${from}: offsets following the previous ${(100 * seq).toFixed(1)}% (sequential above half)`);
  v.rwmixread = rw === 'randrw' ? measured(Math.round(100 * reads), n, `${from}: percent of reads`) : byDefault('rwmixread', 'Only used for randrw.');
  const bs = modeOf(s.lengths);
  v.bs = bs !== undefined && bs % SECTOR_BYTES === 0 && bs > 0 ? measured(bs, n, `${from}: most frequent length`) : byDefault('bs', 'No submissions with a length.');
  v.iodepth =
    io.maxInFlight > 0
      ? measured(io.maxInFlight, io.analysis.ios.total, 'most of the submitter\'s I/Os between submission and completion at once (fio blocks only with iodepth I/Os unreaped, so whenever it blocked this many were in the kernel)')
      : byDefault('iodepth', 'No I/O was followed from submission to completion.');
  v.ios = measured(Math.max(1, io.analysis.ios.total), io.analysis.ios.total, 'I/Os followed in the trace');
  v.durationNs = byDefault('durationNs', 'The model runs a number of I/Os.');
  v.submitBatch = byDefault('submitBatch', 'One io_submit per I/O or several look alike without syscall events.');
  v.reapMin = byDefault('reapMin', 'io_getevents\' min_nr is not traced.');

  const cpus = Math.max(cpusHeader ?? 0, w.cpus, 1);
  v.cpus = measured(cpus, 1, cpusHeader !== undefined ? 'the trace header\'s CPU count (#P)' : 'highest CPU number seen plus one');
  const sub = io.submitter;
  const subCpu = w.workload.begins > 0 ? w.submitCpu : (sub?.cpu ?? 0);
  v.submitCpu = sub !== null ? measured(Math.min(subCpu, cpus - 1), sub.ios, `CPU the submitter ${sub.comm}-${sub.pid} submitted most I/Os on`) : byDefault('submitCpu', 'No submitter found.');
  const irqCpu = [...io.analysis.irqCpus].sort((a, b) => b.completions - a.completions)[0];
  v.irqCpu = irqCpu !== undefined ? measured(Math.min(irqCpu.cpu, cpus - 1), irqCpu.completions, 'CPU that ran most block completions in interrupt context') : byDefault('irqCpu', 'No completion in interrupt context.');
  const ctx = w.kernel.completeCtx;
  v.deviceCompletion = ctx.hardirq + ctx.softirq > 0 ? measured(ctx.softirq > ctx.hardirq ? 'softirq' : 'hardirq', ctx.hardirq + ctx.softirq, `context of block_rq_complete: hardirq ${ctx.hardirq}, softirq ${ctx.softirq}`) : byDefault('deviceCompletion', 'No block completion in interrupt context.');
  v.kernel = policy(io, w);

  Object.assign(v, names(io, w, irq));
  return v;
}

/** The completion policy from where the submitter's writes completed and which work function ran. */
function policy(io: IoPass, w: WalkResult): CalibratedValues[keyof CalibratedValues] {
  const W = io.modesByDir.W;
  const deferred = W['kworker-deferred'] ?? 0;
  const inline = W['irq-inline'] ?? 0;
  const hasIomap = w.workload.begins > 0;
  const legacyFn = (w.workFunctions.get(LEGACY_DIO_WORK) ?? 0) > (w.workFunctions.get(IOMAP_DIO_WORK) ?? 0);
  const k: PolicyName = deferred + inline < MIN_SAMPLES ? 'iomap-5.10' : deferred > inline ? (legacyFn ? 'legacy-4.18' : 'iomap-5.10') : hasIomap ? 'mainline-6.19' : 'legacy-4.18';
  if (deferred + inline < MIN_SAMPLES) {
    return {
      value: k,
      samples: deferred + inline,
      source: 'default',
      how: `Too few asynchronous writes completed in an interrupt or a kworker to tell the policy${hasIomap ? '; iomap events date the kernel to 6.4 or later, and 6.4–6.18 defer every async write (iomap-5.10 policy)' : ''}.`,
    };
  }
  const why = deferred > inline ? 'writes completed in a DIO kworker' : hasIomap ? 'writes completed in the interrupt, with iomap events (6.4+): 6.19 or the RFC patch (they agree for overwrites)' : 'writes completed in the interrupt, without iomap events (fs/direct-io.c)';
  return measured(k, deferred + inline, `${why}: kworker-deferred ${deferred}, irq-inline ${inline}`);
}

/** Names the simulated trace prints, taken from the trace so both look alike. */
function names(io: IoPass, w: WalkResult, irq: number | null): CalibratedValues {
  const v: CalibratedValues = {};
  const dev = w.workload.dev;
  if (dev !== null) {
    v.devMajor = measured(dev.major, w.workload.issues, 'device of the submitter\'s block_rq_issue');
    v.devMinor = measured(dev.minor, w.workload.issues, 'device of the submitter\'s block_rq_issue');
  }
  const wq = w.workqueueName;
  if (wq !== null && wq.startsWith('dio/')) v.devName = measured(wq.slice(4), 1, 'name of the dio/<disk> workqueue');
  if (irq !== null) {
    v.irqNumber = measured(irq, 1, 'irq number that delivered most block completions');
    const name = w.irqNames.get(irq);
    if (name !== undefined) v.irqName = measured(name, 1, 'its irq_handler_entry name');
  }
  if (io.submitter !== null) v.fioPid = measured(io.submitter.pid, io.submitter.ios, 'pid of the submitter');
  const kw = [...io.analysis.kworkers].sort((a, b) => b.items - a.items)[0];
  const m = kw !== undefined ? /^kworker\/(\d+):(\d+)/.exec(kw.comm) : null;
  if (kw !== undefined && m !== null) {
    v.kworkerIndex = measured(Number(m[2]), kw.items, `worker number of ${kw.comm}, the kworker that ran most DIO completions`);
    v.kworkerPidBase = measured(Math.max(0, kw.pid - Number(m[1])), kw.items, `its pid less its CPU`);
  }
  const start = modeOf(w.workload.fileStart);
  if (start !== undefined && start >= 0) v.fileStartSector = measured(start, w.workload.fileStart.get(start) ?? 0, `block_rq_issue sector less iomap_dio_rw_begin offset / ${SECTOR_BYTES} (most frequent)`);
  if (Number.isFinite(w.firstTs)) v.startSec = measured(Math.floor(w.firstTs / NS_PER_S), 1, 'second of the first event');
  return v;
}
