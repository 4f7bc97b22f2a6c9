import type { Scheduled } from './engine.js';
import type { IoCase } from './policies/types.js';

/**
 * Shared shapes of the model. A CPU runs a stack of frames: the current task's frame at the
 * bottom, then a softirq frame, then a hardirq frame; only the top one advances. Each frame runs a
 * program, a generator that yields CPU work in ns (or SLEEP) and does its side effects (trace
 * events, wakeups, queueing) between yields, at the simulated instant it resumes.
 */

/** Yielded by a task program to block until woken. */
export const SLEEP = -1;
/** Yielded at a cond_resched() point: switch now if need_resched is set. */
export const RESCHED = -2;
export type Program = Generator<number, void, void>;

export type FrameCtx = 'task' | 'softirq' | 'hardirq';

export interface Frame {
  ctx: FrameCtx;
  gen: Program;
  /** CPU time left in the current operation. */
  remaining: number;
  startedAt: number;
  pending: Scheduled | null;
  /** A hardirq that interrupted a softirq (flags `H`). */
  nested: boolean;
}

export interface Task {
  pid: number;
  /** Kernel comm (`kworker/1:32`, `fio`, `swapper/1` for idle). */
  comm: string;
  /** Comm in a trace line header: ftrace/trace-cmd print `<idle>` for pid 0. */
  headerComm: string;
  /** Comm perf prints (from /proc at record time, truncated to 15). */
  perfComm: string;
  prio: number;
  cpu: number;
  state: 'running' | 'runnable' | 'sleeping' | 'dead';
  /** prev_state printed when it blocks: `S`, `D` or `I`. */
  sleepState: string;
  frame: Frame;
  vruntime: number;
  isIdle: boolean;
  /** In user space: an interrupt returning here switches tasks at once when need_resched is set. */
  inUser: boolean;
  /** Exited to the host on a device notify (kickWhen host-idle): the host can run on its physical CPU meanwhile. */
  inNotify: boolean;
  lastWakeup: number;
  lastSwitchIn: number;
  runNs: number;
}

export interface Cpu {
  id: number;
  stack: Frame[];
  curr: Task;
  idle: Task;
  needResched: boolean;
  /** Interrupts raised while the CPU was in hardirq, delivered at its exit. */
  irqPending: (() => Program)[];
  softirqPending: number[];
  /** Requests waiting for the BLOCK softirq (blk_cpu_done). */
  blockDone: Io[];
  runqueue: Task[];
  minVruntime: number;
  currSince: number;
  // accounting
  idleNs: number;
  idleSince: number;
  hardirqNs: number;
  softirqNs: number;
  irqs: number;
  switches: number;
}

export type TrueMode = 'irq-inline' | 'kworker-deferred' | 'task-inline';

/** One I/O in flight, with the stage times the ground truth reports (ns, -1 = did not happen). */
export interface Io {
  id: number;
  write: boolean;
  offset: number;
  bytes: number;
  sector: number;
  case: IoCase;
  waits: boolean;
  fua: boolean;
  workAddr: number;
  iocbFlags: string;
  aio: number;
  /** The submitter still holds its reference (between issue and the ref drop). */
  submitting: boolean;
  completedEarly: boolean;
  deviceDone: boolean;
  done: boolean;
  mode: TrueMode | null;
  irqCtx: 'hardirq' | 'softirq' | '';
  reason: string;
  submitCpu: number;
  completeCpu: number;
  tSubmit: number;
  tIssue: number;
  tDevice: number;
  tIrq: number;
  tBlockComplete: number;
  tQueueWork: number;
  tWakeup: number;
  tSwitchIn: number;
  tExecStart: number;
  tExecEnd: number;
  tComplete: number;
  tReap: number;
}
