import { newCpuContext, type CpuContext } from '../kernel/cpu-context.js';
import type { ExecContext } from '../model/events.js';
import type { IoPath, Stage } from '../model/io.js';

/**
 * The records the handlers pass between them: one block request, one direct I/O, one work item
 * (they point at each other, so they are declared together), and the per-CPU record. Everything
 * here is bounded by what is in flight (requests, DIOs, work items, running tasks), never by the
 * length of the trace: finished I/Os are handed to the summary and forgotten.
 */

/** A block request between block_rq_issue and block_rq_complete (and until its I/O finishes). */
export interface ReqRecord {
  key: number;
  sector: number;
  nrSector: number;
  bytes: number;
  dir: 'R' | 'W' | '';
  issue?: Stage;
  issuerPid?: number;
  issuerComm?: string;
  complete?: Stage & { ctx: ExecContext | 'unknown' };
  /** The task the block completion's line names (the interrupted one in irq context). */
  completer?: { pid: number; comm: string };
  dio?: DioRecord;
  /** The device (`major,minor`) of a request known only by its completion. */
  dev?: string;
  /** request unit: the path being built for this request. */
  path?: IoPath;
  tainted: boolean;
  /** Issuer was seen blocked (D) after issue: a synchronous waiter. */
  issuerBlocked: boolean;
  /** At its completion, it was the latest request its issuer had issued. */
  latestOfIssuer: boolean;
  /** At its completion, its issuer had no other request in flight (as a synchronous task has). */
  soleOfIssuer: boolean;
  /** At its completion, its issuer was running (interrupted, or on another CPU). */
  issuerRunning: boolean;
}

/** One direct I/O between iomap_dio_rw_begin and iomap_dio_complete (and its work's end). */
export interface DioRecord {
  path: IoPath;
  dev: string;
  ino: string;
  offset: number;
  length: number;
  aio: boolean;
  requests: ReqRecord[];
  bytesIssued: number;
  queued: boolean;
  tainted: boolean;
  /** The direction of the first bio it queued on its own device (`block_bio_queue`'s rwbs). */
  bioDir?: 'R' | 'W' | '';
  /** Begun with `NOWAIT` in its iocb flags (io_uring's first try): it may be abandoned untraced. */
  nowait?: boolean;
}

export interface WorkItem {
  work: string;
  fn: string;
  /** The workqueue its queue_work named (`dio/vda`; a pointer on 4.x/5.10); absent when queued before the trace began. */
  workqueue?: string;
  isDio: boolean;
  /** Absent when the item was queued before the trace began. */
  queue?: Stage;
  activate?: Stage;
  /** sched_waking of the kworker that ran it (wakeup asked for), and sched_wakeup (runnable). */
  waking?: Stage;
  wakeup?: Stage;
  switchIn?: Stage;
  start?: Stage & { pid: number; comm: string };
  end?: Stage;
  /** The request whose completion queued it (block completion just before, same CPU and context). */
  req?: ReqRecord;
  /** The DIO completed inside it (iomap_dio_complete during the item). */
  dio?: DioRecord;
  tainted: boolean;
}

/** Accounting slots per CPU. */
export const ACC = {
  hardirq: 0,
  softirq: 1,
  dioWork: 2,
  kworkerOther: 3,
  submitter: 4,
  otherTask: 5,
  idle: 6,
  unknown: 7,
  switches: 8,
  preemptByKworker: 9,
  preempt: 10,
} as const;
export const ACC_SLOTS = 11;

/**
 * Per CPU: the execution context (kernel/cpu-context.ts: the interrupts open, the invocation) and
 * what the handlers keep about the CPU, each field noted with the handler that writes it.
 */
export interface AnalyzerCpu extends CpuContext {
  /** block: the last block completion on this CPU and the invocation it ran in (read by workqueue). */
  lastComplete?: { req: ReqRecord; invocation: number };
  /** io-request (request unit): a completion waiting to see whether its invocation queues DIO work. */
  undecided?: { req: ReqRecord; invocation: number };
  /** sched: the task running on this CPU. */
  curPid?: number;
  curComm?: string;
  /** pipeline: time of the last event seen on this CPU. */
  lastSeen: number;
  /** workqueue / sched: the current kworker is running a DIO work item. */
  inDioWork: boolean;
  /** cpu-time: the accounting clock and the time charged per ACC slot. */
  lastMark: number;
  acc: Float64Array;
  /** sched / workqueue: start of the current kworker run (switch-in) and whether it ran DIO work. */
  kworkerRunStart?: number;
  kworkerRunDid: boolean;
}

export function newAnalyzerCpu(cpu: number): AnalyzerCpu {
  return { ...newCpuContext(cpu), lastSeen: NaN, inDioWork: false, lastMark: NaN, acc: new Float64Array(ACC_SLOTS), kworkerRunDid: false };
}

/**
 * The unit switches (request → DIO): a CPU keeps its context, who runs on it and its time, but a
 * block completion before the switch links to nothing after it.
 */
export function forgetCompletions(c: AnalyzerCpu): void {
  c.undecided = undefined;
  c.lastComplete = undefined;
}

export function stage(ts: number, cpu: number, line: number): Stage {
  return { ts, cpu, line };
}
