import type { TraceEvent } from '../model/events.js';
import { NS_PER_MS } from '../model/time.js';

/**
 * A bounded reorder buffer for merged input whose lines are not in time order (per-CPU buffers
 * concatenated, several readers of trace_pipe, an unsorted `perf script`). Events are released in
 * (timestamp, arrival) order once the newest timestamp seen is `windowNs` past them, so events of
 * one CPU keep their order and events of different CPUs are merged. Memory is the events of one
 * window. Disorder wider than the window cannot be repaired; it is still counted by the caller.
 *
 * Once reordering starts it stays on for the rest of the input, though nearly every event arrives
 * in order (a perf.data has a few dozen late records in a million): those go to a queue in arrival
 * order, which is also time order (an event joins it only at or after its newest time), and only
 * the late ones to a min-heap on (timestamp, arrival). A late event ties with a queued one only if
 * it arrived after it (everything queued after a late event is newer than it), so on equal times
 * the queue's head goes first. One comparison per in-order event, instead of a heap's ~2·log2 of
 * the ~40 000 events a busy 50 ms window holds.
 */

/** How far back in time a late line can be put in its place: 50 ms. */
export const REORDER_WINDOW_NS = 50 * NS_PER_MS;

export interface Reorderer {
  push(e: TraceEvent): void;
  /** Releases everything held (end of input). */
  flush(): void;
  readonly held: number;
}

/** First size of the in-order queue's ring (a power of two; it doubles when full). */
const RING = 1024;

export function createReorderer(emit: (e: TraceEvent) => void, windowNs = REORDER_WINDOW_NS): Reorderer {
  // The in-order queue: a ring of `count` events from `head` (a window holds tens of thousands).
  let ring: (TraceEvent | undefined)[] = new Array<TraceEvent | undefined>(RING);
  let mask = RING - 1;
  let head = 0;
  let count = 0;
  const enqueue = (e: TraceEvent): void => {
    if (count === ring.length) {
      const bigger = new Array<TraceEvent | undefined>(ring.length * 2);
      for (let i = 0; i < count; i++) bigger[i] = ring[(head + i) & mask];
      ring = bigger;
      mask = bigger.length - 1;
      head = 0;
    }
    ring[(head + count) & mask] = e;
    count++;
  };
  /** Newest time ever queued: an event older than it is late. */
  let tail = -Infinity;
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
  const pushLate = (e: TraceEvent): void => {
    heap.push(e);
    seqs.push(seq++);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const popLate = (): TraceEvent => {
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
  /** Releases, in order, every held event at or before `limit`. */
  const release = (limit: number): void => {
    for (;;) {
      const q = count > 0 ? (ring[head] as TraceEvent) : undefined;
      if (heap.length > 0 && (q === undefined || (heap[0] as TraceEvent).ts < q.ts)) {
        if ((heap[0] as TraceEvent).ts > limit) break;
        emit(popLate());
      } else if (q !== undefined && q.ts <= limit) {
        ring[head] = undefined;
        head = (head + 1) & mask;
        count--;
        emit(q);
      } else break;
    }
  };
  return {
    push(e) {
      const ts = e.ts;
      if (ts >= tail) {
        enqueue(e);
        tail = ts;
      } else pushLate(e);
      if (ts > newest) newest = ts;
      release(newest - windowNs);
    },
    flush() {
      release(Infinity);
    },
    get held() {
      return count + heap.length;
    },
  };
}
