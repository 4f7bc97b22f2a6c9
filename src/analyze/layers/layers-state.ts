import type { CompletionHop } from '../../model/layers.js';
import type { IoPath, Stage } from '../../model/io.js';
import type { DioRecord } from '../records.js';
import { createFold, type Fold } from '../summary.js';
import { TaskMap, TaskSet } from '../task-map.js';
import { newSlotGeneration } from './path-slots.js';

/**
 * What the layer tracker (track.ts) keeps between events: which work items service an upper
 * device's I/O, the links between devices they prove, the I/Os of lower layers and background
 * I/O folded per device apart from the workload, and the completion hops of each I/O in flight.
 */

export interface DeviceTally {
  /** I/Os that service an upper layer's I/O (the loop worker's DIOs on the backing file). */
  servicing: Fold;
  /** I/Os the kernel (or another task on a lower device) issued on its own. */
  background: Fold;
  /** The same without user tasks' own I/O on this device (`ownLower`): its background when that is the workload. */
  backgroundOnly: Fold;
  /** User tasks' own I/Os on this device while it backs another (`ownLower`), and by comm. */
  ownIos: number;
  ownSubmitters: Map<string, number>;
  backgroundSubmitters: Map<string, number>;
  /** Workload I/Os on it (the top), counted when they finish. */
  workload: number;
  unit: 'dio' | 'request' | undefined;
}

export interface ServiceLink {
  upper: string;
  fn: string;
  workqueue: string;
}

/**
 * Whose a bio in flight is (bio.ts): the DIO it belongs to (DIO unit), the device it was first
 * queued on and the task that queued it there; in request unit, the path of the request it became.
 */
export interface BioOwner {
  dio?: DioRecord;
  dev: string;
  pid: number;
  comm: string;
  path?: IoPath;
}

/** Where the workload's I/Os ran and which completion hops they took. */
export interface WorkloadTally {
  /** First submission and last completion of the workload's I/Os (ns): its rate on a stack. */
  workloadStart: number;
  workloadEnd: number;
  /** Hops per workload I/O: count → I/Os, and chains → I/Os. */
  hopCounts: Map<number, number>;
  hopChains: Map<string, number>;
}

/**
 * User tasks' own I/O on a device that backs another (fio on the root file system of the disk
 * under a loop device): held apart, it is the workload when nothing above has any, else
 * background (endOfLayers).
 */
export interface OwnLower extends WorkloadTally {
  fold: Fold;
  /** Its I/Os per submitting task, taken back from the submitters when it is background. */
  pids: Map<number, number>;
}

export interface LayersState extends WorkloadTally {
  /** Whose per-path slots are this state's (path-slots.ts): a new state starts with none. */
  gen: number;
  /** Work pointer → who queued it: the device its queuer last issued on (task context only), and its workqueue. */
  queued: Map<string, { upperDev?: string; fn: string; workqueue: string; hopOf?: IoPath; device: string; queue: Stage; hop?: CompletionHop }>;
  /** The work item each task is executing (all functions, not only completion work). */
  executing: TaskMap<{ work: string; fn: string; workqueue: string; upperDev?: string; hopOf?: IoPath; device?: string }>;
  /** Bios in flight whose DIO is known, by `major:minor:sector` on the device they are on now. */
  bios: Map<string, BioOwner>;
  /** Devices a bio was queued on (a partition never is: its remap is not a layer). */
  bioDevs: Set<string>;
  /** Per CPU: the last block_bio_complete of a known bio in an interrupt, for the hop it may queue. */
  bioCompleted: Map<number, { path: IoPath; device: string; invocation: number; line: number }>;
  /** The last request each task issued itself (not servicing), for loop's inline submission. */
  lastIssue: Map<number, { dev: string; sector: number; path?: IoPath }>;
  /** Tasks between rw_begin and rw_queued of a lower layer's DIO. */
  lowerSubmitting: TaskSet;
  /** What the lower DIO each of those tasks is submitting services. */
  lowerBy: Map<number, { upperDev?: string; fn: string; workqueue: string; upper?: IoPath }>;
  /** The device each task last issued a request or began a DIO on. */
  lastDev: Map<number, string>;
  /**
   * The device each task did I/O of its own on (not servicing another device's), or `*` once it
   * did so on two: a task whose own I/O is only on a lower device is a workload there too.
   */
  ownDev: Map<number, string>;
  /** A device and those beneath it (routePath's `devices`), made again when `below` has grown (`belowSize`). */
  devicesBelow: Map<string, string[]>;
  belowSize: number;
  /** lower device → link to the device it services (first proof). */
  below: Map<string, ServiceLink>;
  /** Readable names of devices (`loop0`, `vda`) from the workqueues that carry them. */
  names: Map<string, string>;
  /** True once a link between two devices was proved. */
  stacked: boolean;
  ownLower: OwnLower;
  /** Set while a nowait DIO attempt that returned -EAGAIN finishes: it is retried, not an I/O. */
  nowaitRetry: boolean;
  nowaitRetries: number;
  /**
   * Upper requests waiting for their servicer, per upper device, oldest first: the I/O each is
   * part of and its sector (a path's own sector is only set when it finishes).
   */
  awaiting: Map<string, { path: IoPath; sector: number }[]>;
  tallies: Map<string, DeviceTally>;
  /** Request unit before any link is proved: finished paths held back (bounded) until the stack is known. */
  pending: IoPath[];
}

