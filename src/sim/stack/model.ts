import { SECTOR_BYTES, type TraceEvent } from '../../model/events.js';
import { NS_PER_S } from '../../model/time.js';
import { createRng } from '../../stats/rng.js';
import { createEngine, type Engine } from '../engine.js';
import { createDisk, type Disk } from './disk.js';
import { CRYPT_START_SECTOR, devText, DM_START_SECTOR, stackDevices, type DeviceInfo } from './layers.js';
import type { StackParams } from './presets.js';
import { createTimeline, type Seg, type SimTask, type Timeline } from './timeline.js';
import type { Hop, LayerStage, LayerUnit, StackTruthRow } from './truth.js';
import { createWorkers, type Worker } from './workers.js';

/**
 * The stacked model: fio jobs submit DIOs on the top device; each stack carries them down to the
 * disk and back up through the contexts the kernel uses (see presets.ts for each path). Only I/Os
 * in flight are held: a workload I/O's truth rows leave when fio reaps it.
 * Longer than most files: the four stacks' paths share the layer events and the completion
 * helpers, and each path reads top to bottom here, submission to reap.
 */

interface SIo {
  id: number;
  job: Job;
  write: boolean;
  offset: number;
  bytes: number;
  /** Sector on the top device. */
  sector: number;
  /** fio lays out a file per job (numjobs: `<name>.<job>.0`), so each job has its inode. */
  ino: string;
  row: StackTruthRow;
  lower: StackTruthRow[];
}

interface Job {
  id: number;
  cpu: number;
  task: SimTask;
  submitted: number;
  inflight: number;
  ring: SIo[];
  armed: boolean;
  rng: ReturnType<typeof createRng>;
  /** Offsets in flight. */
  busy: Set<number>;
}

export interface StackModel {
  engine: Engine;
  tl: Timeline;
  done(): boolean;
}

const rwbs = (write: boolean): string => (write ? 'WS' : 'RS');
const who = (t: SimTask): string => `${t.pid === 0 ? '<idle>' : t.comm}-${t.pid}`;
/** Raw address of a per-I/O work struct (slot `i` of a kmalloc cache). */
const ptr = (base: number, i: number): string => `0xffff8881${((base + (i % 65536) * 0x80) >>> 0).toString(16).padStart(8, '0')}`;

