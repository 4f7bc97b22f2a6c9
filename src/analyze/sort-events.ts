import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import { NS_PER_MS } from '../model/time.js';
import { REORDER_WINDOW_NS } from '../parse/reorder.js';

/**
 * Input out of time order beyond what the stream's reorder window repairs: per-CPU `trace` files
 * concatenated (`cat per_cpu/cpu*\/trace`), or one CPU's block pasted after another's. The stream
 * puts a late line back in its place only within REORDER_WINDOW_NS; an I/O whose issue sits in
 * CPU 0's part and whose completion sits in CPU 1's, 100 ms earlier in the file, is then paired
 * the wrong way round or not at all.
 *
 * So the analysis holds the events back, up to a memory budget: when the input ends within it and
 * an event came after a later one of another CPU, the events are put in time order and handed on,
 * with an info diagnostic saying so. The order is a merge of the CPUs' own sequences by timestamp,
 * ties in input order: a stable sort by timestamp when each CPU's events are in order, and where a
 * CPU's own clock went back (`timestamp_regression`) its events keep the order its buffer gave
 * them, which is the order they happened in. Input in order is handed on unchanged. An input larger
 * than the budget is handed on as it comes (the stream's 50 ms window only), with a warning when it
 * turns out not to be in order.
 */

/**
 * Events held at most: 64 MiB of trace text, at the 140 bytes an event line takes in the shared
 * captures (30,193,603 bytes for 215,674 lines in libaio-randwrite-cpu0): about 480,000 events.
 * Held, a parsed event takes ~425 bytes of heap (measured on the same capture, Node 20: 92 MB), so
 * the budget costs at most ~200 MB; the analysis of that capture peaked at 240 MB RSS instead of
 * 139 MB.
 */
export const SORT_BUDGET_TEXT_BYTES = 64 << 20;
export const TEXT_BYTES_PER_EVENT = 140;
export const MAX_SORTED_EVENTS = Math.floor(SORT_BUDGET_TEXT_BYTES / TEXT_BYTES_PER_EVENT);

export interface EventSorter {
  push(e: TraceEvent): void;
  /** End of input: hands on what is held, sorted when it was out of order. */
  finish(): void;
}

/** Lost markers carry the timestamp of the event before them, NaN when there was none. */
const key = (e: TraceEvent): number => (Number.isNaN(e.ts) ? -Infinity : e.ts);

/**
 * The events in time order: each CPU's sequence kept, the sequences merged by timestamp (ties by
 * input position) through a min-heap of the CPUs' next events.
 */
export function mergeByCpu(events: readonly TraceEvent[]): TraceEvent[] {
  const byCpu = new Map<number, number[]>();
  events.forEach((e, i) => {
    let list = byCpu.get(e.cpu);
    if (!list) byCpu.set(e.cpu, (list = []));
    list.push(i);
  });
  const lists = [...byCpu.values()];
  const at = lists.map(() => 0);
  const head = (l: number): number => (lists[l] as number[])[at[l] as number] as number;
  const less = (a: number, b: number): boolean => {
    const ea = events[head(a)] as TraceEvent;
    const eb = events[head(b)] as TraceEvent;
    return key(ea) < key(eb) || (key(ea) === key(eb) && head(a) < head(b));
  };
  const heap = lists.map((_, l) => l);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l] as number, heap[m] as number)) m = l;
      if (r < heap.length && less(heap[r] as number, heap[m] as number)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out: TraceEvent[] = [];
  while (heap.length > 0) {
    const l = heap[0] as number;
    out.push(events[head(l)] as TraceEvent);
    at[l] = (at[l] as number) + 1;
    if ((at[l] as number) >= (lists[l] as number[]).length) {
      heap[0] = heap[heap.length - 1] as number;
      heap.pop();
    }
    if (heap.length > 0) down(0);
  }
  return out;
}

export function createEventSorter(emit: (e: TraceEvent) => void, diagnostics: DiagnosticsCollector, maxEvents = MAX_SORTED_EVENTS): EventSorter {
  let held: TraceEvent[] | null = [];
  /** The latest timestamp per CPU, and the two latest of different CPUs (top.cpu's and the next). */
  const cpuMax = new Map<number, number>();
  const top = { cpu: NaN, ts: -Infinity };
  let second = -Infinity;
  /** The first event earlier than one of another CPU before it (after the stream's reorder window). */
  let firstLate: TraceEvent | undefined;
  let late = 0;
  let warned = false;

  const warn = (e: TraceEvent): void => {
    warned = true;
    diagnostics.add(
      'unsorted_input',
      e.line,
      `events out of time order beyond the ${REORDER_WINDOW_NS / NS_PER_MS} ms reorder window, in an input of more than ${maxEvents} events: analysed in input order (sort it by timestamp first for exact results)`,
    );
  };

  /** Notes the event's time; true when another CPU had a later event before it. */
  const isLate = (e: TraceEvent): boolean => {
    const k = key(e);
    const otherMax = e.cpu === top.cpu ? second : top.ts;
    const mine = Math.max(cpuMax.get(e.cpu) ?? -Infinity, k);
    cpuMax.set(e.cpu, mine);
    if (e.cpu === top.cpu) top.ts = mine;
    else if (mine > top.ts) {
      second = top.ts;
      top.cpu = e.cpu;
      top.ts = mine;
    } else if (mine > second) second = mine;
    return k < otherMax;
  };

  return {
    push(e) {
      // Loss markers are left out of the order, as the stream leaves them (perf's carry a time of
      // their own: `perf 3992 [000] 222.546917264: PERF_RECORD_LOST lost 5` sits before events
      // 217 µs earlier); in a merge they keep their place in their CPU's sequence.
      if (e.kind !== 'lost' && isLate(e)) {
        late++;
        firstLate ??= e;
        if (held === null && !warned) warn(e);
      }
      if (held === null) return emit(e);
      held.push(e);
      if (held.length < maxEvents) return;
      // Over the budget: what is held goes on in input order, and so does the rest.
      const out = held;
      held = null;
      if (firstLate) warn(firstLate);
      for (const x of out) emit(x);
    },
    finish() {
      if (held === null) return;
      let out = held;
      held = null;
      if (firstLate) {
        out = mergeByCpu(out);
        diagnostics.add(
          'sorted_input',
          firstLate.line,
          `${late} event${late === 1 ? '' : 's'} earlier than an event of another CPU before ${late === 1 ? 'it' : 'them'}, beyond the ${REORDER_WINDOW_NS / NS_PER_MS} ms reorder window: all ${out.length} events put in time order before analysis`,
        );
      }
      for (const x of out) emit(x);
    },
  };
}
