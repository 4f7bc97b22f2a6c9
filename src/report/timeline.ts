import { createReadStream, ReadStream } from 'node:fs';
import type { Source } from '../input/lines.js';
import type { Analysis } from '../model/analysis.js';
import type { CompletionMode, IoPath } from '../model/io.js';
import { NS_PER_MS } from '../model/time.js';
import type { TraceFormat } from '../parse/formats.js';
import type { TraceEvent } from '../model/events.js';
import { streamEvents } from '../parse/stream.js';
import { createSliceBuilder, SLICE_EVENTS, type CpuSlice, type LostMark } from './slices.js';

/**
 * The short-window timeline behind chart 4: what ran on each CPU and where each I/O completed.
 *
 * `report` gathers both during its one pass over the trace: the slices of the window through the
 * window collector (timeline-window.ts, fed every event), the I/Os' stage times through a compact
 * completion log (fed every finished I/O), because the window is only known once the whole trace
 * has been analyzed. The Perfetto export keeps every slice (or those of a window it is given) with a
 * slice collector fed by its analysis pass; `readSlices` reads the slices of a trace on their own.
 */

export interface IoMark {
  id: number;
  mode: CompletionMode;
  /** Context the completion ran in. */
  ctx: string;
  submitNs?: number;
  submitCpu?: number;
  deviceNs?: number;
  deviceCpu?: number;
  completionNs?: number;
  completionCpu?: number;
  /** Context the block completion ran in. */
  deviceCtx: string;
}

export interface Timeline {
  startNs: number;
  endNs: number;
  slices: CpuSlice[];
  ios: IoMark[];
  lost: LostMark[];
  /** 1 when every I/O was logged; N when only every Nth was (the log hit its memory cap). */
  ioStride: number;
}

const MODES: readonly CompletionMode[] = ['irq-inline', 'kworker-deferred', 'task-inline', 'unresolved'];
const CTXS = ['unknown', 'task', 'softirq', 'hardirq', 'nmi'];
const F = 10; // fields per record
/** At most this many I/Os are logged (80 bytes each); past it every other one is dropped. */
const DEFAULT_CAP = 1 << 18;

/** Logs the stage times of finished I/Os in typed arrays, thinning itself past its cap. */
export interface CompletionLog {
  onPath(p: IoPath): void;
  /** I/Os with any stage inside [startNs, endNs]. */
  within(startNs: number, endNs: number): IoMark[];
  readonly stride: number;
}

export function createCompletionLog(cap = DEFAULT_CAP): CompletionLog {
  let rec = new Float64Array(F * 1024);
  let n = 0;
  let stride = 1;
  let seen = 0;
  const put = (i: number, s: { ts: number; cpu: number } | undefined): void => {
    rec[i] = s ? s.ts : NaN;
    rec[i + 1] = s ? s.cpu : NaN;
  };
  return {
    onPath(p) {
      if (seen++ % stride !== 0) return;
      if (n === cap) {
        // Keep every other record and log half as often from now on: memory stays bounded.
        for (let i = 0; i < n / 2; i++) rec.copyWithin(i * F, 2 * i * F, (2 * i + 1) * F);
        n /= 2;
        stride *= 2;
      }
      if ((n + 1) * F > rec.length) {
        const bigger = new Float64Array(Math.min(cap * F, rec.length * 2));
        bigger.set(rec);
        rec = bigger;
      }
      const o = n * F;
      rec[o] = p.id;
      rec[o + 1] = MODES.indexOf(p.mode);
      rec[o + 2] = CTXS.indexOf(p.completion?.ctx ?? 'unknown');
      put(o + 3, p.submit ?? p.issue);
      put(o + 5, p.deviceComplete);
      put(o + 7, p.completion);
      rec[o + 9] = CTXS.indexOf(p.deviceComplete?.ctx ?? 'unknown');
      n++;
    },
    within(startNs, endNs) {
      const out: IoMark[] = [];
      const inside = (t: number | undefined): boolean => t !== undefined && !Number.isNaN(t) && t >= startNs && t <= endNs;
      const val = (x: number | undefined): number | undefined => (x === undefined || Number.isNaN(x) ? undefined : x);
      for (let i = 0; i < n; i++) {
        const o = i * F;
        if (!inside(rec[o + 3]) && !inside(rec[o + 5]) && !inside(rec[o + 7])) continue;
        out.push({
          id: rec[o] ?? 0,
          mode: MODES[rec[o + 1] ?? 3] ?? 'unresolved',
          ctx: CTXS[rec[o + 2] ?? 0] ?? 'unknown',
          submitNs: val(rec[o + 3]),
          submitCpu: val(rec[o + 4]),
          deviceNs: val(rec[o + 5]),
          deviceCpu: val(rec[o + 6]),
          completionNs: val(rec[o + 7]),
          completionCpu: val(rec[o + 8]),
          deviceCtx: CTXS[rec[o + 9] ?? 0] ?? 'unknown',
        });
      }
      return out.sort((a, b) => (a.completionNs ?? a.deviceNs ?? 0) - (b.completionNs ?? b.deviceNs ?? 0));
    },
    get stride() {
      return stride;
    },
  };
}

