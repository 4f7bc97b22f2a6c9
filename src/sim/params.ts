import { SECTOR_BYTES } from '../model/events.js';

/**
 * Every cost and probability of the model, each a named parameter with its default and a one-line
 * reason. `iopath simulate --help` prints this table; presets override a subset. Times are integer
 * nanoseconds of CPU or device time.
 */

export type IoEngine = 'libaio' | 'io_uring' | 'psync';
export type RwMode = 'randwrite' | 'write' | 'randread' | 'read' | 'randrw';
export type ExtentState = 'overwrite' | 'unwritten' | 'extending';
export type ServiceDist = 'fixed' | 'exponential' | 'lognormal' | 'empirical';
export type PolicyName = 'legacy-4.18' | 'iomap-5.10' | 'patched' | 'mainline-6.19';
export type PreemptModel = 'voluntary' | 'full';
export type KickWhen = 'random' | 'host-idle';

export interface SimParams {
  // workload (fio job)
  engine: IoEngine;
  rw: RwMode;
  rwmixread: number;
  iodepth: number;
  bs: number;
  ios: number;
  durationNs: number;
  dsync: boolean;
  extent: ExtentState;
  submitBatch: number;
  reapMin: number;
  fileSize: number;
  // topology
  cpus: number;
  submitCpu: number;
  irqCpu: number;
  kernel: PolicyName;
  preempt: PreemptModel;
  ksoftirqd: boolean;
  // fio / syscall CPU costs
  fioPrepNs: number;
  fioCompletionNs: number;
  syscallNs: number;
  submitPreIssueNs: number;
  submitPostIssueNs: number;
  kickProb: number;
  kickNs: number;
  kickWhen: KickWhen;
  reapPerEventNs: number;
  // completion-path CPU costs
  irqStealNs: number;
  hostTakeNs: number;
  irqEntryNs: number;
  irqPerCqeNs: number;
  softirqEntryNs: number;
  blkCompleteNs: number;
  dioCompleteNs: number;
  queueWorkNs: number;
  wakeupNs: number;
  ctxSwitchNs: number;
  workItemNs: number;
  workerSleepNs: number;
  ipiNs: number;
  idleWakeNs: number;
  // scheduler
  wakeupGranNs: number;
  sleeperCreditNs: number;
  tickNs: number;
  tickSoftirqNs: number;
  // device
  deviceCompletion: 'hardirq' | 'softirq';
  queueDepth: number;
  serviceDist: ServiceDist;
  serviceMedianNs: number;
  serviceSigma: number;
  serviceLowNs: number;
  serviceHistogram: [number, number][];
  irqDelayNs: number;
  irqCoalesceCount: number;
  irqCoalesceNs: number;
  deviceFua: boolean;
  // file state and faults
  pageCacheProb: number;
  errorProb: number;
  // names printed in the trace
  devMajor: number;
  devMinor: number;
  devName: string;
  irqNumber: number;
  irqName: string;
  fioPid: number;
  kworkerPidBase: number;
  kworkerIndex: number;
  fileStartSector: number;
  startSec: number;
}

type Spec = { [K in keyof SimParams]: [SimParams[K], string] };

