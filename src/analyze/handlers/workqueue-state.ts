import { isKworkerComm } from '../../kernel/tasks.js';
import type { WorkItem } from '../records.js';
import { TaskMap } from '../task-map.js';

/** What the workqueue handler (workqueue.ts) keeps between events. */
export interface WorkqueueState {
  /** Queued, not yet started work items by pointer, oldest first (each queue_work is a new generation). */
  pendingWork: Map<string, WorkItem[]>;
  /** The item each kworker is executing. */
  runningWork: TaskMap<WorkItem>;
  /** Tasks known to be kworkers: they ran a work item. */
  kworkerPids: Set<number>;
  /** Per kworker: items completed, comm, cpu. */
  kworkerStats: Map<number, { comm: string; cpu: number; items: number }>;
}

/** A new workqueue state; a unit switch (`prev`) keeps only which tasks are kworkers. */
export function workqueueState(prev?: WorkqueueState): WorkqueueState {
  return { pendingWork: new Map(), runningWork: new TaskMap(true), kworkerPids: prev?.kworkerPids ?? new Set(), kworkerStats: new Map() };
}

/** A kworker: seen running a work item, or named like one. */
export function isKworker(s: WorkqueueState, pid: number, comm: string | undefined): boolean {
  return s.kworkerPids.has(pid) || (comm !== undefined && isKworkerComm(comm));
}
