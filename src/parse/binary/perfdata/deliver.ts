import type { DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { LostEvent, TraceEvent } from '../../../model/events.js';
import { chooseBaseSec, NS_PER_S } from '../../../model/time.js';
import type { EventHead } from '../../payload/types.js';
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

  const pass = (ev: TraceEvent): void => {
    if (reorder) reorder.push(ev);
    else onEvent(ev);
  };

  return {
    head(ts, cpu, pid, tid) {
      h.line = ++line;
      h.ts = rebase(ts);
      h.cpu = cpu;
      h.pid = tid;
      h.comm = threads.comm(pid, tid);
      return h;
    },
    event(ev) {
      // The checks read the header, not the event: events come in a dozen shapes.
      const ts = h.ts;
      const cpu = h.cpu;
      const prev = lastTsByCpu[cpu];
      if (prev !== undefined && ts < prev) {
        diagnostics.add('timestamp_regression', h.line, `CPU ${cpu} went back ${prev - ts} ns`);
      } else if (ts < prevTs) {
        diagnostics.add('out_of_order', h.line, `event ${prevTs - ts} ns earlier than the previous line (another CPU)${reorder ? '' : `; reordering from here within ${REORDER_WINDOW_NS / 1e6} ms`}`);
        reorder ??= createReorderer(onEvent);
      }
      lastTsByCpu[cpu] = ts;
      prevTs = ts;
      pass(ev);
    },
    lost(ts, cpu, count) {
      const ev: LostEvent = { kind: 'lost', line: ++line, ts: rebase(ts), cpu, pid: -1, comm: '', count, form: 'perf' };
      diagnostics.add('lost_events', line, `CPU ${cpu} lost ${count} events`);
      pass(ev);
    },
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