/** Defaults model a modern NVMe server (the seed presets refine them); reasons say where each comes from. */
export const PARAM_SPECS: Spec = {
  engine: ['libaio', 'fio ioengine: libaio (io_submit/io_getevents), io_uring, or psync (one blocking pwrite/pread per I/O)'],
  rw: ['randwrite', 'fio rw: randwrite, write, randread, read, randrw'],
  rwmixread: [50, 'percent of reads when rw=randrw (fio rwmixread)'],
  iodepth: [128, 'fio iodepth: I/Os kept in flight (psync is always 1)'],
  bs: [4096, 'block size in bytes; the RFC regression is a 4k effect'],
  ios: [100000, 'I/Os to complete (fio number_ios); 0 means run for durationNs'],
  durationNs: [0, 'simulated time to run when ios=0'],
  dsync: [false, 'file opened O_DSYNC: every write needs a data sync (FUA or flush)'],
  extent: ['overwrite', 'file blocks: overwrite (written extents), unwritten (preallocated, need conversion), extending (append past i_size)'],
  submitBatch: [1, 'fio iodepth_batch_submit: I/Os per io_submit (fio default 1)'],
  reapMin: [1, 'fio iodepth_batch_complete_min: io_getevents min_nr (fio default 1)'],
  fileSize: [256 * 1024 * 1024, 'file size in bytes (the real captures use 256 MiB)'],
  cpus: [2, 'CPUs in the machine; the extra CPUs stay idle unless used'],
  submitCpu: [1, 'CPU fio is pinned to (cpus_allowed)'],
  irqCpu: [1, 'CPU the device interrupt is delivered to (effective_affinity)'],
  kernel: ['iomap-5.10', 'DIO completion policy: legacy-4.18, iomap-5.10, patched, mainline-6.19'],
  preempt: ['voluntary', 'kernel preemption: voluntary (switch at syscall exit or return to user) or full (also at irq exit in kernel)'],
  ksoftirqd: [false, 'softirqs raised again during a softirq run while a reschedule is pending go to ksoftirqd (__do_softirq) instead of restarting the run; off in the presets, which were set up without it; calibrate turns it on when the trace shows ksoftirqd running the block softirq'],
  fioPrepNs: [650, 'fio user-space work per I/O before submit (random offset, io_u setup, stats)'],
  fioCompletionNs: [350, 'fio user-space work per reaped I/O (latency histograms, io_u release)'],
  syscallNs: [200, 'syscall entry+exit (io_submit, io_getevents, io_uring_enter, pwrite) with mitigations'],
  submitPreIssueNs: [800, 'kernel DIO submit: aio/iomap setup, ext4 iomap_begin, bio alloc, up to block_rq_issue'],
  submitPostIssueNs: [300, 'after block_rq_issue: doorbell write, plug flush, dropping the submit reference'],
  kickProb: [0, 'share of submissions whose queue notify traps to the hypervisor (virtio kick; 0 for NVMe doorbells)'],
  kickNs: [0, 'length of that trap, after block_rq_issue and before the submit reference drops'],
  kickWhen: ['random', 'which submissions trap: random (each with kickProb), or host-idle (virtio EVENT_IDX: only when the host has posted every request it took; the host runs one service time after the notify, serves every request queued by then, and posts them with one interrupt)'],
  reapPerEventNs: [80, 'io_getevents: copy one io_event to user space'],
  irqStealNs: [0, 'hypervisor time per interrupt injection (VM exit/entry), invisible in the guest trace; 0 on bare metal. With kickWhen host-idle: how long the host holds the interrupt vCPU\'s physical CPU after a notify that released a held interrupt (it posts what it served as it gives the CPU back)'],
  hostTakeNs: [6000, 'kickWhen host-idle: after the vCPU re-entered to take an interrupt held until its notify, the host takes its physical CPU this much later (the host thread\'s wakeup on that CPU; calibrate measures it where fio shares the interrupt\'s CPU)'],
  irqEntryNs: [300, 'hardirq entry/exit and handler fixed cost (irq_handler_entry to irq_handler_exit)'],
  irqPerCqeNs: [60, 'per completion read by the hardirq handler when completions go on to the softirq'],
  softirqEntryNs: [150, 'BLOCK softirq entry/exit and list splice'],
  blkCompleteNs: [350, 'blk_mq_end_request + bio_endio per request (block_rq_complete onwards)'],
  dioCompleteNs: [550, 'DIO completion: iomap_dio_complete/dio_complete + aio_complete (ring write, eventfd, waiter check)'],
  queueWorkNs: [100, 'queue_work on a bound workqueue: insert, pool lock, kick check'],
  wakeupNs: [250, 'try_to_wake_up of a sleeping kworker (sched_waking to sched_wakeup), enqueue and preempt check'],
  ctxSwitchNs: [400, 'one switch between fio and a kernel thread on one CPU (no mm switch: lazy TLB); fitted, see presets'],
  workItemNs: [100, 'process_one_work bookkeeping per work item (around the completion function)'],
  workerSleepNs: [100, 'worker_thread: find no more work, enter idle before schedule()'],
  ipiNs: [2000, 'reschedule IPI to wake a task on an idle CPU (idle exit included)'],
  idleWakeNs: [1000, 'an interrupt to an idle CPU waits for it to leave its idle state (C-state exit, or a halted vCPU)'],
  wakeupGranNs: [1_000_000, 'CFS sysctl_sched_wakeup_granularity: a waker preempts only if it lags curr by more'],
  sleeperCreditNs: [3_000_000, 'CFS GENTLE_FAIR_SLEEPERS: a woken sleeper is placed sched_latency/2 behind min_vruntime'],
  tickNs: [4_000_000, 'scheduler tick period (HZ=250): raises TIMER and SCHED softirqs'],
  tickSoftirqNs: [1500, 'CPU time of one tick (timer + sched softirq)'],
  deviceCompletion: ['hardirq', 'context of block_rq_complete: hardirq (NVMe, multi-queue) or softirq (single-queue virtio-blk, SCSI)'],
  queueDepth: [1023, 'device queue depth (NVMe I/O queue size)'],
  serviceDist: ['lognormal', 'device service time distribution: fixed, exponential, lognormal or empirical'],
  serviceMedianNs: [25_000, 'median device service time for 4k (fixed value, exponential mean, lognormal median)'],
  serviceSigma: [0.35, 'lognormal shape: NAND write latency spread'],
  serviceLowNs: [0, 'lower edge of the first empirical bin'],
  serviceHistogram: [[], 'empirical bins [upperNs, weight]'],
  irqDelayNs: [500, 'MSI delivery: device completion to interrupt on the CPU'],
  irqCoalesceCount: [1, 'NVMe aggregation threshold: completions before an interrupt (1 = off, the default)'],
  irqCoalesceNs: [0, 'NVMe aggregation time: longest wait for the threshold'],
  deviceFua: [true, 'device honours FUA (write-through possible): mainline-6.19 completes O_DSYNC FUA writes inline'],
  pageCacheProb: [0, 'probability the file has page-cache pages when a write completes (forces deferral in 4.18 and 6.19)'],
  errorProb: [0, 'probability an I/O fails with -EIO'],
  devMajor: [259, 'disk major (259 = blkext, NVMe)'],
  devMinor: [0, 'disk minor'],
  devName: ['nvme0n1', 'disk name: the dio/<s_id> workqueue name and irq name derive from it'],
  irqNumber: [130, 'interrupt number of the completion vector'],
  irqName: ['nvme0q2', 'irq_handler_entry name'],
  fioPid: [7888, 'pid of the fio job thread'],
  kworkerPidBase: [4149, 'pid of the dio kworker of CPU c is base + c'],
  kworkerIndex: [32, 'worker number in kworker/<cpu>:<n>'],
  fileStartSector: [46667776, 'disk sector of file offset 0 (contiguous file)'],
  startSec: [500, 'trace clock at start (seconds since boot)'],
};

