import { TaskSet } from '../task-map.js';

/** What the scheduler handler (sched.ts) keeps between events: all of it outlives a unit switch. */

export interface SchedState {
  /** Last sched_waking / sched_wakeup / switch-in of each task (read by the workqueue handler). */
  lastWaking: Map<number, { ts: number; cpu: number; line: number }>;
  lastWakeup: Map<number, { ts: number; cpu: number; line: number }>;
  lastSwitchIn: Map<number, { ts: number; cpu: number; line: number }>;
  /** Last name seen per pid (renames and pid reuse are counted). */
  comms: Map<number, string>;
  /** Tasks blocked in D, by pid (for sync-waiter inference). */
  blocked: TaskSet;
}

export function schedState(prev?: SchedState): SchedState {
  return prev ?? { lastWaking: new Map(), lastWakeup: new Map(), lastSwitchIn: new Map(), comms: new Map(), blocked: new TaskSet() };
}
