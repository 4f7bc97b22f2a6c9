import { MIN_SAMPLES } from './calibrated-values.js';
import { walkGaps } from './gaps.js';
import type { Timeline } from '../collect/fio-events.js';

/**
 * fio's iodepth from its rhythm. The most I/Os ever in the kernel equals iodepth only when fio
 * blocked with a full queue; a CPU-bound fio never does (its completions wait in the ring). But
 * fio reaps exactly when iodepth I/Os are unreaped, and a gap with a reap holds more of fio's own
 * time (two more syscall halves and per-event work) than one without. Replaying fio's loop for
 * each candidate depth (gaps.ts) splits the queued → begin gaps into "reap" and "no reap"; the
 * true depth separates them best: the largest (μ_reap − μ_plain)² / (σ²_reap + σ²_plain).
 */

/** Timeline entries scored per candidate: enough gaps, bounded work on big traces. */
const SCORED = 200_000;

/** Candidate depths: every one up to DENSE_UP_TO, then these. */
const DENSE_UP_TO = 256;
const SPARSE = [320, 384, 512, 768, 1024, 2048, 4096];
/** A depth must predict a reap in at least this share of the gaps (and MIN_SAMPLES of them) to score. */
const MIN_REAP_SHARE = 0.005;

export interface DepthEstimate {
  iodepth: number;
  score: number;
  /** Gaps the score rests on. */
  gaps: number;
}

export function estimateIodepth(t: Timeline, atLeast: number, stealNs: number, ctxSwitchNs: number): DepthEstimate | null {
  const candidates: number[] = [];
  for (let d = Math.max(1, atLeast); d <= DENSE_UP_TO; d++) candidates.push(d);
  for (const d of SPARSE) if (d >= atLeast) candidates.push(d);
  let best: DepthEstimate | null = null;
  for (const d of candidates) {
    const s = score(t, d, stealNs, ctxSwitchNs);
    if (s !== null && (best === null || s.score > best.score)) best = s;
  }
  return best;
}

function score(t: Timeline, depth: number, stealNs: number, ctxSwitchNs: number): DepthEstimate | null {
  const p = [0, 0, 0];
  const r = [0, 0, 0];
  walkGaps(
    t,
    depth,
    stealNs,
    ctxSwitchNs,
    (g) => {
      if (g.kind !== 'gap' || g.afterT) return;
      const a = g.n > 0 ? r : p;
      a[0] = (a[0] as number) + 1;
      a[1] = (a[1] as number) + g.own;
      a[2] = (a[2] as number) + g.own * g.own;
    },
    SCORED,
  );
  const [np, sp, qp] = p as [number, number, number];
  const [nr, sr, qr] = r as [number, number, number];
  // A depth that predicts almost no reaps scores on a handful of outliers: not evidence.
  if (np < 2 || nr < Math.max(MIN_SAMPLES, MIN_REAP_SHARE * (np + nr))) return null;
  const mp = sp / np;
  const mr = sr / nr;
  const vp = qp / np - mp * mp;
  const vr = qr / nr - mr * mr;
  return { iodepth: depth, score: ((mr - mp) * (mr - mp)) / Math.max(1, vp + vr), gaps: np + nr };
}
