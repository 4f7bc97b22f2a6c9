import type { CompletionMode, IoUnit } from './modes.js';
import type { LatencySummary } from './summaries.js';

/**
 * The storage stack as the trace proves it: one layer per device (`major:minor`), top first. The
 * top layer is where user tasks submit (the workload); a layer beneath is reached through the
 * work or task that services the upper device's I/O (loop: `loop_*workfn` queued by the
 * submitter, running in a kworker that issues a DIO on the backing file's device); a device
 * reached only by kernel threads of its own (jbd2, xfs log, flushers) holds background I/O.
 *
 * Part of `iopath.analysis/1` (added field `layers`, absent on a trace without I/O).
 */

export type LayerRole =
  /** User tasks submit here: its I/Os are the workload's. */
  | 'top'
  /** The backing file's device of a loop device (I/Os issued by the loop worker). */
  | 'loop-backing'
  /** The device a dm/md target or a partition remaps to (block_bio_remap). */
  | 'dm-target'
  /** A device with no layer beneath it in the trace. */
  | 'physical';

export interface LayerIoCounts {
  /** I/Os completed on this layer in the I/O window (its own unit). */
  ios: number;
  byMode: Record<CompletionMode, number>;
  byDirection: { R: number; W: number; unknown: number };
  /** submit (or issue) → completion on this layer, µs. */
  latencyUs?: LatencySummary;
}

export interface Layer extends LayerIoCounts {
  /** `major:minor`, as iomap prints it (block events' `major,minor` is normalised to this). */
  device: string;
  /** A readable name: `loop0`, `vda` (from the workqueue names that carry it), else the device. */
  name: string;
  role: LayerRole;
  /** What one I/O is on this layer: a DIO (iomap events) or a block request. */
  unit: IoUnit;
  /** Devices directly above (whose I/O this one services) and beneath. */
  above: string[];
  below: string[];
  /** How the link to the layer above was proved, e.g. `loop_rootcg_workfn on loop0 ran the DIO`. */
  linkedBy?: string;
  /** The I/Os on this layer that service an upper layer's I/O (loop worker's DIOs). */
  servicing: number;
  /** I/Os the kernel issued on its own here (jbd2, xfs log/AIL, flushers, btrfs workers). */
  background: LayerIoCounts & { submitters: { comm: string; ios: number }[] };
  /** Share of this device's completed I/Os that were background, 0..1. */
  backgroundShare: number;
  /** Top layer: nowait DIO attempts that returned -EAGAIN and were retried (not I/Os). */
  nowaitRetries?: number;
}

/** One completion deferral of a workload I/O: a work item queued from a completion's context. */
export interface CompletionHop {
  /** The work function (`iomap_dio_complete_work`, `loop_rootcg_workfn`, `kcryptd_crypt`, …). */
  fn: string;
  /** The workqueue (`dio/loop0`, `kcryptd/253:0`, …); '' when the trace does not print it. */
  workqueue: string;
  /** The device layer whose completion queued it. */
  device: string;
  /** A readable name from the known-functions table, or the function itself. */
  label: string;
}

/** Per workload I/O: the layers it went through and its completion hops (top first / in order). */
export interface IoLayerPath {
  devices: string[];
  hops: CompletionHop[];
  /** On a lower layer's I/O (never in the analysis' JSON): the id of the workload I/O it serviced. */
  services?: number;
}

/** Summary of completion hops over the workload: how many I/Os had 0, 1, 2… hops. */
export interface HopSummary {
  /** hops → I/Os. */
  histogram: Record<string, number>;
  /** The hop chain most I/Os followed, e.g. ['iomap_dio_complete_work@dio/vda', 'iomap_dio_complete_work@dio/loop0']. */
  common: string[];
}
