import { B, C, I, N, O, P, Q, T, X, type Timeline } from '../collect/fio-events.js';

/**
 * Walks the submitter's timeline as fio's loop (backend.c do_io): it submits while fewer than
 * iodepth I/Os are unreaped; with iodepth unreaped it reaps every completion already delivered
 * (io_getevents, min_nr 1), sleeping only when there is none. Submissions (B … Q or T) and
 * completions (C, T) are in the trace, so "full" and "how many were reaped" follow by counting,
 * given iodepth. Assumes fio had nothing in flight when the trace began (capture scripts arm
 * tracing before fio starts).
 *
 * Each gap between two submission events is reported with fio's OWN time in it: the time it ran
 * (not while preempted or asleep), less the traced interrupt time, less `stealNs` per run of
 * interrupt work (time an interrupt costs that no event shows, before irq_handler_entry), less
 * `ctxSwitchNs` per switch back in (the simulator charges the switch to the incoming task).
 */

export type GapKind = 'pre' | 'post' | 'gap' | 'toSleep';

export interface Gap {
  kind: GapKind;
  /** fio's own ns in the gap. */
  own: number;
  /** Traced interrupt spans that fell in it. */
  spans: number;
  /** Switched out (preempted or asleep) inside it. */
  switched: boolean;
  /** For `gap`: events reaped in it (0: none). For `post`: 1 if it ended with fio completing the I/O itself. */
  n: number;
  /** For `gap`: it started at fio's own completion (T), so it also holds the DIO completion. */
  afterT: boolean;
}

export interface GapStats {
  reaps: number;
  /** Predictions the trace contradicts: a sleep with events predicted waiting, or no sleep with none. */
  mismatches: number;
  /** Kernel in-flight each time fio fell asleep. */
  inflightAtSleep: number[];
  preemptedInKernel: number;
  preemptedInUser: number;
}

/**
 * `postFreeIrqs`: interrupt runs per issue → queued gap that cost no stall (kickWhen host-idle:
 * the first one comes while fio is exited on its notify and is injected on re-entry).
 */
export function walkGaps(t: Timeline, depth: number, stealNs: number, ctxSwitchNs: number, visit: (g: Gap) => void, limit = Infinity, postFreeIrqs = 0): GapStats {
  const st: GapStats = { reaps: 0, mismatches: 0, inflightAtSleep: [], preemptedInKernel: 0, preemptedInUser: 0 };
  let submitted = 0;
  let completed = 0;
  let reaped = 0;
  /** After a submission ended: -1 fio should sleep, 0 no reap, n > 0 reaped n. */
  let after = 0;
  let segCode = 0;
  let own = 0;
  let spans = 0;
  let switched = false;
  let running = true;
  let lastTs = NaN;
  let lastCode = 0;
  const end = Math.min(t.code.length, limit);
  // Back from a sleep in io_getevents: it reaps what was delivered meanwhile.
  const wake = (): void => {
    if (lastCode === O && after < 0) {
      const ring = completed - reaped;
      if (ring > 0) {
        after = Math.min(ring, depth);
        reaped += after;
        st.reaps++;
      }
    }
  };

  for (let k = 0; k < end; k++) {
    const code = t.code[k] as number;
    if (code === C || code === T) completed++;
    if (code === C) continue;
    const ts = t.ts[k] as number;
    const sp = t.irqs[k] as number;
    if (running && !Number.isNaN(lastTs)) {
      own += ts - lastTs - (t.irqNs[k] as number) - sp * stealNs;
      spans += sp;
    }
    lastTs = ts;
    if (code === P || code === O || code === X) {
      if (code === O && segCode === Q && !switched) visit({ kind: 'toSleep', own, spans, switched, n: 0, afterT: false });
      running = false;
      switched = true;
      if (code === P) {
        if (segCode === B || segCode === I) st.preemptedInKernel++;
        else st.preemptedInUser++;
      } else if (code === O) {
        st.inflightAtSleep.push(submitted - completed);
        if (after > 0) {
          // Predicted a reap, but nothing was delivered yet: undo it.
          st.mismatches++;
          reaped -= after;
          st.reaps--;
        }
        after = -1;
      }
    } else if (code === N) {
      running = true;
      own -= ctxSwitchNs;
      wake();
    } else {
      if (!running) {
        // A submission while fio is believed switched out: its switch back in was not traced
        // (real traces can lack idle → task switches). Fio runs again; this gap is unknown.
        running = true;
        wake();
        segCode = 0;
      }
      // A submission event ends a gap.
      if (segCode !== 0) {
        let kind: GapKind | null = null;
        let n = 0;
        if (segCode === B && code === I) kind = 'pre';
        else if (segCode === I && (code === Q || code === T)) (kind = 'post'), (n = code === T ? 1 : 0);
        else if ((segCode === Q || segCode === T) && code === B) {
          kind = 'gap';
          n = after;
          if (after < 0) {
            // Predicted a sleep but fio went on: it reaped what arrived meanwhile.
            st.mismatches++;
            reaped = completed;
            kind = null;
          }
        }
        if (kind === 'post' && postFreeIrqs > 0) own += Math.min(spans, postFreeIrqs) * stealNs;
        if (kind !== null) visit({ kind, own, spans, switched, n, afterT: segCode === T });
      }
      if (code === B) submitted++;
      if (code === Q || code === T) {
        after = 0;
        if (submitted - reaped >= depth) {
          const ring = completed - reaped;
          if (ring > 0) {
            after = Math.min(ring, depth);
            reaped += after;
            st.reaps++;
          } else after = -1;
        }
      }
      segCode = code;
      own = 0;
      spans = 0;
      switched = false;
    }
    lastCode = code;
  }
  return st;
}
