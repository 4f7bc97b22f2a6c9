import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { analyzeTrace } from '../analyze/pipeline.js';
import type { Source } from '../input/lines.js';
import type { Analysis } from '../model/analysis.js';
import type { IoPath, IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import type { CompletionHop } from '../model/layers.js';
import { buildPerfettoEvents, type TraceEventJson } from './perfetto.js';
import type { HopPlace } from './perfetto-stack.js';
import { createSliceCollector, type SliceCollector } from './timeline.js';

/**
 * `iopath export --perfetto`: one reading of the trace (a file, a pipe or standard input). The
 * analysis pass rebuilds the per-CPU slices from every event it reads (a slice collector: the
 * analyzer itself keeps none) and keeps the whole path of every I/O inside the window. Both are
 * held in memory, so a window (ms from the first event) bounds the export of a long trace;
 * Perfetto itself is comfortable up to a few hundred MB of JSON.
 */

export interface PerfettoExportOptions {
  format?: TraceFormat;
  unit?: IoUnit | 'auto';
  strict?: boolean;
  fromMs?: number;
  toMs?: number;
}

export interface PerfettoExportResult {
  analysis: Analysis;
  events: number;
  flows: number;
  ios: number;
  bytes: number;
}

export const PERFETTO_SCHEMA = 'iopath.perfetto/1';

export async function exportPerfetto(trace: Source, outPath: string, opts: PerfettoExportOptions = {}): Promise<PerfettoExportResult> {
  const windowed = opts.fromMs !== undefined || opts.toMs !== undefined;
  const newCollector = (): SliceCollector => createSliceCollector(windowed ? { relativeMs: { fromMs: opts.fromMs, toMs: opts.toMs } } : {});
  let slices = newCollector();
  const paths: IoPath[] = [];
  // On a storage stack: the lower layers' I/Os that serviced a workload I/O, and where each completion hop ran.
  const lower: IoPath[] = [];
  const hopAt = new Map<CompletionHop, HopPlace>();
  // The window (from the first event's time, none when not windowed) is the collector's: known once
  // the first event was read, before any path finishes.
  // Whole I/Os only: a path cut by the window would have flow steps without their slices.
  const whole = (p: IoPath): boolean => {
    const b = (p.submit ?? p.issue ?? p.deviceComplete)?.ts;
    const e = (p.completion ?? p.deviceComplete)?.ts;
    const win = slices.window();
    return b !== undefined && e !== undefined && (!win || (b >= win.startNs && e <= win.endNs));
  };
  const { analysis } = await analyzeTrace(trace, {
    format: opts.format,
    unit: opts.unit ?? 'auto',
    strict: opts.strict ?? false,
    onEvent: (e) => void slices.handle(e),
    // Input found out of time order is analysed again, sorted: the slices start over with it.
    onRestart: () => {
      slices = newCollector();
    },
    onPath: (p) => {
      if (whole(p)) paths.push(p);
    },
    onOtherPath: (p) => {
      if (p.layers?.services !== undefined && whole(p)) lower.push(p);
    },
    onHop: (hop, queued, start) => {
      const win = slices.window();
      if (!win || (start.ts >= win.startNs && start.ts <= win.endNs)) hopAt.set(hop, { queued, start });
    },
  });
  const sl = slices.finish();
  const layers = analysis.layers ?? [];
  const kept = new Set(paths.map((p) => p.id));
  const stack = layers.length > 1 ? { layers, lower: lower.filter((p) => kept.has(p.layers?.services as number)), hopAt } : undefined;
  const { events, flows } = buildPerfettoEvents({ paths, slices: sl.slices, lost: sl.lost, submitters: analysis.submitters, unit: analysis.unit, ...(stack ? { stack } : {}) });
  const metadata = {
    iopath: {
      schema: PERFETTO_SCHEMA,
      input: analysis.input.path,
      format: analysis.input.format,
      unit: analysis.unit,
      ios: paths.length,
      flows,
      ...(stack ? { layers: layers.map((l) => ({ device: l.device, name: l.name, role: l.role, unit: l.unit })), lowerIos: stack.lower.length } : {}),
      ...(sl.window ? { windowNs: { start: sl.window.startNs, end: Number.isFinite(sl.window.endNs) ? sl.window.endNs : null } } : {}),
    },
  };
  const bytes = await writeTraceJson(outPath, events, metadata);
  return { analysis, events: events.length, flows, ios: paths.length, bytes };
}

/** Writes `{"traceEvents":[…],"metadata":{…}}` in chunks, one event per line, without one huge string. */
export async function writeTraceJson(path: string, events: TraceEventJson[], metadata: Record<string, unknown>): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"traceEvents":[\n');
  const CHUNK = 2000;
  for (let i = 0; i < events.length; i += CHUNK) {
    const part = events.slice(i, i + CHUNK).map((e) => JSON.stringify(e));
    await write(`${i > 0 ? ',\n' : ''}${part.join(',\n')}`);
  }
  await write(`\n],\n"metadata":${JSON.stringify(metadata)}}\n`);
  out.end();
  await once(out, 'finish');
  return bytes;
}
