import type { TraceEvent } from '../model/events.js';

/**
 * Rebuilds "what ran on each CPU" from the event stream: task run slices (sched_switch to
 * sched_switch), hardirq and softirq slices (entry to exit, nested per CPU) and workqueue items
 * (execute_start to execute_end). The analyzer folds the same events into CPU-time totals but keeps
 * no slices; the timeline chart and the Perfetto export need them, so this is a second, separate
 * reading of the trace. Callers bound it (a time window) where the trace is large.
 *
 * Slices on one CPU nest or are disjoint (the closed-open rule Perfetto uses), because interrupts
 * run inside whatever task is on the CPU and a work item only runs while its kworker is on the CPU:
 * a work item whose kworker sleeps mid-item is cut into pieces, one per stretch on a CPU.
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

interface CpuState {
  task?: Open;
  irqs: Open[];
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
  const cpus: CpuState[] = [];
  /** Open work items by kworker pid, with the CPU they are running on (undefined while switched out). */
  const work = new Map<number, Open & { cpu: number | undefined }>();
  let lastTs = 0;

  const state = (cpu: number): CpuState => (cpus[cpu] ??= { irqs: [] });
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
  const pop = (cpu: number, kind: SliceKind, ts: number): void => {
    const irqs = state(cpu).irqs;
    const i = irqs.map((o) => o.kind).lastIndexOf(kind);
    if (i < 0) return; // its entry was before the trace (or lost)
    // Anything opened above it lost its exit: close it here rather than let it leak.
    while (irqs.length > i) emit(cpu, irqs.pop() as Open, ts);
  };

  return {
    handle(e) {
      if (e.kind === 'lost') {
        const cpu = e.cpu >= 0 ? e.cpu : undefined;
        onLost?.({ cpu: cpu ?? -1, ts: e.ts, count: e.count, line: e.line });
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
      if (!c.task && c.irqs.length === 0 && e.kind !== 'sched_switch' && (e.ctx === 'task' || e.ctx === undefined) && e.pid >= 0)
        openTask(cpu, e.pid, e.comm, e.ts, e.line);
      switch (e.kind) {
        case 'sched_switch':
          closeTask(cpu, e.ts);
          openTask(cpu, e.nextPid, e.nextComm, e.ts, e.line);
          break;
        case 'irq_handler_entry':
          c.irqs.push({ kind: 'hardirq', name: e.name, pid: -1, start: e.ts, line: e.line });
          break;
        case 'irq_handler_exit':
          pop(cpu, 'hardirq', e.ts);
          break;
        case 'softirq_entry':
          c.irqs.push({ kind: 'softirq', name: e.action, pid: -1, start: e.ts, line: e.line });
          break;
        case 'softirq_exit':
          pop(cpu, 'softirq', e.ts);
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
