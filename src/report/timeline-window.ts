import type { Analysis } from '../model/analysis.js';
import type { TraceEvent } from '../model/events.js';
import { NS_PER_MS } from '../model/time.js';
import { createSliceStore } from './slice-store.js';
import { createSliceBuilder, type CpuSlice, type LostMark } from './slices.js';
import { timelineWindow } from './timeline.js';

/**
 * The timeline's slices, gathered during the analysis' own pass (`AnalyzeOptions.onEvent`), so
 * that `report` reads its input once: a pipe or standard input gets its timeline too, and a large
 * file is not parsed a second time.
 *
 * The window the report shows is `widthMs` around the middle of the I/O window, and that middle
 * is known only once the last I/O has completed: no rule decided while streaming can know it. So
 * the collector keeps every slice while they fit under a cap (every trace of the fixtures and the
 * shared captures: the window is then exactly the one a second reading picked). Past the cap it
 * keeps only the slices overlapping candidate windows of the same width, centred on multiples of
 * a spacing D in the events' clock; D starts at twice the width and doubles (every other candidate
 * is dropped: multiples of 2D are multiples of D) whenever the kept slices reach the cap again.
 * At the end the timeline shows the exact middle window when a candidate covers it, otherwise the
 * candidate nearest to the middle: at most D/2 away, and D stays a small share of a trace long
 * enough to overflow the cap. Memory is the cap (or one window, if a single window holds more).
 *
 * Slices are built over the whole trace by the same builder as before (kernel/cpu-context.ts's
 * tracker underneath), so a slice open across the window is cut at the window's edges as before.
 */

/**
 * Slices and lost marks kept at most (40 bytes each: slice-store.ts) before candidate windows thin
 * them (5 MB): over twice the 58 000 slices of the largest shared capture, which keeps its exact window.
 */
export const DEFAULT_SLICE_CAP = 1 << 17;

export interface WindowSlices {
  window: { startNs: number; endNs: number };
  slices: CpuSlice[];
  lost: LostMark[];
  /** Spacing of the candidate windows in ns; 0 when every slice was kept (the window is exact). */
  spacingNs: number;
  /** Most slices and lost marks held at once during the pass: the collector's memory. */
  peakHeld: number;
}

export interface WindowCollector {
  /** Every event of the analysis, in its order. */
  onEvent(e: TraceEvent): void;
  /** After the last event: the slices of the window, clipped to it (`baseNs`: see timelineWindow). */
  finish(a: Analysis, baseNs: number): WindowSlices;
}

export function createWindowCollector(widthMs: number, cap = DEFAULT_SLICE_CAP): WindowCollector {
  const widthNs = widthMs * NS_PER_MS;
  const half = widthNs / 2;
  const slices = createSliceStore();
  let lost: LostMark[] = [];
  let spacing = 0;
  let limit = cap;
  let firstTs = NaN;
  let lastTs = 0;
  let peak = 0;

  /** Whether [a, b] overlaps a candidate window [kD - w/2, kD + w/2] (every time while D is 0). */
  const kept = (a: number, b: number): boolean => spacing === 0 || Math.ceil((a - half) / spacing) <= Math.floor((b + half) / spacing);
  const thin = (): void => {
    const span = lastTs - (Number.isNaN(firstTs) ? lastTs : firstTs);
    if (spacing === 0) spacing = widthNs;
    do {
      spacing *= 2;
      slices.retain(kept);
      lost = lost.filter((m) => kept(m.ts, m.ts));
      // One candidate left over the trace so far: a single window is all that is kept.
    } while (slices.size + lost.length > cap / 2 && spacing <= span + widthNs);
    // Room to grow before the next thinning, so a window larger than the cap costs no quadratic refiltering.
    limit = Math.max(cap, 2 * (slices.size + lost.length));
  };
  const grown = (): void => {
    const held = slices.size + lost.length;
    if (held > peak) peak = held;
    if (held > limit) thin();
  };
  const builder = createSliceBuilder(
    (s) => {
      if (!kept(s.startNs, s.endNs)) return;
      slices.push(s);
      grown();
    },
    (m) => {
      if (!kept(m.ts, m.ts)) return;
      lost.push(m);
      grown();
    },
  );

  return {
    onEvent(e) {
      if (e.kind !== 'lost') {
        if (Number.isNaN(firstTs)) firstTs = e.ts;
        if (e.ts > lastTs) lastTs = e.ts;
      }
      builder.handle(e);
    },
    finish(a, baseNs) {
      builder.finish(lastTs);
      const exact = timelineWindow(a, widthMs, baseNs);
      let w = exact;
      if (spacing > 0) {
        const c = Math.round((exact.startNs + exact.endNs) / 2 / spacing) * spacing;
        if (exact.startNs < c - half || exact.endNs > c + half) w = { startNs: Math.round(c - half), endNs: Math.round(c + half) };
      }
      return { window: w, slices: slices.within(w.startNs, w.endNs), lost: lost.filter((m) => m.ts >= w.startNs && m.ts <= w.endNs), spacingNs: spacing, peakHeld: peak };
    },
  };
}