export function defaultParams(): SimParams {
  const out = {} as Record<string, unknown>;
  for (const [k, [v]] of Object.entries(PARAM_SPECS)) out[k] = Array.isArray(v) ? v.map((x) => (Array.isArray(x) ? [...x] : x)) : v;
  return out as unknown as SimParams;
}

/** Help text: one line per parameter, `name=default  reason`. */
export function describeParams(): string {
  const rows = Object.entries(PARAM_SPECS).map(([k, [v, why]]) => {
    const d = Array.isArray(v) ? (v.length === 0 ? '[]' : `${v.length} bins`) : String(v);
    return `  ${`${k}=${d}`.padEnd(34)} ${why}`;
  });
  return rows.join('\n');
}

/** Checks a merged parameter set; returns messages for values that cannot run. */
export function validateParams(p: SimParams): string[] {
  const bad: string[] = [];
  const nonNeg = Object.entries(p).filter(([k, v]) => typeof v === 'number' && k !== 'devMinor' && !(v >= 0 && Number.isFinite(v)));
  for (const [k, v] of nonNeg) bad.push(`${k} must be a finite number ≥ 0 (got ${v})`);
  if (!Number.isInteger(p.iodepth) || p.iodepth < 1) bad.push(`iodepth must be an integer ≥ 1 (got ${p.iodepth})`);
  if (p.bs < SECTOR_BYTES || p.bs % SECTOR_BYTES !== 0) bad.push(`bs must be a multiple of ${SECTOR_BYTES} (got ${p.bs})`);
  if (p.bs > p.fileSize) bad.push('bs is larger than the file');
  if (!Number.isInteger(p.cpus) || p.cpus < 1 || p.cpus > 256) bad.push(`cpus must be 1..256 (got ${p.cpus})`);
  if (p.submitCpu >= p.cpus || !Number.isInteger(p.submitCpu)) bad.push(`submit CPU ${p.submitCpu} does not exist (cpus=${p.cpus})`);
  if (p.irqCpu >= p.cpus || !Number.isInteger(p.irqCpu)) bad.push(`irq CPU ${p.irqCpu} does not exist (cpus=${p.cpus})`);
  if (p.ios === 0 && p.durationNs === 0) bad.push('give a number of I/Os or a duration');
  if (p.serviceDist === 'empirical' && p.serviceHistogram.length === 0) bad.push('empirical service time needs serviceHistogram bins');
  if (p.rwmixread > 100) bad.push('rwmixread is a percentage');
  if (p.pageCacheProb > 1 || p.errorProb > 1) bad.push('probabilities must be ≤ 1');
  if (p.submitBatch < 1 || p.reapMin < 1) bad.push('submitBatch and reapMin must be ≥ 1');
  if (p.kickWhen !== 'random' && p.kickWhen !== 'host-idle') bad.push(`kickWhen must be random or host-idle (got ${String(p.kickWhen)})`);
  return bad;
}
