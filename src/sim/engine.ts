import type { Nanos } from '../model/time.js';

/**
 * The discrete-event core, SimPy's shape: a binary heap of callbacks ordered by
 * (time, priority, sequence). The sequence number makes ties deterministic: two events at the same
 * time and priority run in the order they were scheduled, so a seed always gives the same run.
 * Cancelling marks the entry dead instead of removing it from the heap (lazy deletion): a CPU
 * interrupted mid-operation cancels its pending "operation done" event, and searching the heap for
 * it would cost O(n).
 */

export interface Scheduled {
  readonly time: Nanos;
  readonly priority: number;
  readonly seq: number;
  cancelled: boolean;
  readonly fn: () => void;
}

export interface Engine {
  now(): Nanos;
  /** Runs `fn` at absolute time `time` (never earlier than now). Lower priority runs first on ties. */
  schedule(time: Nanos, priority: number, fn: () => void): Scheduled;
  /** Runs `fn` after `delay` ns. */
  after(delay: Nanos, priority: number, fn: () => void): Scheduled;
  cancel(s: Scheduled): void;
  /** Runs the next live event; false when none is left. */
  step(): boolean;
  /** Runs events while their time is ≤ `until` and `stop()` (checked between events) is false. */
  run(opts?: { until?: Nanos; stop?: () => boolean }): void;
  /** Live and cancelled entries still in the heap. */
  size(): number;
}

/** Event priorities used by the model: device first, then interrupts, then CPU operations. */
export const PRIO_DEVICE = 0;
export const PRIO_IRQ = 1;
export const PRIO_CPU = 2;
export const PRIO_LOW = 3;

function before(a: Scheduled, b: Scheduled): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export function createEngine(start: Nanos = 0): Engine {
  const heap: Scheduled[] = [];
  let now = start;
  let seq = 0;

  function push(s: Scheduled): void {
    let i = heap.length;
    heap.push(s);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled;
      if (!before(s, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = s;
  }

  function pop(): Scheduled | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(heap[r] as Scheduled, heap[l] as Scheduled)) c = r;
      const child = heap[c] as Scheduled;
      if (!before(child, last)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }

  function schedule(time: Nanos, priority: number, fn: () => void): Scheduled {
    if (!(time >= now)) throw new Error(`cannot schedule in the past (${time} < ${now})`);
    const s: Scheduled = { time, priority, seq: seq++, cancelled: false, fn };
    push(s);
    return s;
  }

  function step(): boolean {
    for (;;) {
      const s = pop();
      if (s === undefined) return false;
      if (s.cancelled) continue;
      now = s.time;
      s.fn();
      return true;
    }
  }

  function run(opts: { until?: Nanos; stop?: () => boolean } = {}): void {
    const until = opts.until ?? Infinity;
    const stop = opts.stop;
    for (;;) {
      if (stop !== undefined && stop()) return;
      // Skip dead entries at the top so `until` is checked against a live event.
      while (heap.length > 0 && (heap[0] as Scheduled).cancelled) pop();
      const top = heap[0];
      if (top === undefined || top.time > until) return;
      step();
    }
  }

  return {
    now: () => now,
    schedule,
    after: (delay, priority, fn) => schedule(now + delay, priority, fn),
    cancel: (s) => {
      s.cancelled = true;
    },
    step,
    run,
    size: () => heap.length,
  };
}
