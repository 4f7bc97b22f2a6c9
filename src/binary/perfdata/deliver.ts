import type { DiagnosticsCollector } from '../../model/diagnostics.js';
import type { TraceEvent } from '../../model/events.js';
import { chooseBaseSec, NS_PER_S } from '../../model/time.js';
import { createReorderer, REORDER_WINDOW_NS, type Reorderer } from '../../parse/reorder.js';
import { OP_COMM, OP_EVENT, OP_EXIT, OP_FORK, type Item } from './records.js';
import { createThreadTable } from './threads.js';
import type { TimeBase } from './time.js';

/**
 * Releases items in perf's order: thread-table updates are applied, samples get the task name
 * the table holds at that moment, and every event gets its `line`: its ordinal among the events,
 * which is the line `perf script --show-lost-events` prints it on. Then the checks every text
 * input gets (stream.ts): a per-CPU timestamp regression, or an event earlier than the one before
 * (perf releases a late record after newer ones), which from then on passes the events through the
 * same 50 ms reorder window.
 */

export interface Delivery {
  apply(item: Item): void;
  end(): void;
  events(): number;
  /** Whole seconds subtracted from every timestamp (see TimeBase). */
  baseSec(): number;
}

export function createDelivery(onEvent: (e: TraceEvent) => void, diagnostics: DiagnosticsCollector, time: TimeBase): Delivery {
  const threads = createThreadTable();
  let line = 0;
  let shift: number | undefined;
  let outBaseSec = 0;
  const lastTsByCpu: number[] = [];
  let prevTs = -Infinity;
  let reorder: Reorderer | null = null;

  const event = (item: Item, ev: TraceEvent): void => {
    if (shift === undefined) {
      // The text parsers rebase on the first printed event's second; the records were timed
      // against the first record's: move to the former (whole seconds, exact).
      outBaseSec = chooseBaseSec(Math.floor(ev.ts / NS_PER_S) + time.baseSec);
      shift = (time.baseSec - outBaseSec) * NS_PER_S;
    }
    ev.line = ++line;
    if (shift !== 0) ev.ts += shift;
    if (ev.kind === 'lost') {
      diagnostics.add('lost_events', line, `CPU ${ev.cpu} lost ${ev.count} events`);
    } else {
      ev.comm = threads.comm(item.pid, item.tid);
      const ts = ev.ts;
      const prev = lastTsByCpu[ev.cpu];
      if (prev !== undefined && ts < prev) {
        diagnostics.add('timestamp_regression', line, `CPU ${ev.cpu} went back ${prev - ts} ns`);
      } else if (ts < prevTs) {
        diagnostics.add('out_of_order', line, `event ${prevTs - ts} ns earlier than the previous line (another CPU)${reorder ? '' : `; reordering from here within ${REORDER_WINDOW_NS / 1e6} ms`}`);
        reorder ??= createReorderer(onEvent);
      }
      lastTsByCpu[ev.cpu] = ts;
      prevTs = ts;
    }
    if (reorder) reorder.push(ev);
    else onEvent(ev);
  };

  return {
    apply(item) {
      switch (item.op) {
        case OP_EVENT:
          event(item, item.ev as TraceEvent);
          break;
        case OP_COMM:
          threads.onComm(item.pid, item.tid, item.comm);
          break;
        case OP_FORK:
          threads.onFork(item.pid, item.ppid, item.tid, item.ptid);
          break;
        case OP_EXIT:
          threads.onExit(item.pid, item.tid);
          break;
      }
    },
    end() {
      reorder?.flush();
    },
    events: () => line,
    baseSec: () => outBaseSec,
  };
}
