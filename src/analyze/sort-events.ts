import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Source } from '../input/lines.js';
import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import type { IoPath } from '../model/io.js';
import { NS_PER_MS } from '../model/time.js';
import { REORDER_WINDOW_NS } from '../parse/reorder.js';

/**
 * Input out of time order beyond what the stream's reorder window repairs: per-CPU `trace` files
 * concatenated (`cat per_cpu/cpu*\/trace`), or one CPU's block pasted after another's. The stream
 * puts a late line back in its place only within REORDER_WINDOW_NS; an I/O whose issue sits in
 * CPU 0's part and whose completion sits in CPU 1's, 100 ms earlier in the file, is then paired
 * the wrong way round or not at all.
 *
 * So an input out of time order is put in order before analysis when it is small enough to hold
 * (a file of up to 64 MiB of text), with an info diagnostic saying so. The order is a merge of the
 * CPUs' own sequences by timestamp, ties in input order: a stable sort by timestamp when each CPU's
 * events are in order, and where a CPU's own clock went back (`timestamp_regression`) its events
 * keep the order its buffer gave them, which is the order they happened in. Input in order costs
 * nothing: it is analysed as it comes, in one pass, holding no event (memory follows what is in
 * flight), and only an input found out of order is read again with its events held. Input that
 * cannot be read again or held (a pipe, a larger file) is analysed as it comes, with a warning.
 */

/**
 * Events held at most (a trace.dat packs more events in 64 MiB than text does): 64 MiB of trace text, at the 140 bytes an event line takes in the shared
 * captures (30,193,603 bytes for 215,674 lines in libaio-randwrite-cpu0): about 480,000 events.
 * Held, a parsed event takes ~425 bytes of heap (measured on the same capture, Node 20: 92 MB), so
 * the budget costs at most ~200 MB; the analysis of that capture peaked at 240 MB RSS instead of
 * 139 MB.
 */
export const SORT_BUDGET_TEXT_BYTES = 64 << 20;
export const TEXT_BYTES_PER_EVENT = 140;
export const MAX_SORTED_EVENTS = Math.floor(SORT_BUDGET_TEXT_BYTES / TEXT_BYTES_PER_EVENT);

/** CPU numbers below this index an array (kernels allow up to 8192 CPUs). */
const MAX_CPU_INDEX = 8192;

/** Lost markers carry the timestamp of the event before them, NaN when there was none. */
const key = (ts: number): number => (Number.isNaN(ts) ? -Infinity : ts);

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
    return key(ea.ts) < key(eb.ts) || (key(ea.ts) === key(eb.ts) && head(a) < head(b));
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

/**
 * What a pass does with input out of time order: `hold` every event (up to MAX_SORTED_EVENTS) and
 * hand them on in time order at the end; `detect` hand them on as they come and only count the late
 * ones (a sorting pass follows if there are any); `warn` hand them on as they come and say, once,
 * that the input was out of order and could not be sorted.
 */
export type SortMode = 'hold' | 'detect' | 'warn';

export interface EventSorter {
  push(e: TraceEvent): void;
  /** End of input: hands on what is held, in time order when it was out of order. */
  finish(): void;
  /** Events that came after a later event of another CPU. */
  readonly late: number;
}

