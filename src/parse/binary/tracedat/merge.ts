import type { RecordCursor } from './ring-records.js';

/**
 * Merges the CPUs' record cursors in time order, as `trace-cmd report` does: the earliest record
 * first, and on equal timestamps the lower CPU (index) first. A binary heap of cursor indices:
 * O(log CPUs) per record, nothing allocated per record.
 */

export interface Merger {
  /** The cursor holding the next record, or null when all are done. Advance it before asking again. */
  peek(): RecordCursor | null;
  /** Advances the cursor `peek` returned and restores the order. */
  pop(): void;
}

export function createMerger(cursors: RecordCursor[]): Merger {
  /** Cursors that have a current record, as a heap on (ts, index). */
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const ta = (cursors[a] as RecordCursor).ts;
    const tb = (cursors[b] as RecordCursor).ts;
    return ta < tb || (ta === tb && a < b);
  };
  const up = (i: number): void => {
    const x = heap[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(x, heap[p] as number)) break;
      heap[i] = heap[p] as number;
      i = p;
    }
    heap[i] = x;
  };
  const down = (i: number): void => {
    const n = heap.length;
    const x = heap[i] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && less(heap[c + 1] as number, heap[c] as number)) c++;
      if (!less(heap[c] as number, x)) break;
      heap[i] = heap[c] as number;
      i = c;
    }
    heap[i] = x;
  };
  cursors.forEach((_c, i) => {
    heap.push(i);
    up(heap.length - 1);
  });
  return {
    peek: () => (heap.length > 0 ? (cursors[heap[0] as number] as RecordCursor) : null),
    pop() {
      const top = heap[0] as number;
      if ((cursors[top] as RecordCursor).advance()) down(0);
      else {
        const last = heap.pop() as number;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      }
    },
  };
}
