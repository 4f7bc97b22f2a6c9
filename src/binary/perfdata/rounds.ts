/**
 * perf's ordering of records (tools/perf/util/ordered-events.c), so events come out in the order
 * `perf script` prints them. perf record drains the per-CPU buffers one after the other and writes
 * FINISHED_ROUND after each pass: within a pass samples of different CPUs interleave out of time
 * order, and a CPU's samples of one pass may even be older than another CPU's of the pass before.
 * So at each FINISHED_ROUND perf releases, sorted by time (ties in arrival order), the records
 * up to the newest time seen at the *previous* round, and keeps the rest. A record older than what
 * was already released is sorted into what is left (perf counts it as unordered).
 *
 * Memory is that of about two rounds. A file without rounds would hold everything; past
 * `maxHeld` records the older half is released (perf's "flush half" when its queue is full).
 */

export interface Timed {
  ts: number;
}

export interface RoundQueue<T extends Timed> {
  push(item: T): void;
  /** FINISHED_ROUND. */
  round(): void;
  /** End of input: everything, sorted. */
  flush(): void;
  readonly held: number;
}

export const MAX_HELD = 400_000;

export function createRoundQueue<T extends Timed>(emit: (item: T) => void, maxHeld = MAX_HELD): RoundQueue<T> {
  let held: T[] = [];
  let maxTs = -Infinity;
  let nextFlush = -Infinity;
  let sorted = true;
  const byTime = (a: T, b: T): number => a.ts - b.ts;

  /** Releases, in time order, every held item with ts ≤ limit (Array.prototype.sort is stable). */
  const release = (limit: number): void => {
    if (held.length === 0) return;
    if (!sorted) held.sort(byTime);
    sorted = true;
    let n = 0;
    while (n < held.length && (held[n] as T).ts <= limit) n++;
    if (n === 0) return;
    const out = n === held.length ? held : held.slice(0, n);
    held = n === held.length ? [] : held.slice(n);
    for (const item of out) emit(item);
  };

  return {
    push(item) {
      const last = held[held.length - 1];
      if (last !== undefined && item.ts < last.ts) sorted = false;
      held.push(item);
      if (item.ts > maxTs) maxTs = item.ts;
      if (held.length > maxHeld) {
        if (!sorted) held.sort(byTime);
        sorted = true;
        release((held[held.length >> 1] as T).ts);
      }
    },
    round() {
      release(nextFlush);
      nextFlush = maxTs;
    },
    flush() {
      release(Infinity);
    },
    get held() {
      return held.length;
    },
  };
}
