/**
 * The submitter's own events in trace order, with the traced interrupt time that fell between
 * each one and the previous: iomap_dio_rw_begin (B), block_rq_issue (I), iomap_dio_rw_queued (Q),
 * its own iomap_dio_complete in task context (T: it completed the I/O itself), switches out
 * (sleeping in io_getevents O, preempted P, blocked elsewhere X) and in (N), and the completion
 * of each of its I/Os on any CPU (C). `replay` (estimate/replay.ts) turns the gaps between them
 * into fio's costs. One letter each, as fio's loop (estimate/gaps.ts) reads best with them.
 */

/** iomap_dio_rw_begin of the submitter. */
export const B = 1;
/** block_rq_issue of the submitter. */
export const I = 2;
/** iomap_dio_rw_queued of the submitter. */
export const Q = 3;
/** The submitter's own iomap_dio_complete, in task context. */
export const T = 4;
/** Switched out asleep (prev_state S: waiting in io_getevents). */
export const O = 5;
/** Switched out runnable (prev_state R: preempted). */
export const P = 6;
/** Switched back in. */
export const N = 7;
/** A completion of one of its I/Os, on any CPU. */
export const C = 8;
/** Switched out blocked on something else (prev_state D…): breaks a gap, no reap. */
export const X = 9;

/** Entries kept at most (≈ 5 per I/O): enough for every cost, bounded for a 10⁶-I/O trace. */
export const TIMELINE_CAP = 2_000_000;

export interface Timeline {
  code: number[];
  ts: number[];
  irqNs: number[];
  irqs: number[];
  truncated: boolean;
  push(code: number, ts: number, irqNs: number, irqs: number): void;
}

export function createTimeline(): Timeline {
  const t: Timeline = {
    code: [],
    ts: [],
    irqNs: [],
    irqs: [],
    truncated: false,
    push(code, ts, irqNs, irqs) {
      if (t.code.length >= TIMELINE_CAP) {
        t.truncated = true;
        return;
      }
      t.code.push(code);
      t.ts.push(ts);
      t.irqNs.push(irqNs);
      t.irqs.push(irqs);
    },
  };
  return t;
}