export function layersState(prev?: LayersState): LayersState {
  return {
    gen: newSlotGeneration(),
    queued: prev?.queued ?? new Map(),
    executing: prev?.executing ?? new TaskMap(),
    lastDev: prev?.lastDev ?? new Map(),
    lastIssue: new Map(),
    ownDev: prev?.ownDev ?? new Map(),
    bios: new Map(),
    bioDevs: prev?.bioDevs ?? new Set(),
    bioCompleted: new Map(),
    lowerSubmitting: new TaskSet(),
    lowerBy: new Map(),
    below: prev?.below ?? new Map(),
    devicesBelow: new Map(),
    belowSize: -1,
    names: prev?.names ?? new Map(),
    stacked: prev?.stacked ?? false,
    awaiting: new Map(),
    nowaitRetry: false,
    nowaitRetries: 0,
    workloadStart: NaN,
    workloadEnd: NaN,
    ownLower: { fold: createFold(), pids: new Map(), workloadStart: NaN, workloadEnd: NaN, hopCounts: new Map(), hopChains: new Map() },
    tallies: new Map(),
    hopCounts: new Map(),
    hopChains: new Map(),
    pending: [],
  };
}

export function tallyOf(s: LayersState, dev: string): DeviceTally {
  let t = s.tallies.get(dev);
  if (!t) s.tallies.set(dev, (t = { servicing: createFold(), background: createFold(), backgroundOnly: createFold(), ownIos: 0, ownSubmitters: new Map(), backgroundSubmitters: new Map(), workload: 0, unit: undefined }));
  return t;
}


/** Takes back what the I/O tracker counted for a submission that is not the workload's. */
export function unSubmit(ctx: { io: { submitterPids: Map<number, { ios: number }>; submissions: number } }, pid: number): void {
  const sub = ctx.io.submitterPids.get(pid);
  if (sub && --sub.ios <= 0) ctx.io.submitterPids.delete(pid);
  ctx.io.submissions--;
}

/**
 * At the end of the trace: user tasks' own I/O on a backing device is the workload when nothing
 * above had any (its fold replaces the empty one: returned), else background (its submissions
 * are taken back from the submitters, as background's are).
 */
export function endOfLayers(s: LayersState, ctx: { io: { submitterPids: Map<number, { ios: number }>; submissions: number } }, fold: Fold): Fold {
  const own = s.ownLower;
  if (own.fold.total === 0) return fold;
  if (fold.total === 0) {
    for (const t of s.tallies.values()) {
      if (t.ownIos === 0) continue;
      t.workload += t.ownIos;
      t.background = t.backgroundOnly;
      for (const [comm, n] of t.ownSubmitters) {
        const left = (t.backgroundSubmitters.get(comm) ?? 0) - n;
        if (left > 0) t.backgroundSubmitters.set(comm, left);
        else t.backgroundSubmitters.delete(comm);
      }
    }
    s.workloadStart = own.workloadStart;
    s.workloadEnd = own.workloadEnd;
    s.hopCounts = own.hopCounts;
    s.hopChains = own.hopChains;
    return own.fold;
  }
  for (const [pid, n] of own.pids) for (let i = 0; i < n; i++) unSubmit(ctx, pid);
  return fold;
}
