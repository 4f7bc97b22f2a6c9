import type { TraceEvent } from '../model/events.js';
import { NS_PER_MS } from '../model/time.js';

/**
 * A bounded reorder buffer for merged input whose lines are not in time order (per-CPU buffers
 * concatenated, several readers of trace_pipe, an unsorted `perf script`). Events are held in a
 * min-heap on (timestamp, arrival) and released once the newest timestamp seen is `windowNs`
 * past them, so events of one CPU keep their order and events of different CPUs are merged.
 * Memory is the events of one window. Disorder wider than the window cannot be repaired; it is
 * still counted by the caller.
 */

/** How far back in time a late line can be put in its place: 50 ms. */
export const REORDER_WINDOW_NS = 50 * NS_PER_MS;

export interface Reorderer {
  push(e: TraceEvent): void;
  /** Releases everything held (end of input). */
  flush(): void;
  readonly held: number;
}

export function createReorderer(emit: (e: TraceEvent) => void, windowNs = REORDER_WINDOW_NS): Reorderer {
  const heap: TraceEvent[] = [];
  const seqs: number[] = [];
  let seq = 0;
  let newest = -Infinity;
  const less = (i: number, j: number): boolean => {
    const a = heap[i] as TraceEvent;
    const b = heap[j] as TraceEvent;
    return a.ts < b.ts || (a.ts === b.ts && (seqs[i] as number) < (seqs[j] as number));
  };
  const swap = (i: number, j: number): void => {
    const e = heap[i] as TraceEvent;
    heap[i] = heap[j] as TraceEvent;
    heap[j] = e;
    const s = seqs[i] as number;
    seqs[i] = seqs[j] as number;
    seqs[j] = s;
  };
  const pop = (): TraceEvent => {
    const top = heap[0] as TraceEvent;
    const last = heap.length - 1;
    swap(0, last);
    heap.pop();
    seqs.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
    return top;
  };
  return {
    push(e) {
      heap.push(e);
      seqs.push(seq++);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
      if (e.ts > newest) newest = e.ts;
      while (heap.length > 0 && (heap[0] as TraceEvent).ts <= newest - windowNs) emit(pop());
    },
    flush() {
      while (heap.length > 0) emit(pop());
    },
    get held() {
      return heap.length;
    },
  };
}
