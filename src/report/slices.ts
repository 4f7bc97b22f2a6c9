import { createContextTracker, newCpuContext, type CpuContext } from '../kernel/cpu-context.js';
import type { TraceEvent } from '../model/events.js';

/**
 * Rebuilds "what ran on each CPU" from the event stream: task run slices (sched_switch to
 * sched_switch), hardirq and softirq slices (entry to exit, nested per CPU) and workqueue items
 * (execute_start to execute_end). The analyzer folds the same events into CPU-time totals but keeps
 * no slices; the timeline chart and the Perfetto export need them. The report feeds this builder
 * from the analysis' own pass (timeline-window.ts); the Perfetto export reads the trace for it.
 * Callers bound what they keep (a time window) where the trace is large.
 *
 * Slices on one CPU nest or are disjoint (the closed-open rule Perfetto uses), because interrupts
 * run inside whatever task is on the CPU and a work item only runs while its kworker is on the CPU:
 * a work item whose kworker sleeps mid-item is cut into pieces, one per stretch on a CPU.
 *
 * Which interrupts are open is the analyzer's answer (kernel/cpu-context.ts): an exit closes its
 * own entry and whatever was opened above it; a stack the tracker repairs (its exit was never
 * traced) ends its slices at the last event seen on the CPU, the last evidence they ran; a
 * lost-events marker drops them.
 */

export type SliceKind = 'task' | 'hardirq' | 'softirq' | 'work';

export interface CpuSlice {
  cpu: number;
  kind: SliceKind;
  startNs: number;
  endNs: number;
  /** Task comm, irq handler name, softirq action or work function, as printed in the trace. */
  name: string;
  /** Task pid for task and work slices; -1 for interrupts. */
  pid: number;
  /** Input line that opened the slice. */
  line: number;
}

export interface LostMark {
  cpu: number;
  ts: number;
  count: number;
  line: number;
}

export interface SliceBuilder {
  handle(e: TraceEvent): void;
  /** Closes every open slice at `endNs` (the end of the trace or of the window). */
  finish(endNs: number): void;
}

interface Open {
  kind: SliceKind;
  name: string;
  pid: number;
  start: number;
  line: number;
}

/** Per CPU: the context tracker's record, the task on the CPU, the slices of `stack` (same order). */
interface SliceCpu extends CpuContext {
  task?: Open;
  irqs: Open[];
  /** Time of the last event seen on the CPU. */
  lastTs: number;
}

/** Events the builder reads; a caller streaming the trace can parse only these payloads. */
export const SLICE_EVENTS: ReadonlySet<string> = new Set([
  'sched_switch',
  'irq_handler_entry',
  'irq_handler_exit',
  'softirq_entry',
  'softirq_exit',
  'workqueue_execute_start',
  'workqueue_execute_end',
]);

export function createSliceBuilder(onSlice: (s: CpuSlice) => void, onLost?: (m: LostMark) => void): SliceBuilder {
  const contexts = createContextTracker((cpu): SliceCpu => ({ ...newCpuContext(cpu), irqs: [], lastTs: NaN }));
  const cpus = contexts.cpus;
  /** Open work items by kworker pid, with the CPU they are running on (undefined while switched out). */
  const work = new Map<number, Open & { cpu: number | undefined }>();
  let lastTs = 0;

  const state = (cpu: number): SliceCpu => contexts.cpu(cpu);
  const emit = (cpu: number, o: Open, end: number): void => {
    if (end >= o.start) onSlice({ cpu, kind: o.kind, startNs: o.start, endNs: end, name: o.name, pid: o.pid, line: o.line });
  };
  const closeTask = (cpu: number, ts: number): void => {
    const c = state(cpu);
    if (c.task) {
      const w = work.get(c.task.pid);
      if (w && w.cpu === cpu) {
        emit(cpu, w, ts);
        w.cpu = undefined;
      }
      emit(cpu, c.task, ts);
      c.task = undefined;
    }
  };
  const openTask = (cpu: number, pid: number, comm: string, ts: number, line: number): void => {
    state(cpu).task = { kind: 'task', name: comm, pid, start: ts, line };
    const w = work.get(pid);
    // A kworker that slept inside a work item resumes it here: a new piece of the same item.
    if (w && w.cpu === undefined) Object.assign(w, { cpu, start: ts });
  };
  /** Closes the slices the tracker no longer has open at `ts`. */
  const closeAbove = (c: SliceCpu, ts: number): void => {
    while (c.irqs.length > c.stack.length) emit(c.cpu, c.irqs.pop() as Open, ts);
  };

  return {
    handle(e) {
      if (e.kind === 'lost') {
        const cpu = e.cpu >= 0 ? e.cpu : undefined;
        onLost?.({ cpu: cpu ?? -1, ts: e.ts, count: e.count, line: e.line });
        contexts.handle(e);
        // Entries and exits may be gone: drop what is open rather than draw slices that may be wrong.
        for (const [i, c] of cpus.entries()) {
          if (!c || (cpu !== undefined && i !== cpu)) continue;
          c.irqs = [];
          if (c.task) closeTask(i, e.ts);
        }
        return;
      }
      const cpu = e.cpu;
      if (e.ts > lastTs) lastTs = e.ts;
      const c = state(cpu);
      // The first task-context event on a CPU tells who runs there before any sched_switch does.
      if (!c.task && c.stack.length === 0 && e.kind !== 'sched_switch' && (e.ctx === 'task' || e.ctx === undefined) && e.pid >= 0)
        openTask(cpu, e.pid, e.comm, e.ts, e.line);
      contexts.handle(e);
      // An exit closes its slice and any left open above it; a repair ends the open ones at the
      // last event seen inside them.
      const isExit = e.kind === 'irq_handler_exit' || e.kind === 'softirq_exit';
      closeAbove(c, isExit ? e.ts : Number.isNaN(c.lastTs) ? e.ts : c.lastTs);
      c.lastTs = e.ts;
      switch (e.kind) {
        case 'sched_switch':
          closeTask(cpu, e.ts);
          openTask(cpu, e.nextPid, e.nextComm, e.ts, e.line);
          break;
        case 'irq_handler_entry':
          c.irqs.push({ kind: 'hardirq', name: e.name, pid: -1, start: e.ts, line: e.line });
          break;
        case 'softirq_entry':
          c.irqs.push({ kind: 'softirq', name: e.action, pid: -1, start: e.ts, line: e.line });
          break;
        case 'workqueue_execute_start':
          work.set(e.pid, { kind: 'work', name: e.function, pid: e.pid, start: e.ts, line: e.line, cpu });
          break;
        case 'workqueue_execute_end': {
          const w = work.get(e.pid);
          if (w && w.cpu !== undefined) emit(w.cpu, w, e.ts);
          work.delete(e.pid);
          break;
        }
        default:
          break;
      }
    },
    finish(endNs) {
      const end = Number.isFinite(endNs) ? endNs : lastTs;
      for (const w of work.values()) if (w.cpu !== undefined) emit(w.cpu, w, end);
      work.clear();
      for (const [i, c] of cpus.entries()) {
        if (!c) continue;
        while (c.irqs.length > 0) emit(i, c.irqs.pop() as Open, end);
        if (c.task) emit(i, c.task, end);
        c.task = undefined;
      }
    },
  };
}