/**
 * The window to show: `widthMs` around the middle of the analysis' I/O window, in the events' clock
 * (`Analysis.window` adds back the whole seconds a parser subtracted on machines with a long uptime:
 * `baseNs`, from `StreamResult.baseSec`).
 */
export function timelineWindow(a: Analysis, widthMs: number, baseNs = 0): { startNs: number; endNs: number } {
  const startNs = a.window.startNs - baseNs;
  const endNs = a.window.endNs - baseNs;
  const width = Math.min(widthMs * NS_PER_MS, Math.max(0, endNs - startNs));
  const mid = Math.round((startNs + endNs) / 2);
  return { startNs: Math.round(mid - width / 2), endNs: Math.round(mid + width / 2) };
}

class StopReading extends Error {}

export interface SliceReadOptions {
  format?: TraceFormat;
  /** Only slices overlapping [startNs, endNs] are kept, clipped to it; reading stops past endNs. */
  window?: { startNs: number; endNs: number };
  /** A window in ms from the trace's first event, resolved when that event is read. */
  relativeMs?: { fromMs?: number; toMs?: number };
}

export interface SliceRead {
  slices: CpuSlice[];
  lost: LostMark[];
  /** The window applied, in the events' clock; undefined when the whole trace was read. */
  window?: { startNs: number; endNs: number };
}

/** Slices gathered from events fed one by one (`readSlices`, or an analysis pass's every event). */
export interface SliceCollector {
  /** Takes one event; false once it is past the window (later events add nothing). */
  handle(e: TraceEvent): boolean;
  /** The window in the events' clock (a relative one once the first event was read); undefined: everything. */
  window(): { startNs: number; endNs: number } | undefined;
  /** The input ended: closes what is still open and returns what was kept. */
  finish(): SliceRead;
}

export function createSliceCollector(opts: Pick<SliceReadOptions, 'window' | 'relativeMs'> = {}): SliceCollector {
  const slices: CpuSlice[] = [];
  const lost: LostMark[] = [];
  let w = opts.window;
  const rel = opts.relativeMs;
  const keep = (s: CpuSlice): void => {
    if (!w) return void slices.push(s);
    if (s.endNs < w.startNs || s.startNs > w.endNs) return;
    slices.push({ ...s, startNs: Math.max(s.startNs, w.startNs), endNs: Math.min(s.endNs, w.endNs) });
  };
  const builder = createSliceBuilder(keep, (m) => {
    if (!w || (m.ts >= w.startNs && m.ts <= w.endNs)) lost.push(m);
  });
  let last = 0;
  let first = true;
  let past = false;
  return {
    handle(e) {
      if (past) return false;
      if (first && e.kind !== 'lost') {
        first = false;
        if (rel) w = { startNs: e.ts + (rel.fromMs ?? 0) * NS_PER_MS, endNs: rel.toMs === undefined ? Infinity : e.ts + rel.toMs * NS_PER_MS };
      }
      // Events of other CPUs may trail a little (merged buffers): read 1 ms past the window.
      if (w && e.ts > w.endNs + NS_PER_MS) return !(past = true);
      if (e.ts > last) last = e.ts;
      builder.handle(e);
      return true;
    },
    window: () => w,
    finish() {
      builder.finish(w && Number.isFinite(w.endNs) ? w.endNs : last);
      return { slices, lost, window: w };
    },
  };
}

/**
 * Reads the slices of a trace (all of them, or those of a window), stopping past the window. The
 * trace's timestamps are absolute; the window is in the same clock as `Analysis.window` (which
 * adds the trace's base).
 */
export async function readSlices(source: Source, opts: SliceReadOptions = {}): Promise<SliceRead> {
  const collector = createSliceCollector(opts);
  // Opened here so that stopping early closes the file at once (not when the stream is collected).
  const input = typeof source === 'string' && source !== '-' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  try {
    await streamEvents(
      input,
      (e) => {
        if (!collector.handle(e)) throw new StopReading();
      },
      { format: opts.format, payloads: SLICE_EVENTS },
    );
  } catch (err) {
    if (!(err instanceof StopReading)) throw err;
  } finally {
    if (input !== source && input instanceof ReadStream) input.destroy();
  }
  return collector.finish();
}
