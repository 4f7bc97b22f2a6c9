import { NS_PER_US } from '../../model/time.js';
import type { KeptValues } from './accumulators.js';
import type { Timeline } from './fio-events.js';
import type { DeviceSamples, KernelSamples } from './kernel-samples.js';
import type { WorkloadScan } from './workload-scan.js';

/**
 * What the calibration walk (walk.ts) hands the estimators: the kernel's and the device's
 * durations, the submitter's timeline and fio job, and the per-submission and per-interrupt
 * records the virtio host's notify rule is read from (estimate/notify.ts).
 */

export interface WalkResult {
  kernel: KernelSamples;
  device: DeviceSamples;
  timeline: Timeline;
  workload: WorkloadScan;
  irqNames: Map<number, string>;
  workqueueName: string | null;
  /** DIO completion work functions executed, by name. */
  workFunctions: Map<string, number>;
  /** Highest CPU number seen, plus one. */
  cpus: number;
  firstTs: number;
  lastTs: number;
  /** Runs of interrupt work per CPU inside the I/O window, and the CPU the submitter used most. */
  irqRuns: number[];
  submitCpu: number;
  lostMarkers: number;
  /** The submitter's submissions: issue time, its block requests in flight then, and its own time from issue to queued (or to its own completion). */
  submissions: SubmissionSample[];
  busyIrqs: BusyIrqSample[];
  /** After each interrupt that entered right after the submitter's block_rq_issue: the first long gap of that CPU. */
  releases: ReleaseSample[];
  /** BLOCK softirq runs, and those run by ksoftirqd. */
  blockSoftirqs: { all: number; ksoftirqd: number };
  /** Per kind of event run by a task or softirq, the gaps to that CPU's next event when it is no interrupt. */
  plainGaps: Map<string, KeptValues>;
}

/** An interrupt that entered a CPU running a task: the gap since that CPU's previous event. */
export interface BusyIrqSample {
  irq: number;
  gapNs: number;
  prevKind: string;
  /** The previous event was the submitter's block_rq_issue: it came during the notify (issue → queued). */
  afterIssue: boolean;
}

/**
 * An interrupt that entered right after the submitter's block_rq_issue (the vCPU took it on its
 * way back in from that notify), and the first gap of that CPU, within RELEASE_WINDOW_NS of its
 * entry, of STALL_MIN_NS or more (the host holding the CPU; the guest's own steps there are a few µs).
 */
export interface ReleaseSample {
  entryTs: number;
  /** That gap's earlier event (time and kind), and the gap; null when no such gap came. */
  prevTs: number;
  prevKind: string;
  gapNs: number;
}

export const RELEASE_WINDOW_NS = 100 * NS_PER_US;
/** A gap at least this long after a release interrupt is a stall. */
export const STALL_MIN_NS = 10 * NS_PER_US;

export interface SubmissionSample {
  issueTs: number;
  /** Interrupt runs that entered between issue and queued. */
  irqs: number;
  /** An interrupt entered right after this block_rq_issue (taken on the way back from its notify). */
  injected: boolean;
  /** The submitter's earlier block requests not yet completed (block_rq_complete) at this issue. */
  inflight: number;
  /** issue → queued (or → its own iomap_dio_complete), less traced interrupt time in between. */
  postNs: number;
  /** Time of that queued (or own completion). */
  endTs: number;
}
