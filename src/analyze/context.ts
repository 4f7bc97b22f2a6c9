import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { IoPath, IoUnit } from '../model/io.js';
import { newCpuState, type CpuState, type DioRecord, type ReqRecord, type WorkItem } from './state.js';

/**
 * The state every handler shares during the one streaming pass. Handlers are plain functions over
 * it (`handleX(ctx, event)`), called in a fixed order by the pipeline; the joins that need several
 * handlers' data happen when an I/O finishes (io-tracker.ts), which is the streaming form of a
 * finalize step: it lets finished I/Os be folded away so memory follows concurrency, not length.
 */

/** Work functions that complete a direct I/O (kernel notes §1, §3.1). */
export const DIO_WORK_FUNCTIONS: ReadonlySet<string> = new Set([
  'iomap_dio_complete_work', // 5.5+ iomap
  'dio_aio_complete_work', // ≤5.4 fs/direct-io.c
  'ext4_end_io_rsv_work', // ext4 unwritten-extent conversion (buffered/dio end_io)
  'ext4_end_io_work',
  'xfs_end_io', // xfs ioend completion
  'xfs_dio_write_end_io',
]);

/** I/Os in flight longer than this are given up as `timeout` (the block layer's default is 30 s). */
export const STALE_AFTER_NS = 30e9;

export interface AnalyzerContext {
  unit: IoUnit;
  diagnostics: DiagnosticsCollector;
  cpus: CpuState[];
  /** Outstanding requests by device and sector (`requestKey`), oldest first (sectors are reused: pair by order). */
  requests: Map<number, ReqRecord[]>;
  /** Small index per block device, folded into request keys. */
  devSlots: Map<number, number>;
  /** Outstanding DIOs by `dev:ino`, oldest first. */
  dios: Map<string, DioRecord[]>;
  /** The DIO each task is submitting (between rw_begin and rw_queued), for linking its requests. */
  submitting: Map<number, DioRecord>;
  /** Queued, not yet started work items by pointer, oldest first (each queue_work is a new generation). */
  pendingWork: Map<string, WorkItem[]>;
  /** The item each kworker is executing. */
  runningWork: Map<number, WorkItem>;
  /** Last sched_waking / switch-in of each task. */
  lastWaking: Map<number, { ts: number; cpu: number; line: number }>;
  lastWakeup: Map<number, { ts: number; cpu: number; line: number }>;
  lastSwitchIn: Map<number, { ts: number; cpu: number; line: number }>;
  /** Tasks known to be kworkers (ran a work item) or submitters (began a DIO / issued I/O). */
  kworkerPids: Set<number>;
  submitterPids: Map<number, { comm: string; cpus: Set<number>; ios: number }>;
  /** Per kworker: items completed, comm, cpu. */
  kworkerStats: Map<number, { comm: string; cpu: number; items: number }>;
  irqCompletions: Map<number, number>;
  /** The latest request each task issued (sync-waiter and submitter-inline inference). */
  lastIssued: Map<number, ReqRecord>;
  /** Requests in flight per issuing task. */
  inFlightByIssuer: Map<number, number>;
  /** Last name seen per pid (renames and pid reuse are counted). */
  comms: Map<number, string>;
  /** Tasks blocked in D, by pid (for sync-waiter inference). */
  blocked: Set<number>;
  nextId: number;
  /** I/Os that never completed although the trace went on long after them (unreported loss). */
  vanished: number;
  /** DIOs that completed although a block request of theirs never did (silently dropped events). */
  missingDeviceCompletions: number;
  /** Vanished I/Os by the CPU they were submitted on, with the span of their submissions. */
  vanishedByCpu: Map<number, { ios: number; firstNs: number; lastNs: number }>;
  /** Submissions (DIO begins, or request issues in request unit) in the window. */
  submissions: number;
  /** Writes seen deferred to a kworker so far: tells a kernel that defers write completions. */
  deferredWrites: number;
  /** Filled in at the end: I/Os by direction (for the limitations). */
  byDir: { R: number; W: number; unknown: number };
  windowStart: number;
  windowEnd: number;
  /** Accumulators per CPU at window start / at the latest completion. */
  accAtStart: Float64Array[];
  accAtEnd: Float64Array[];
  dioKworkerRunNs: number;
  dioKworkerRunNsAtStart: number;
  dioKworkerRunNsAtEnd: number;
  lastSweep: number;
  lastTs: number;
  seen: Set<string>;
  onFinished: (p: IoPath) => void;
}

export function createContext(unit: IoUnit, diagnostics: DiagnosticsCollector, onFinished: (p: IoPath) => void): AnalyzerContext {
  return {
    unit,
    diagnostics,
    cpus: [],
    requests: new Map(),
    devSlots: new Map(),
    dios: new Map(),
    submitting: new Map(),
    pendingWork: new Map(),
    runningWork: new Map(),
    lastWaking: new Map(),
    lastWakeup: new Map(),
    lastSwitchIn: new Map(),
    kworkerPids: new Set(),
    submitterPids: new Map(),
    kworkerStats: new Map(),
    irqCompletions: new Map(),
    lastIssued: new Map(),
    inFlightByIssuer: new Map(),
    comms: new Map(),
    blocked: new Set(),
    nextId: 1,
    vanished: 0,
    missingDeviceCompletions: 0,
    vanishedByCpu: new Map(),
    submissions: 0,
    deferredWrites: 0,
    byDir: { R: 0, W: 0, unknown: 0 },
    windowStart: NaN,
    windowEnd: NaN,
    accAtStart: [],
    accAtEnd: [],
    dioKworkerRunNs: 0,
    dioKworkerRunNsAtStart: 0,
    dioKworkerRunNsAtEnd: 0,
    lastSweep: 0,
    lastTs: 0,
    seen: new Set(),
    onFinished,
  };
}

export function cpuState(ctx: AnalyzerContext, cpu: number): CpuState {
  let c = ctx.cpus[cpu];
  if (!c) {
    for (let i = ctx.cpus.length; i <= cpu; i++) if (!ctx.cpus[i]) ctx.cpus[i] = newCpuState(i);
    c = ctx.cpus[cpu] as CpuState;
  }
  return c;
}

const DEV_SLOTS = 256;

/**
 * A numeric key for (device, sector): sector × 256 + a per-device slot. Numbers hash faster than
 * strings and allocate nothing; exact for sectors below 2^45 (16 PiB), far past any device here.
 */
export function requestKey(ctx: AnalyzerContext, major: number, minor: number, sector: number): number {
  const dev = major * 1048576 + minor;
  let slot = ctx.devSlots.get(dev);
  if (slot === undefined) ctx.devSlots.set(dev, (slot = ctx.devSlots.size % DEV_SLOTS));
  return sector * DEV_SLOTS + slot;
}

export function isKworker(ctx: AnalyzerContext, pid: number, comm: string | undefined): boolean {
  return ctx.kworkerPids.has(pid) || (comm !== undefined && comm.startsWith('kworker/'));
}

/** Pushes onto a FIFO kept in a map. */
export function pushFifo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const q = m.get(k);
  if (q) q.push(v);
  else m.set(k, [v]);
}

/** Removes and returns the first element of a FIFO matching `pred` (oldest first). */
export function takeFifo<K, V>(m: Map<K, V[]>, k: K, pred?: (v: V) => boolean): V | undefined {
  const q = m.get(k);
  if (!q) return undefined;
  const i = pred ? q.findIndex(pred) : 0;
  if (i < 0 || i >= q.length) return undefined;
  const [v] = q.splice(i, 1);
  if (q.length === 0) m.delete(k);
  return v;
}