export function createEventSorter(emit: (e: TraceEvent, ts: number) => void, diagnostics: DiagnosticsCollector, mode: SortMode, maxEvents = MAX_SORTED_EVENTS): EventSorter {
  let held: TraceEvent[] | null = mode === 'hold' ? [] : null;
  /**
   * The latest timestamp per CPU (an array for the CPU numbers a machine has, as this runs per
   * event; a Map for any other number a damaged line may carry), and the two latest of different
   * CPUs (top.cpu's and the next).
   */
  const cpuMaxArr: number[] = [];
  const cpuMaxMap = new Map<number, number>();
  const latestOf = (cpu: number): number => (cpu >= 0 && cpu < MAX_CPU_INDEX ? (cpuMaxArr[cpu] ?? -Infinity) : (cpuMaxMap.get(cpu) ?? -Infinity));
  const setLatest = (cpu: number, ts: number): void => {
    if (cpu >= 0 && cpu < MAX_CPU_INDEX) {
      while (cpuMaxArr.length < cpu) cpuMaxArr.push(-Infinity);
      cpuMaxArr[cpu] = ts;
    } else cpuMaxMap.set(cpu, ts);
  };
  const top = { cpu: NaN, ts: -Infinity };
  let second = -Infinity;
  /** The first event earlier than one of another CPU before it (after the stream's reorder window). */
  let firstLate: TraceEvent | undefined;
  let late = 0;
  let warned = mode === 'detect';

  const warn = (e: TraceEvent, why: string): void => {
    warned = true;
    diagnostics.add('unsorted_input', e.line, `events out of time order beyond the ${REORDER_WINDOW_NS / NS_PER_MS} ms reorder window, in ${why}: analysed in input order (sort it by timestamp first for exact results)`);
  };
  const TOO_LARGE = 'an input that cannot be held for sorting (read from a pipe, or more than 64 MiB of text)';

  /** Notes the event's time; true when another CPU had a later event before it. */
  const isLate = (cpu: number, ts: number): boolean => {
    const k = key(ts);
    const otherMax = cpu === top.cpu ? second : top.ts;
    const mine = Math.max(latestOf(cpu), k);
    setLatest(cpu, mine);
    if (cpu === top.cpu) top.ts = mine;
    else if (mine > top.ts) {
      second = top.ts;
      top.cpu = cpu;
      top.ts = mine;
    } else if (mine > second) second = mine;
    return k < otherMax;
  };

  return {
    push(e) {
      // Loss markers are left out of the order, as the stream leaves them (perf's carry a time of
      // their own: `perf 3992 [000] 222.546917264: PERF_RECORD_LOST lost 5` sits before events
      // 217 µs earlier); in a merge they keep their place in their CPU's sequence.
      // The timestamp is read once and handed on: events of every kind come here, and such a read
      // boxes it into a new heap number each time (V8's megamorphic path).
      const ts = e.ts;
      if (e.kind !== 'lost' && isLate(e.cpu, ts)) {
        late++;
        firstLate ??= e;
        if (held === null && !warned) warn(e, TOO_LARGE);
      }
      if (held === null) return emit(e, ts);
      held.push(e);
      if (held.length < maxEvents) return;
      // Over the budget: what is held goes on in input order, and so does the rest.
      const out = held;
      held = null;
      if (firstLate) warn(firstLate, `an input of more than ${maxEvents} events`);
      for (const x of out) emit(x, x.ts);
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
      for (const x of out) emit(x, x.ts);
    },
    get late() {
      return late;
    },
  };
}

/**
 * Bytes of text a file input holds, known before reading it: its size, or for gzip the size its
 * trailer records (ISIZE, the text's size mod 2^32: right below 4 GiB, and only asked of files
 * whose compressed size is within the budget). Undefined for a pipe, stdin or what cannot be read.
 */
export function textBytesBeforeReading(source: Source): number | undefined {
  if (typeof source !== 'string' || source === '-') return undefined;
  let fd: number | undefined;
  try {
    const st = statSync(source);
    if (!st.isFile() || st.size > SORT_BUDGET_TEXT_BYTES || st.size < 18) return st.size;
    const size = st.size;
    fd = openSync(source, 'r');
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 2, 0);
    if (b[0] !== 0x1f || b[1] !== 0x8b) return size;
    readSync(fd, b, 0, 4, size - 4);
    return b.readUInt32LE(0);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The callbacks of one analysis pass that report finished things (kept back in a pass that may not count). */
interface PassCallbacks {
  onPath?: (p: IoPath) => void;
  onOtherPath?: (p: IoPath, layer: 'servicing' | 'background') => void;
  onHop?: (...args: never[]) => void;
  /** Told before a second pass over the input, so a consumer of every event can drop what it got. */
  onRestart?: () => void;
}

/**
 * An analysis of input in time order, without holding the events of input that is: a file small
 * enough to hold is analysed as it comes and, only when it turns out out of order, analysed again
 * with its events held and put in order. What the first pass finishes (`onPath`, `onOtherPath`,
 * `onHop`: at most what the input's I/Os are) is kept back until it is known which pass counts;
 * what it sees event by event (`onEvent`) is not, so `onRestart` says when it starts over. Other
 * input (a pipe, a larger file) is analysed as it comes, with a warning when it is out of order.
 */
export async function analyzeInTimeOrder<O extends PassCallbacks, R>(
  source: Source,
  opts: O,
  once: (source: Source, opts: O, mode: SortMode) => Promise<{ result: R; late: number }>,
): Promise<R> {
  const text = textBytesBeforeReading(source);
  if (text === undefined || text > SORT_BUDGET_TEXT_BYTES) return (await once(source, opts, 'warn')).result;
  const kept: (() => void)[] = [];
  const keep = <A extends unknown[]>(f: ((...a: A) => void) | undefined): ((...a: A) => void) | undefined =>
    f && ((...a: A) => void kept.push(() => f(...a)));
  const first = await once(
    source,
    { ...opts, onPath: keep(opts.onPath), onOtherPath: keep(opts.onOtherPath), onHop: keep(opts.onHop) },
    'detect',
  );
  if (first.late === 0) {
    for (const k of kept) k();
    return first.result;
  }
  kept.length = 0;
  opts.onRestart?.();
  return (await once(source, opts, 'hold')).result;
}
