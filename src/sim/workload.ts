import { SECTOR_BYTES } from '../model/events.js';
import { rwbs, type KernelPath, type ModelParts, type Submitter } from './kernel.js';
import type { SimParams } from './params.js';
import type { Rng } from '../stats/rng.js';
import { SLEEP, type Cpu, type Io, type Program, type Task } from './types.js';

/**
 * A fio job pinned to one CPU. fio's loop (backend.c do_io): while fewer than iodepth I/Os are in
 * flight, prepare one and submit it (io_submit / io_uring_enter with iodepth_batch_submit I/Os,
 * or one blocking pwrite for psync); when the queue is full, reap at least
 * iodepth_batch_complete_min completions (io_getevents blocks if none), then refill. Each I/O's
 * submission in the kernel is traced as iomap_dio_rw_begin → block_rq_issue → (the submit
 * reference drops) → iomap_dio_rw_queued, or completes right there if the device and its
 * interrupt were faster than the submitter.
 */

export interface Workload {
  task: Task;
  submitter: Submitter;
  finished(): boolean;
  submitted(): number;
  reaped(): number;
  fileSize(): number;
  /** Time fio finished (its last I/O reaped), 0 while running. */
  endNs(): number;
}

export interface WorkloadDeps extends ModelParts {
  rng: Rng;
  kernel: () => KernelPath;
  allocDio: () => number;
  /** The I/O was reaped by fio (or returned, for psync): its ground truth is final. */
  onDone: (io: Io) => void;
}

function iocbFlags(engine: SimParams['engine'], write: boolean, dsync: boolean): string {
  const f: string[] = [];
  if (dsync && write) f.push('DSYNC');
  if (engine === 'io_uring') f.push('NOWAIT');
  f.push('DIRECT');
  if (write) f.push('WRITE');
  if (engine === 'io_uring') f.push('ALLOC_CACHE');
  if (engine === 'libaio') f.push('AIO_RW');
  return f.join('|');
}

