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

/** Holds events, or anything else that has a time (`T`: the caller's numbers for held records). */
export interface Reorderer<T = TraceEvent> {
  /**
   * `ts`: the event's time when the caller has it at hand (it is `e.ts`). Events come in a dozen
   * shapes, so reading `e.ts` here is a megamorphic load that boxes the number into a new heap
   * object; the times are kept in typed arrays beside the events and read from there only.
   */
  push(e: T, ts?: number): void;
  /** Releases everything held (end of input). */
  flush(): void;
  readonly held: number;
}

/** First size of the in-order queue's ring (a power of two; it doubles when full). */
const RING = 1024;

export function createReorderer<T = TraceEvent>(emit: (e: T) => void, windowNs = REORDER_WINDOW_NS): Reorderer<T> {
  // The in-order queue: a ring of `count` events from `head` (a window holds tens of thousands),
  // their times in `ringTs`.
  let ring: (T | undefined)[] = new Array<T | undefined>(RING);
  let ringTs = new Float64Array(RING);
  let mask = RING - 1;
  let head = 0;
  let count = 0;
  const enqueue = (e: T, ts: number): void => {
    if (count === ring.length) {
      const bigger = new Array<T | undefined>(ring.length * 2);
      const biggerTs = new Float64Array(ring.length * 2);
      for (let i = 0; i < count; i++) {
        bigger[i] = ring[(head + i) & mask];
        biggerTs[i] = ringTs[(head + i) & mask] as number;
      }
      ring = bigger;
      ringTs = biggerTs;
      mask = bigger.length - 1;
      head = 0;
    }
    const at = (head + count) & mask;
    ring[at] = e;
    ringTs[at] = ts;
    count++;
  };
  /** Newest time ever queued: an event older than it is late. */
  let tail = -Infinity;
  // The late events' min-heap on (time, arrival): parallel arrays of event, time and arrival.
  const heap: T[] = [];
  const heapTs: number[] = [];
  const seqs: number[] = [];
  let seq = 0;
  let newest = -Infinity;
  const less = (i: number, j: number): boolean => {
    const a = heapTs[i] as number;
    const b = heapTs[j] as number;
    return a < b || (a === b && (seqs[i] as number) < (seqs[j] as number));
  };
  const swap = (i: number, j: number): void => {
    const e = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = e;
    const t = heapTs[i] as number;
    heapTs[i] = heapTs[j] as number;
    heapTs[j] = t;
    const s = seqs[i] as number;
    seqs[i] = seqs[j] as number;
    seqs[j] = s;
  };
  const pushLate = (e: T, ts: number): void => {
    heap.push(e);
    heapTs.push(ts);
    seqs.push(seq++);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) break;
      swap(i, p);
      i = p;
    }
  };
  const popLate = (): T => {
    const top = heap[0] as T;
    const last = heap.length - 1;
    swap(0, last);
    heap.pop();
    heapTs.pop();
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
      const qTs = ringTs[head] as number;
      // (Times may be NaN: a text input's loss marker before any event.)
      if (heap.length > 0 && (count === 0 || (heapTs[0] as number) < qTs)) {
        if ((heapTs[0] as number) > limit) break;
        emit(popLate());
      } else if (count > 0 && qTs <= limit) {
        const q = ring[head] as T;
        ring[head] = undefined;
        head = (head + 1) & mask;
        count--;
        emit(q);
      } else break;
    }
  };
  return {
    push(e, ts = (e as unknown as TraceEvent).ts) {
      if (ts >= tail) {
        enqueue(e, ts);
        tail = ts;
      } else pushLate(e, ts);
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
