import { walkGaps, type GapStats } from './gaps.js';
import { createLine, createMean, createKeptValues, type Line, type Mean, type KeptValues } from '../collect/accumulators.js';
import type { Timeline } from '../collect/fio-events.js';

/**
 * fio's costs from its gaps (gaps.ts), in two steps. First the cost of an interrupt that no
 * event shows: begin → issue is fixed kernel work (fio cannot be switched out in it under
 * voluntary preemption), so those an interrupt fell in are longer, less their traced interrupt
 * time, than clean ones by that cost per run of interrupt work. Then, with it, fio's own time in
 * every gap.
 */

export interface FioSamples {
  /** begin → issue with no interrupt: submitPreIssueNs. */
  preIssue: Mean;
  /** Invisible ns charged per run of interrupt work (see StealEstimate). */
  stealNs: number;
  /** issue → queued (or → fio's own completion): own ns. */
  post: KeptValues;
  /** queued → begin without a reap: own ns; and only those with no interrupt and no switch. */
  gapPlain: Mean;
  gapPlainClean: Mean;
  /** queued → begin with a reap of n (asleep or not): (n, own ns). */
  gapReap: Line;
  /** queued → fio falling asleep. */
  toSleep: Mean;
  stats: GapStats;
}

export interface StealEstimate {
  preIssue: Mean;
  /** Invisible ns per interrupt run, as the simulator charges it. */
  stealNs: number;
  samples: number;
  /** Mean excess per interrupt run in the begin → issue gaps it fell in. */
  excessNs: number;
  /** Rate of interrupt runs inside begin → issue over their rate on that CPU over the trace. */
  arrivalRatio: number;
}

/**
 * The simulator charges each interrupt run a fixed invisible cost. If interrupts arrive at random,
 * those landing in begin → issue (fixed kernel work: fio cannot be switched out in it under
 * voluntary preemption) are longer than clean ones by exactly that cost, and they land there at
 * the CPU's interrupt rate. On a VM they do not: they are injected as the vCPU comes back from
 * the host (a notify exit, a host preemption), so the few in begin → issue carry a whole host
 * stall. What matters for throughput is the stolen share of time, so the mean excess is scaled by
 * the arrival ratio (capped at 1): hidden time per µs of begin → issue, over the CPU's interrupt
 * rate, is the cost per interrupt that steals the same share of the CPU.
 */
export function stealEstimate(t: Timeline, irqsPerNs: number): StealEstimate {
  const preIssue = createMean();
  const hit: { own: number; spans: number }[] = [];
  let preNs = 0;
  let preSpans = 0;
  walkGaps(t, Number.MAX_SAFE_INTEGER, 0, 0, (g) => {
    if (g.switched || g.kind !== 'pre') return;
    preNs += g.own;
    preSpans += g.spans;
    if (g.spans === 0) preIssue.add(g.own);
    else hit.push({ own: g.own, spans: g.spans });
  });
  const clean = preIssue.mean();
  let excess = 0;
  for (const h of hit) excess += h.own - clean;
  const excessNs = preSpans > 0 && Number.isFinite(clean) ? Math.max(0, excess / preSpans) : 0;
  const arrivalRatio = preNs > 0 && irqsPerNs > 0 ? preSpans / preNs / irqsPerNs : NaN;
  const scale = Number.isFinite(arrivalRatio) ? Math.min(1, arrivalRatio) : 1;
  return { preIssue, stealNs: excessNs * scale, samples: preSpans, excessNs, arrivalRatio };
}

/** `stealNs`: the invisible cost per interrupt the simulator will charge (0 when it does not apply). */
export function replay(t: Timeline, iodepth: number, ctxSwitchNs: number, steal: StealEstimate, stealNs: number, postFreeIrqs = 0): FioSamples {
  const s = {
    preIssue: steal.preIssue,
    stealNs,
    post: createKeptValues(),
    gapPlain: createMean(),
    gapPlainClean: createMean(),
    gapReap: createLine(),
    toSleep: createMean(),
  };
  const stats = walkGaps(t, iodepth, stealNs, ctxSwitchNs, (g) => {
    if (g.kind === 'post') s.post.add(g.own);
    else if (g.kind === 'toSleep') s.toSleep.add(g.own);
    else if (g.kind === 'gap' && !g.afterT) {
      if (g.n === 0) {
        s.gapPlain.add(g.own);
        if (g.spans === 0 && !g.switched) s.gapPlainClean.add(g.own);
      }
      else s.gapReap.add(g.n, g.own);
    }
  }, Infinity, postFreeIrqs);
  return { ...s, stats };
}