export function createStackModel(p: StackParams, seed: number, out: (e: TraceEvent) => void, onDone: (rows: StackTruthRow[]) => void): StackModel {
  const engine = createEngine(0);
  const startNs = p.startSec * NS_PER_S;
  const tl = createTimeline(engine, p.cpus, startNs, out);
  const rng = createRng(seed, 'xoshiro128**');
  const devs = stackDevices(p.stack, p.fileSize);
  const { top, disk: lowDev } = devs;
  const nrCpus = p.cpus <= 8 ? 256 : 8192; // WORK_CPU_UNBOUND prints as NR_CPUS
  const disk: Disk = createDisk(engine, tl, rng.fork('disk'), {
    queues: p.perCpuQueues ? p.cpus : 1,
    perCpuQueues: p.perCpuQueues,
    irqCpu: p.irqCpu,
    completion: p.completion,
    serviceMedianNs: p.serviceMedianNs,
    serviceSigma: p.serviceSigma,
    irqDelayNs: p.irqDelayNs,
    irqNumber: (q) => (p.perCpuQueues ? 131 + q : 36),
    irqName: (q) => (p.perCpuQueues ? `nvme0q${q + 1}` : 'virtio1-req.0'),
  });
  const ksoftirqd = (cpu: number): SimTask => ({ pid: 15 + 7 * cpu, comm: `ksoftirqd/${cpu}`, prio: 120, sleepState: 'S' });
  const workers = createWorkers({
    engine,
    tl,
    wakeNs: p.wakeNs,
    cpus: p.cpus,
    workItemNs: p.workItemNs,
    // A softirq raised in a kworker (loop's completion of its request) runs in ksoftirqd next.
    after: (s) => {
      if (!disk.blockPending(s.cpu)) return;
      s.switchTo(ksoftirqd(s.cpu));
      disk.runBlock(s);
    },
  });
  const bound: Worker[] = Array.from({ length: p.cpus }, (_, c) => ({ task: { pid: 40 + 4 * c, comm: `kworker/${c}:1`, prio: 120, sleepState: 'I' }, cpu: c, traced: true, items: [], armed: false }));
  const unbound = (pid: number, comm: string, traced = true, prio = 120): Worker => ({ task: { pid, comm, prio, sleepState: traced ? 'I' : 'S' }, cpu: null, traced, items: [], armed: false });
  const loopWorker = unbound(7293, `kworker/u${2 * p.cpus}:3`);
  const kcryptd = unbound(7301, `kworker/u${2 * p.cpus + 1}:1H`, true, 100);
  // The kthread's name is dmcrypt_write/253:0, cut to TASK_COMM_LEN - 1.
  const cryptWriter = unbound(7310, `dmcrypt_write/${top.dev.major}:${top.dev.minor}`.slice(0, 15), false);

  const jobs: Job[] = Array.from({ length: p.jobs }, (_, j) => ({
    id: j,
    cpu: (p.jobCpu0 + j * p.jobStride) % p.cpus,
    task: { pid: 9000 + j, comm: 'fio', prio: 120, sleepState: 'S' },
    submitted: 0,
    inflight: 0,
    ring: [],
    armed: false,
    rng: rng.fork('job', j),
    busy: new Set<number>(),
  }));
  let nextId = 0;
  let live = p.jobs;
  const blocks = Math.floor(p.fileSize / p.bs);

  function stage(s: Seg, d: DeviceInfo, unit: LayerUnit): LayerStage {
    return { device: devText(d.dev), name: d.name, role: d.role, unit, submitter: who(s.task), submitCpu: s.cpu, submitNs: s.t + startNs, issueNs: null, completeNs: null, completeCtx: null, completeTask: null, completeCpu: null };
  }
  /** Records a layer's completion, at `ts` (engine ns: the instant its completion event was written). */
  function done(s: Seg, st: LayerStage, ts: number): void {
    st.completeNs = ts + startNs;
    st.completeCtx = s.ctx === 'nmi' ? null : s.ctx;
    st.completeTask = who(s.task);
    st.completeCpu = s.cpu;
  }
  const hop = (fn: string, wq: string, d: DeviceInfo): Hop => ({ function: fn, workqueue: wq, device: devText(d.dev), queueNs: 0, queueCpu: -1, startNs: null, endNs: null, worker: null, cpu: null });
  const rel = (h: Hop): Hop => ({ ...h, queueNs: h.queueNs + startNs, startNs: h.startNs === null ? null : h.startNs + startNs, endNs: h.endNs === null ? null : h.endNs + startNs });

  // --- events of one layer ---
  function dioBegin(s: Seg, d: DeviceInfo, ino: string, offset: number, bytes: number, flags: string): void {
    s.put({ kind: 'iomap_dio_rw_begin', dev: d.dev, ino, size: d.size, offset, length: bytes, doneBefore: 0, iocbFlags: flags, dioFlags: '', aio: 1 });
    s.spend(p.submitNs / 3);
  }
  function dioQueued(s: Seg, d: DeviceInfo, ino: string, offset: number, bytes: number): void {
    s.put({ kind: 'iomap_dio_rw_queued', dev: d.dev, ino, size: d.size, offset: offset + bytes, length: 0 });
  }
  function dioComplete(s: Seg, d: DeviceInfo, ino: string, offset: number, bytes: number, flags: string): number {
    const ts = s.t;
    s.put({ kind: 'iomap_dio_complete', dev: d.dev, ino, size: d.size, offset: offset + bytes, iocbFlags: flags, aio: 1, error: 0, ret: bytes });
    s.spend(p.completeNs / 2);
    return ts;
  }
  function bioQueue(s: Seg, d: DeviceInfo, write: boolean, sector: number, bytes: number): void {
    const comm = s.task.pid === 0 ? `swapper/${s.cpu}` : s.task.comm;
    s.put({ kind: 'block_bio_queue', dev: d.dev, rwbs: rwbs(write), sector, nrSector: bytes / SECTOR_BYTES, issuer: comm });
  }
  function bioRemap(s: Seg, to: DeviceInfo, from: DeviceInfo, write: boolean, sector: number, fromSector: number, bytes: number): void {
    s.put({ kind: 'block_bio_remap', dev: to.dev, rwbs: rwbs(write), sector, nrSector: bytes / SECTOR_BYTES, fromDev: from.dev, fromSector });
  }
  function bioComplete(s: Seg, d: DeviceInfo, write: boolean, sector: number, bytes: number): number {
    const ts = s.t;
    s.put({ kind: 'block_bio_complete', dev: d.dev, rwbs: rwbs(write), sector, nrSector: bytes / SECTOR_BYTES, error: 0 });
    return ts;
  }
  function rqIssue(s: Seg, d: DeviceInfo, write: boolean, sector: number, bytes: number): void {
    s.put({ kind: 'block_rq_issue', dev: d.dev, rwbs: rwbs(write), bytes, cmd: '', sector, nrSector: bytes / SECTOR_BYTES, ioprio: 'be,0,4', issuer: s.task.comm });
    s.spend(p.submitNs / 3);
  }
  function rqComplete(s: Seg, d: DeviceInfo, write: boolean, sector: number, bytes: number): number {
    const ts = s.t;
    s.put({ kind: 'block_rq_complete', dev: d.dev, rwbs: rwbs(write), cmd: '', sector, nrSector: bytes / SECTOR_BYTES, ioprio: 'be,0,4', error: 0 });
    s.spend(p.completeNs / 2);
    return ts;
  }
  /** A request on the disk from segment `s`; `then` runs in its completion context. */
  function diskRq(s: Seg, io: SIo, sector: number, stages: LayerStage[], then: (s: Seg) => void): void {
    const st = stage(s, lowDev, 'request');
    stages.push(st);
    rqIssue(s, lowDev, io.write, sector, io.bytes);
    st.issueNs = s.t + startNs;
    disk.submit({ queue: p.perCpuQueues ? s.cpu : 0, complete: (c) => {
      done(c, st, rqComplete(c, lowDev, io.write, sector, io.bytes));
      then(c);
    } }, s.t);
  }

  // --- the top DIO's completion: writes defer to dio/<top>, reads complete where they are ---
  const topFlags = (io: SIo): string => (io.write ? 'DIRECT|WRITE|AIO_RW' : 'DIRECT|AIO_RW');
  function topDioDone(s: Seg, io: SIo): void {
    if (!io.write) return finalComplete(s, io);
    const h = hop('iomap_dio_complete_work', `dio/${top.name}`, top);
    io.row.hops.push(h);
    workers.queue(s, bound[s.cpu] as Worker, { work: ptr(0x35791000, io.id), fn: 'iomap_dio_complete_work', run: (w) => finalComplete(w, io), hop: h }, `dio/${top.name}`, nrCpus);
  }
  function finalComplete(s: Seg, io: SIo): void {
    const ts = dioComplete(s, top, io.ino, io.offset, io.bytes, topFlags(io));
    const r = io.row;
    done(s, r.layers[0] as LayerStage, ts);
    r.completeNs = ts + startNs;
    r.completeCtx = s.ctx === 'nmi' ? null : s.ctx;
    r.completeTask = who(s.task);
    r.completeCpu = s.cpu;
    r.mode = s.ctx !== 'task' ? 'irq-inline' : s.task.comm.startsWith('kworker/') ? 'kworker-deferred' : 'task-inline';
    const job = io.job;
    job.ring.push(io);
    if (!job.armed) {
      job.armed = true;
      const t = job.task;
      s.put({ kind: 'sched_waking', targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu: job.cpu, form: 'kernel' }, true, 3);
      s.put({ kind: 'sched_wakeup', targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu: job.cpu, form: 'kernel' }, true, 4);
      engine.schedule(s.t + p.wakeNs, 2, () => fioRun(job));
    }
  }

  // --- loop: one work item serves every command queued while it is pending (loop_queue_work) ---
  const loopCmds: { io: SIo; ts: number; cpu: number; task: SimTask; st: LayerStage }[] = [];
  let loopPending = false;
  const LOOP_WORK = '0xffff888104a2c838';
  function loopQueue(s: Seg): void {
    workers.queue(s, loopWorker, { work: LOOP_WORK, fn: 'loop_rootcg_workfn', run: loopWorkfn, hop: null }, top.name, nrCpus);
  }
  function loopWorkfn(s: Seg): void {
    loopPending = false;
    loopCmds.sort((a, b) => a.ts - b.ts);
    let n = 0;
    while (n < loopCmds.length && (loopCmds[n]?.ts ?? Infinity) <= s.t) n++;
    const mine = loopCmds.splice(0, n);
    if (loopCmds.length > 0) {
      // A command queued after this run began queued the work again (it was no longer pending).
      const c = loopCmds[0] as (typeof loopCmds)[number];
      tl.reserveAt(c.cpu, c.ts, c.task, (s2) => loopQueue(s2));
      loopPending = true;
    }
    for (const c of mine) loopDio(s, c.io);
  }
  function loopDio(s: Seg, io: SIo): void {
    // lo_rw_aio: a kiocb of its own on the backing file (IOCB_DIRECT only), at the request's byte offset.
    const off = io.sector * SECTOR_BYTES;
    const low = lowerRow(s, io, off);
    const dst = stage(s, lowDev, 'dio');
    low.layers.push(dst);
    io.row.layers.push(dst);
    dioBegin(s, lowDev, lowDev.ino, off, io.bytes, 'DIRECT');
    const sector = lowDev.fileStartSector + off / SECTOR_BYTES;
    bioQueue(s, lowDev, io.write, sector, io.bytes);
    diskRq(s, io, sector, low.layers, (c) => backingDone(c, io, low, dst, off));
    io.row.layers.push(low.layers[1] as LayerStage);
    dioQueued(s, lowDev, lowDev.ino, off, io.bytes);
  }
  function backingDone(s: Seg, io: SIo, low: StackTruthRow, dst: LayerStage, off: number): void {
    const finish = (c: Seg): void => {
      const ts = dioComplete(c, lowDev, lowDev.ino, off, io.bytes, 'DIRECT');
      done(c, dst, ts);
      low.completeNs = ts + startNs;
      low.completeCtx = c.ctx === 'nmi' ? null : c.ctx;
      low.completeTask = who(c.task);
      low.completeCpu = c.cpu;
      // lo_rw_aio_complete → blk_mq_complete_request: loop has one hardware queue, so the
      // request completes in the BLOCK softirq of this CPU.
      disk.raiseBlock(c.cpu, (b) => {
        done(b, io.row.layers[1] as LayerStage, rqComplete(b, top, io.write, io.sector, io.bytes));
        topDioDone(b, io);
      });
    };
    if (!io.write) return finish(s);
    const h = hop('iomap_dio_complete_work', `dio/${lowDev.name}`, lowDev);
    io.row.hops.push(h);
    low.hops.push(h);
    workers.queue(s, bound[s.cpu] as Worker, { work: ptr(0x3a000000, io.id), fn: 'iomap_dio_complete_work', run: finish, hop: h }, `dio/${lowDev.name}`, nrCpus);
  }
  function lowerRow(s: Seg, io: SIo, offset: number): StackTruthRow {
    const r: StackTruthRow = { role: 'lower', id: nextId++, parent: io.id, job: io.job.id, op: io.write ? 'write' : 'read', offset, bytes: io.bytes, submitter: who(s.task), submitCpu: s.cpu, mode: null, completeCtx: null, completeTask: null, completeCpu: null, submitNs: s.t + startNs, completeNs: null, reapNs: null, hops: [], layers: [] };
    io.lower.push(r);
    return r;
  }

  // --- dm: the clone on the disk, and the dm-0 bio's completion ---
  function dmClone(s: Seg, io: SIo, bio: LayerStage, start: number, then: (c: Seg) => void): void {
    const sector = start + io.sector;
    bioRemap(s, lowDev, top, io.write, sector, io.sector, io.bytes);
    bio.issueNs = s.t + startNs;
    bioQueue(s, lowDev, io.write, sector, io.bytes);
    diskRq(s, io, sector, io.row.layers, then);
  }
  function dmBioDone(s: Seg, io: SIo): void {
    done(s, io.row.layers[1] as LayerStage, bioComplete(s, top, io.write, io.sector, io.bytes));
    topDioDone(s, io);
  }
  function cryptWork(io: SIo, run: (s: Seg) => void, completion: boolean): { work: string; fn: string; run: (s: Seg) => void; hop: Hop | null } {
    const h = completion ? hop('kcryptd_crypt', `kcryptd/${devText(top.dev)}`, lowDev) : null;
    if (h !== null) io.row.hops.push(h);
    return { work: ptr(0x3c000000, io.id), fn: 'kcryptd_crypt', run, hop: h };
  }

  // --- submission of one workload I/O from fio's segment ---
  function submit(s: Seg, job: Job): void {
    const write = job.rng.next() * 100 >= p.readPct;
    // fio's random map (norandommap off) never issues a block twice in a pass: at least, never
    // one that is still in flight.
    let offset = job.rng.int(blocks) * p.bs;
    while (job.busy.has(offset)) offset = job.rng.int(blocks) * p.bs;
    job.busy.add(offset);
    const fileStart = top.fileStartSector + job.id * (p.fileSize / SECTOR_BYTES);
    const ino = `0x${(Number(top.ino) + job.id).toString(16)}`;
    const io: SIo = { id: nextId++, job, write, offset, bytes: p.bs, sector: fileStart + offset / SECTOR_BYTES, ino, row: null as unknown as StackTruthRow, lower: [] };
    io.row = { role: 'workload', id: io.id, parent: null, job: job.id, op: write ? 'write' : 'read', offset, bytes: p.bs, submitter: who(job.task), submitCpu: s.cpu, mode: null, completeCtx: null, completeTask: null, completeCpu: null, submitNs: s.t + startNs, completeNs: null, reapNs: null, hops: [], layers: [] };
    job.submitted++;
    job.inflight++;
    io.row.layers.push(stage(s, top, 'dio'));
    dioBegin(s, top, ino, offset, p.bs, topFlags(io));
    switch (p.stack) {
      case 'nvme':
        diskRq(s, io, io.sector, io.row.layers, (c) => topDioDone(c, io));
        break;
      case 'loop': {
        const st = stage(s, top, 'request');
        io.row.layers.push(st);
        bioQueue(s, top, write, io.sector, p.bs);
        rqIssue(s, top, write, io.sector, p.bs);
        st.issueNs = s.t + startNs;
        loopCmds.push({ io, ts: s.t, cpu: s.cpu, task: s.task, st });
        if (!loopPending) {
          loopPending = true;
          loopQueue(s);
        }
        break;
      }
      case 'dm-linear': {
        const bio = stage(s, top, 'bio');
        io.row.layers.push(bio);
        bioQueue(s, top, write, io.sector, p.bs);
        dmClone(s, io, bio, DM_START_SECTOR, (c) => dmBioDone(c, io));
        break;
      }
      case 'dm-crypt': {
        const bio = stage(s, top, 'bio');
        io.row.layers.push(bio);
        bioQueue(s, top, write, io.sector, p.bs);
        if (!write) {
          // kcryptd_io_read: the clone goes down at once; kcryptd decrypts after the disk.
          dmClone(s, io, bio, CRYPT_START_SECTOR, (c) =>
            workers.queue(c, kcryptd, cryptWork(io, (k) => {
              k.spend(p.bs * p.cryptNsPerByte);
              dmBioDone(k, io);
            }, true), `kcryptd/${devText(top.dev)}`, nrCpus),
          );
          break;
        }
        // Writes: kcryptd encrypts into a clone, dmcrypt_write submits it (the write tree).
        workers.queue(s, kcryptd, cryptWork(io, (k) => {
          k.spend(p.bs * p.cryptNsPerByte);
          workers.hand(k, cryptWriter, { work: '', fn: '', hop: null, run: (t) => dmClone(t, io, bio, CRYPT_START_SECTOR, (c) => dmBioDone(c, io)) });
        }, false), `kcryptd/${devText(top.dev)}`, nrCpus);
        break;
      }
    }
    dioQueued(s, top, io.ino, offset, p.bs);
  }

  // --- fio: reap what completed, refill to iodepth, sleep in io_getevents ---
  function fioRun(job: Job): void {
    job.armed = false;
    let later = Infinity;
    tl.reserve(job.cpu, engine.now(), (s) => {
      s.switchTo(job.task);
      s.spend(500);
      const ready = job.ring.filter((io) => (io.row.completeNs as number) - startNs <= s.t);
      job.ring = job.ring.filter((io) => !ready.includes(io));
      for (const io of ready) {
        io.row.reapNs = s.t + startNs;
        job.inflight--;
        job.busy.delete(io.offset);
        // Hop times were taken on the engine's clock: put them on the trace clock like the rest.
        for (const r of [io.row, ...io.lower]) r.hops = r.hops.map(rel);
        onDone([io.row, ...io.lower]);
        s.spend(300);
      }
      while (job.inflight < p.iodepth && job.submitted < p.iosPerJob) {
        s.spend(600);
        submit(s, job);
      }
      for (const io of job.ring) later = Math.min(later, (io.row.completeNs as number) - startNs);
    });
    if (later < Infinity) {
      job.armed = true;
      engine.schedule(Math.max(later, tl.freeAt(job.cpu)), 2, () => fioRun(job));
    } else if (job.inflight === 0 && job.submitted >= p.iosPerJob) live--;
  }

  for (const job of jobs) {
    job.armed = true;
    engine.schedule(job.id * 1000, 2, () => fioRun(job));
  }
  return { engine, tl, done: () => live === 0 };
}
