/**
 * Per-I/O, per-layer ground truth of the stacked presets, one JSON line per I/O. A workload I/O
 * (`role: workload`, what a fio job submitted at the top of the stack) lists its stage in every
 * layer, top first, and its completion hops (work items queued on its completion chain, in order);
 * each I/O a layer issued underneath it follows as a `role: lower` row naming its parent. Times
 * are trace-clock ns; absent stages are null.
 */

export type LayerUnit = 'dio' | 'request' | 'bio';

/** The layer's place in the stack, as the analysis names it (src/model/layers.ts LayerRole). */
export type LayerRole = 'top' | 'loop-backing' | 'dm-target' | 'physical';

export interface LayerStage {
  /** `major:minor`. */
  device: string;
  name: string;
  role: LayerRole;
  unit: LayerUnit;
  /** Who put it on this layer (comm-pid) and when. */
  submitter: string;
  submitCpu: number;
  submitNs: number;
  /** Request issued to the driver (request unit), bio remapped/queued below (bio unit). */
  issueNs: number | null;
  completeNs: number | null;
  completeCtx: 'hardirq' | 'softirq' | 'task' | null;
  /** comm-pid of the task that was current when this layer completed it. */
  completeTask: string | null;
  completeCpu: number | null;
}

export interface Hop {
  function: string;
  workqueue: string;
  /** The device (`major:minor`) whose completion queued it. */
  device: string;
  queueNs: number;
  queueCpu: number;
  startNs: number | null;
  endNs: number | null;
  /** comm-pid of the kworker that ran it. */
  worker: string | null;
  cpu: number | null;
}

export interface StackTruthRow {
  role: 'workload' | 'lower';
  id: number;
  /** The workload I/O a lower-layer I/O serves (null for a workload I/O). */
  parent: number | null;
  job: number;
  op: 'read' | 'write';
  offset: number;
  bytes: number;
  submitter: string;
  submitCpu: number;
  /** Where the final completion (the top layer's) ran. */
  mode: 'irq-inline' | 'kworker-deferred' | 'task-inline' | null;
  completeCtx: 'hardirq' | 'softirq' | 'task' | null;
  completeTask: string | null;
  completeCpu: number | null;
  submitNs: number;
  completeNs: number | null;
  reapNs: number | null;
  hops: Hop[];
  layers: LayerStage[];
}

export function parseStackTruth(text: string): StackTruthRow[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as StackTruthRow);
}
