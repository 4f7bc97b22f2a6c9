import type { DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { LostEvent, TraceEvent } from '../../../model/events.js';
import { chooseBaseSec, NS_PER_S } from '../../../model/time.js';
import type { EventHead } from '../../payload/types.js';
import { createReorderer, REORDER_WINDOW_NS, type Reorderer } from '../../reorder.js';
import { createHeldRecords } from './held.js';
import type { RecordEffects } from './records.js';
import { createThreadTable } from './threads.js';
import type { TimeBase } from './time.js';

/**
 * What released records do, in perf's order: thread-table updates are applied, samples get the
 * task name the table holds at that moment, and every event gets its `line`: its ordinal among the events,
 * which is the line `perf script --show-lost-events` prints it on. Then the checks every text
 * input gets (stream.ts): a per-CPU timestamp regression, or an event earlier than the one before
 * (perf releases a late record after newer ones), which from then on passes the events through the
 * same 50 ms reorder window.
 *
 * The window holds samples as their records (held.ts), kept in the round queue's blocks, and
 * decodes each when the window releases it (`build`): the header, the checks and the line are
 * those of perf's order all the same. The decoder's own memory (work functions named from their
 * queue) then sees the events in the order the analysis does, which is time order.
 */

/** Decodes a held sample (its payload [rawAt, rawAt + rawLen) of `block`, its attr) with the header it was given, and lets its bytes go. */
export type BuildHeld = (block: number, rawAt: number, rawLen: number, attr: number, head: EventHead) => TraceEvent;

export interface Delivery extends RecordEffects {
  end(): void;
  events(): number;
  /** Whole seconds subtracted from every timestamp (see TimeBase). */
  baseSec(): number;
  /** How held samples are decoded (set once, before the first record). */
  setBuild(build: BuildHeld): void;
}

export function createDelivery(onEvent: (e: TraceEvent) => void, diagnostics: DiagnosticsCollector, time: TimeBase): Delivery {
  const threads = createThreadTable();
  let line = 0;
  let shift: number | undefined;
  let outBaseSec = 0;
  const lastTsByCpu: number[] = [];
  let prevTs = -Infinity;
  let reorder: Reorderer<number> | null = null;
  const held = createHeldRecords();
  let build: BuildHeld | null = null;
  /** The header of a held sample when the window releases it. */
  const eh: EventHead = { line: 0, ts: 0, cpu: 0, pid: 0, comm: '' };
  const emitHeld = (k: number): void => {
    let e = held.made(k);
    if (e === undefined) {
      eh.line = held.line(k);
      eh.ts = held.ts(k);
      eh.cpu = held.cpu(k);
      eh.pid = held.pid(k);
      eh.comm = held.comm(k);
      e = (build as BuildHeld)(held.block(k), held.rawAt(k), held.rawLen(k), held.attr(k), eh);
    }
    held.free(k);
    onEvent(e);
  };
  /** The header of the sample being released: its event is built with it, whole. */
  const h: EventHead = { line: 0, ts: 0, cpu: 0, pid: 0, comm: '' };

  /** A record's time on the output's base. */
  const rebase = (ts: number): number => {
    if (shift === undefined) {
      // The text parsers rebase on the first printed event's second; the records were timed
      // against the first record's: move to the former (whole seconds, exact).
      outBaseSec = chooseBaseSec({ sec: Math.floor(ts / NS_PER_S) + time.baseSec, fracNs: 0 });
      shift = (time.baseSec - outBaseSec) * NS_PER_S;
    }
    return shift !== 0 ? ts + shift : ts;
  };

  /** `ts`: the event's time, handed on as a number (a read of `ev.ts` is a megamorphic load). */
  const pass = (ev: TraceEvent, ts: number): void => {
    if (reorder) reorder.push(held.event(ev), ts);
    else onEvent(ev);
  };

  return {
    head(recordTs, cpu, pid, tid) {
      const ts = rebase(recordTs);
      h.line = ++line;
      h.ts = ts;
      h.cpu = cpu;
      h.pid = tid;
      h.comm = threads.comm(pid, tid);
      // The checks read the header, not the event (events come in a dozen shapes), and are made
      // before the event is: whether the event is held or decoded now follows from them.
      const prev = lastTsByCpu[cpu];
      if (prev !== undefined && ts < prev) {
        diagnostics.add('timestamp_regression', h.line, `CPU ${cpu} went back ${prev - ts} ns`);
      } else if (ts < prevTs) {
        diagnostics.add('out_of_order', h.line, `event ${prevTs - ts} ns earlier than the previous line (another CPU)${reorder ? '' : `; reordering from here within ${REORDER_WINDOW_NS / 1e6} ms`}`);
        reorder ??= createReorderer(emitHeld);
      }
      lastTsByCpu[cpu] = ts;
      prevTs = ts;
      return h;
    },
    holding: () => reorder !== null,
    hold(block, rawAt, rawLen, attr) {
      (reorder as Reorderer<number>).push(held.record(block, rawAt, rawLen, attr, h.line, h.ts, h.cpu, h.pid, h.comm), h.ts);
    },
    event(ev) {
      pass(ev, h.ts);
    },
    lost(ts, cpu, count) {
      const ev: LostEvent = { kind: 'lost', line: ++line, ts: rebase(ts), cpu, pid: -1, comm: '', count, form: 'perf' };
      diagnostics.add('lost_events', line, `CPU ${cpu} lost ${count} events`);
      pass(ev, ev.ts);
    },
    comm: threads.onComm,
    fork: threads.onFork,
    exit: threads.onExit,
    end() {
      reorder?.flush();
    },
    events: () => line,
    baseSec: () => outBaseSec,
    setBuild(b) {
      build = b;
    },
  };
}
