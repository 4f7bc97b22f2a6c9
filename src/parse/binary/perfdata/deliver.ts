import type { DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { TraceEvent } from '../../../model/events.js';
import { chooseBaseSec, NS_PER_S } from '../../../model/time.js';
import { createReorderer, REORDER_WINDOW_NS, type Reorderer } from '../../reorder.js';
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
 */

export interface Delivery extends RecordEffects {
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

  const event = (ev: TraceEvent, pid: number, tid: number): void => {
    if (shift === undefined) {
      // The text parsers rebase on the first printed event's second; the records were timed
      // against the first record's: move to the former (whole seconds, exact).
      outBaseSec = chooseBaseSec({ sec: Math.floor(ev.ts / NS_PER_S) + time.baseSec, fracNs: 0 });
      shift = (time.baseSec - outBaseSec) * NS_PER_S;
    }
    ev.line = ++line;
    if (shift !== 0) ev.ts += shift;
    if (ev.kind === 'lost') {
      diagnostics.add('lost_events', line, `CPU ${ev.cpu} lost ${ev.count} events`);
    } else {
      ev.comm = threads.comm(pid, tid);
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
    event,
    comm: threads.onComm,
    fork: threads.onFork,
    exit: threads.onExit,
    end() {
      reorder?.flush();
    },
    events: () => line,
    baseSec: () => outBaseSec,
  };
}
