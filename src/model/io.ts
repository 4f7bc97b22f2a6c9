import type { ExecContext } from './events.js';
import type { IoLayerPath } from './layers.js';
import type { Nanos } from './time.js';

/**
 * One I/O's path through the kernel, as rebuilt from a trace. An I/O is one direct-I/O request
 * (iomap_dio_rw_begin … iomap_dio_complete) when the trace has iomap events, otherwise one block
 * request (block_rq_issue … block_rq_complete). Every stage keeps the time and the input line it
 * came from, so every number in a report can be traced back to the lines behind it.
 */

export { COMPLETION_MODES, type CompletionMode, type IoUnit } from './modes.js';
import type { CompletionMode, IoUnit } from './modes.js';

/** Why an I/O could not be classified. */
export type UnresolvedReason =
  | 'trace_start' // its submission or issue happened before the trace began
  | 'trace_end' // still in flight when the trace ended
  | 'lost_events' // the tracer lost events on a CPU while it was in flight
  | 'missing_events' // the events needed to follow it are not in the trace: their types were not traced, or the perf.data did not cover them (per task, -C, sampled)
  | 'no_context' // paired (device time, size, direction known), but no event tells the context it completed in
  | 'timeout'; // in flight longer than the block layer's own timeout: its end was never traced

/** For task-inline: the submitter completed it before submission returned, or a sync waiter did. */
export type TaskInlineKind = 'submitter' | 'sync-waiter' | 'other-task';

export interface Stage {
  ts: Nanos;
  cpu: number;
  line: number;
}

export interface IoPath {
  id: number;
  unit: IoUnit;
  /** 'R' or 'W' (from the rwbs or iocb flags); '' when unknown. */
  dir: 'R' | 'W' | '';
  bytes: number;
  // identities that joined it
  dev?: string;
  ino?: string;
  offset?: number;
  sector?: number;
  work?: string;
  /** The completion work item's function and workqueue (`iomap_dio_complete_work`, `dio/vda`), when one completed it. */
  workFunction?: string;
  workqueue?: string;
  submitterPid?: number;
  submitterComm?: string;
  // stages
  submit?: Stage;
  issue?: Stage;
  /**
   * The block completion. `pid`/`comm` (the task its line names) are given when its context is
   * unknown (`no_context`): then the task is all the trace says about where it ran.
   */
  deviceComplete?: Stage & { ctx: ExecContext | 'unknown'; pid?: number; comm?: string };
  queueWork?: Stage;
  activate?: Stage;
  /** sched_waking of the kworker (wakeup asked for) and sched_wakeup (runnable), when it slept. */
  kworkerWaking?: Stage;
  kworkerWakeup?: Stage;
  kworkerSwitchIn?: Stage;
  executeStart?: Stage & { pid: number; comm: string };
  executeEnd?: Stage;
  completion?: Stage & { ctx: ExecContext | 'unknown'; pid: number; comm: string };
  // classification
  mode: CompletionMode;
  irqContext?: 'hardirq' | 'softirq';
  taskKind?: TaskInlineKind;
  unresolvedReason?: UnresolvedReason;
  /** How the mode was decided: from the completion event's context, or inferred without iomap events. */
  evidence: 'iomap_dio_complete' | 'inferred' | 'none';
  /** The device layers it went through (top first) and its completion hops (model/layers.ts). */
  layers?: IoLayerPath;
}

/**
 * With unit `auto` the analysis counts block requests until the first iomap event, then starts
 * again with DIOs: the request I/Os it streamed before (onIo) are not in the analysis. True at that
 * switch, which happens once: a writer of per-I/O rows starts its output again there.
 */
export function unitRestarted(prev: IoUnit | undefined, next: IoUnit): boolean {
  return prev === 'request' && next === 'dio';
}

export const PHASES = ['total', 'device', 'completion', 'deferralWait', 'work'] as const;
export type Phase = (typeof PHASES)[number];

/** The phases of a path in ns, undefined where a stage is missing. */
export function phasesOf(p: IoPath): Record<Phase, Nanos | undefined> {
  const v = phaseValues(p, []);
  return { total: v[0], device: v[1], completion: v[2], deferralWait: v[3], work: v[4] };
}

const span = (a: Stage | undefined, b: Stage | undefined): Nanos | undefined => (a && b && b.ts >= a.ts ? b.ts - a.ts : undefined);

/**
 * The phases of a path in PHASES order, written into `out` (returned): the summary folds every
 * I/O's phases by index, without an object per I/O or a lookup by phase name.
 */
export function phaseValues(p: IoPath, out: (Nanos | undefined)[]): (Nanos | undefined)[] {
  out[0] = span(p.submit ?? p.issue, p.completion);
  out[1] = span(p.issue, p.deviceComplete);
  out[2] = span(p.deviceComplete, p.completion);
  out[3] = span(p.queueWork, p.executeStart);
  out[4] = span(p.executeStart, p.executeEnd);
  return out;
}