export function createWorkload(d: WorkloadDeps): Workload {
  const { engine, p, ev, sched, policy, device, rng } = d;
  const cpu = d.cpus.cpus[p.submitCpu] as Cpu;
  const dev = ev.dev;
  const iodepth = p.engine === 'psync' ? 1 : p.iodepth;
  const blocks = Math.floor(p.fileSize / p.bs);
  let size = p.fileSize;
  let seqNext = 0;
  let nextId = 0;
  let inflight = 0;
  let submitted = 0;
  let reaped = 0;
  let done = false;
  let endNs = 0;
  const ring: Io[] = [];
  let waitMin = Infinity;
  let syncWait: Io | null = null;

  const task = d.cpus.makeTask({ pid: p.fioPid, comm: 'fio', headerComm: 'fio', perfComm: 'fio', prio: 120, cpu: p.submitCpu, sleepState: 'S' }, fioProgram());
  // fio has been running before the trace starts: its vruntime is ahead of a long-sleeping
  // kworker's placement, as in steady state (otherwise the first millisecond would differ).
  task.vruntime = p.sleeperCreditNs + p.wakeupGranNs;

  function moreToSubmit(): boolean {
    return p.ios > 0 ? submitted < p.ios : engine.now() < p.durationNs;
  }

  function isWrite(): boolean {
    if (p.rw === 'randwrite' || p.rw === 'write') return true;
    if (p.rw === 'randread' || p.rw === 'read') return false;
    return rng.next() * 100 >= p.rwmixread;
  }

  function newIo(): Io {
    const write = isWrite();
    let offset: number;
    if (write && p.extent === 'extending') {
      offset = Math.max(size, seqNext);
      seqNext = offset + p.bs;
    } else if (p.rw === 'write' || p.rw === 'read') {
      offset = (seqNext % blocks) * p.bs;
      seqNext = (seqNext % blocks) + 1;
    } else offset = rng.int(blocks) * p.bs;
    const c = {
      write,
      syncKiocb: p.engine === 'psync',
      dsync: p.dsync,
      extent: write ? p.extent : ('overwrite' as const),
      pageCache: p.pageCacheProb > 0 && rng.next() < p.pageCacheProb,
      error: p.errorProb > 0 && rng.next() < p.errorProb,
      deviceFua: p.deviceFua,
    };
    return {
      id: nextId++,
      write,
      offset,
      bytes: p.bs,
      sector: p.fileStartSector + offset / SECTOR_BYTES,
      case: c,
      waits: policy.waits(c),
      fua: policy.fua(c),
      workAddr: d.allocDio(),
      iocbFlags: iocbFlags(p.engine, write, p.dsync),
      aio: p.engine === 'psync' ? 0 : 1,
      submitting: false,
      completedEarly: false,
      deviceDone: false,
      done: false,
      mode: null,
      irqCtx: '',
      reason: '',
      submitCpu: cpu.id,
      completeCpu: -1,
      tSubmit: -1,
      tIssue: -1,
      tDevice: -1,
      tIrq: -1,
      tBlockComplete: -1,
      tQueueWork: -1,
      tWakeup: -1,
      tSwitchIn: -1,
      tExecStart: -1,
      tExecEnd: -1,
      tComplete: -1,
      tReap: -1,
    };
  }

  function* completeInTask(io: Io): Program {
    d.kernel().completeEvent(cpu, io);
    yield p.dioCompleteNs;
    io.done = true;
    if (io.write && p.extent === 'extending') size = Math.max(size, io.offset + io.bytes);
    if (io.aio === 1) ring.push(io);
  }

  function* submitOne(io: Io): Program {
    io.tSubmit = engine.now();
    inflight++;
    submitted++;
    ev.put(cpu, false, 0, { kind: 'iomap_dio_rw_begin',
      dev,
      ino: d.inode,
      size,
      offset: io.offset,
      length: io.bytes,
      doneBefore: 0,
      iocbFlags: io.iocbFlags,
      dioFlags: policy.dioFlags(io.case),
      aio: io.aio,
    });
    yield p.submitPreIssueNs;
    io.tIssue = engine.now();
    ev.put(cpu, false, 0, { kind: 'block_rq_issue', dev, rwbs: rwbs(io), bytes: io.bytes, cmd: '', sector: io.sector, nrSector: io.bytes / SECTOR_BYTES, ioprio: 'be,0,4', issuer: 'fio' });
    io.submitting = true;
    const notify = device.submit(io, cpu.id);
    // A random kick draws from the rng only when it can happen, so runs without kicks stay as they were.
    // host-idle: a notify that lets the vCPU take a held interrupt exits only until it re-enters with it.
    const trapNs = p.kickWhen === 'host-idle' ? (notify === 'trap' ? p.kickNs : notify === 'release' ? p.irqDelayNs : 0) : p.kickProb > 0 && rng.next() < p.kickProb ? p.kickNs : 0;
    task.inNotify = trapNs > 0 && p.kickWhen === 'host-idle';
    yield p.submitPostIssueNs + trapNs;
    task.inNotify = false;
    io.submitting = false;
    if (io.completedEarly) {
      yield* completeInTask(io);
    } else if (io.waits) {
      while (io.mode === null) {
        syncWait = io;
        task.sleepState = 'D';
        yield SLEEP;
      }
      syncWait = null;
      yield* completeInTask(io);
    } else {
      ev.put(cpu, false, 0, { kind: 'iomap_dio_rw_queued', dev, ino: d.inode, size, offset: io.offset + io.bytes, length: 0 });
    }
  }

  function finishIo(io: Io): void {
    io.tReap = engine.now();
    inflight--;
    reaped++;
    d.onDone(io);
  }

  function* reap(): Program {
    const min = Math.min(p.reapMin, inflight);
    const fromUserRing = p.engine === 'io_uring' && ring.length >= min;
    if (!fromUserRing) {
      task.inUser = false;
      yield p.syscallNs / 2;
      while (ring.length < min) {
        waitMin = min;
        task.sleepState = 'S';
        yield SLEEP;
      }
      waitMin = Infinity;
    }
    const got = ring.splice(0, Math.min(ring.length, iodepth));
    yield p.reapPerEventNs * got.length;
    if (!fromUserRing) yield p.syscallNs / 2;
    task.inUser = true;
    for (const io of got) {
      finishIo(io);
      yield p.fioCompletionNs;
    }
  }

  function* fioProgram(): Program {
    task.inUser = true;
    while (moreToSubmit() || inflight > 0) {
      if (moreToSubmit() && inflight < iodepth) {
        const n = Math.max(1, Math.min(p.submitBatch, iodepth - inflight, p.ios > 0 ? p.ios - submitted : Infinity));
        yield p.fioPrepNs * n;
        task.inUser = false;
        yield p.syscallNs / 2;
        const batch: Io[] = [];
        for (let i = 0; i < n; i++) {
          const io = newIo();
          batch.push(io);
          yield* submitOne(io);
        }
        yield p.syscallNs / 2;
        task.inUser = true;
        if (p.engine === 'psync') {
          for (const io of batch) {
            finishIo(io);
            yield p.fioCompletionNs;
          }
        }
      } else yield* reap();
    }
    done = true;
    endNs = engine.now();
  }

  const submitter: Submitter = {
    *deliver(wcpu, io) {
      if (io.write && p.extent === 'extending') size = Math.max(size, io.offset + io.bytes);
      ring.push(io);
      if (task.state === 'sleeping' && ring.length >= waitMin) yield* sched.wake(wcpu, task);
    },
    *wakeWaiter(wcpu, io) {
      if (syncWait === io && task.state === 'sleeping') yield* sched.wake(wcpu, task);
    },
  };

  return { task, submitter, finished: () => done, submitted: () => submitted, reaped: () => reaped, fileSize: () => size, endNs: () => endNs };
}
