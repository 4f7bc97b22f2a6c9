import type { ExecContext, TraceEvent } from '../../model/events.js';
import type { Engine } from '../engine.js';

/**
 * CPU timelines for the stacked presets. A CPU runs one segment at a time — a task's run between
 * two sched_switch events, or an interrupt with the softirq it raises — reserved whole when it is
 * decided, starting when the CPU is next free. Interrupts therefore wait for a running segment to
 * end instead of nesting inside it: a simplification that keeps every event's context exact (what
 * the ground truth is about) at the cost of interrupt latency under load. Events are produced out
 * of order (a segment's events are written when it is reserved, ahead of the engine's clock) and
 * leave through a heap in time order: nothing is ever reserved before the engine's present, so
 * every event older than it can go; only events ahead of the clock are held.
 */

export interface SimTask {
  pid: number;
  comm: string;
  prio: number;
  /** prev_state printed when it gives the CPU up: S (fio), I (kworker). */
  sleepState: string;
}

export const idleTask = (cpu: number): SimTask => ({ pid: 0, comm: `swapper/${cpu}`, prio: 120, sleepState: 'R' });

/** An event payload without its header. */
export type Payload = { kind: TraceEvent['kind'] } & Record<string, unknown>;

/** The state of one segment while it is being written: its CPU, clock, task and context. */
export interface Seg {
  cpu: number;
  t: number;
  task: SimTask;
  ctx: ExecContext;
  /** Emits an event now; `depth` is the preempt depth printed in the flags. */
  put(e: Payload, irqsOff?: boolean, depth?: number): void;
  spend(ns: number): void;
  /** sched_switch from the current task to `next` (prev_state from the current task). */
  switchTo(next: SimTask): void;
}

export interface Timeline {
  /** Reserves `cpu` from max(at, when it is free) and writes the segment; returns its end. */
  reserve(cpu: number, at: number, build: (s: Seg) => void): number;
  /**
   * Writes events of `task` at instant `ts` on `cpu` without reserving it: a call that a segment
   * already written made at that instant (ts must not be before the engine's present).
   */
  reserveAt(cpu: number, ts: number, task: SimTask, build: (s: Seg) => void): void;
  freeAt(cpu: number): number;
  /** Releases the events older than the engine's present (or all, at the end). */
  flush(all?: boolean): void;
  count(): number;
}

const CTX_CHAR: Record<ExecContext, string> = { task: '.', softirq: 's', hardirq: 'h', nmi: 'z' };
const HEX = '0123456789abcdef';

export function createTimeline(engine: Engine, cpus: number, startNs: number, out: (e: TraceEvent) => void): Timeline {
  const free: number[] = new Array<number>(cpus).fill(0);
  const idle = Array.from({ length: cpus }, (_, c) => idleTask(c));
  // Binary min-heap on (ts, seq).
  const heap: { e: TraceEvent; seq: number }[] = [];
  let seq = 0;
  let n = 0;
  const less = (a: { e: TraceEvent; seq: number }, b: { e: TraceEvent; seq: number }): boolean => a.e.ts < b.e.ts || (a.e.ts === b.e.ts && a.seq < b.seq);
  function push(e: TraceEvent): void {
    const x = { e, seq: seq++ };
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const pi = (i - 1) >> 1;
      if (!less(x, heap[pi]!)) break;
      heap[i] = heap[pi]!;
      i = pi;
    }
    heap[i] = x;
  }
  function pop(): TraceEvent {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const m = r < heap.length && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[m]!, last)) break;
        heap[i] = heap[m]!;
        i = m;
      }
      heap[i] = last;
    }
    return top.e;
  }

  function reserve(cpu: number, at: number, build: (s: Seg) => void): number {
    const s = makeSeg(cpu, Math.max(at, free[cpu]!, engine.now()), idle[cpu]!);
    build(s);
    if (s.task.pid !== 0) s.switchTo(idle[cpu]!);
    free[cpu] = s.t;
    return s.t;
  }

  function makeSeg(cpu: number, start: number, task: SimTask): Seg {
    const s: Seg = {
      cpu,
      t: start,
      task,
      ctx: 'task',
      put(e, irqsOff = false, depth = 0) {
        const c = s.ctx;
        const off = irqsOff || c === 'hardirq';
        // The idle task runs with preemption disabled: its interrupts show one more level.
        const d = c !== 'task' && s.task.pid === 0 ? depth + 1 : depth;
        const o = e as Record<string, unknown>;
        o.line = 0;
        o.ts = s.t + startNs;
        o.cpu = cpu;
        o.pid = s.task.pid;
        o.comm = s.task.pid === 0 ? '<idle>' : s.task.comm;
        o.flags = `${off ? 'd' : '.'}.${CTX_CHAR[c]}${d === 0 ? '.' : HEX[d & 15]}.`;
        o.ctx = c;
        n++;
        push(e as unknown as TraceEvent);
      },
      spend(ns) {
        s.t += Math.max(0, Math.round(ns));
      },
      switchTo(next) {
        const prev = s.task;
        s.put({ kind: 'sched_switch', prevComm: prev.comm, prevPid: prev.pid, prevPrio: prev.prio, prevState: prev.sleepState, nextComm: next.comm, nextPid: next.pid, nextPrio: next.prio, form: 'kernel' }, true, 2);
        s.task = next;
        s.spend(300);
      },
    };
    return s;
  }

  return {
    reserve,
    reserveAt: (cpu, ts, task, build) => build(makeSeg(cpu, ts, task)),
    freeAt: (cpu) => free[cpu]!,
    flush(all = false) {
      const lim = engine.now() + startNs;
      while (heap.length > 0 && (all || heap[0]!.e.ts < lim)) out(pop());
    },
    count: () => n,
  };
}
