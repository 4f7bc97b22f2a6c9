import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { analyzeTrace } from '../analyze/pipeline.js';
import type { Analysis } from '../model/analysis.js';
import type { IoPath, IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import type { CompletionHop } from '../model/layers.js';
import { buildPerfettoEvents, type TraceEventJson } from './perfetto.js';
import type { HopPlace } from './perfetto-stack.js';
import { readSlices } from './timeline.js';

/**
 * `iopath export --perfetto`: two readings of the trace. The first rebuilds the per-CPU slices (the
 * analyzer keeps none), the second is the ordinary analysis, keeping the whole path of every I/O
 * inside the window. Both are held in memory, so a window (ms from the first event) bounds the
 * export of a long trace; Perfetto itself is comfortable up to a few hundred MB of JSON.
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

export async function exportPerfetto(trace: string, outPath: string, opts: PerfettoExportOptions = {}): Promise<PerfettoExportResult> {
  const windowed = opts.fromMs !== undefined || opts.toMs !== undefined;
  const sl = await readSlices(trace, { format: opts.format, ...(windowed ? { relativeMs: { fromMs: opts.fromMs, toMs: opts.toMs } } : {}) });
  const w = sl.window;
  const paths: IoPath[] = [];
  // On a storage stack: the lower layers' I/Os that serviced a workload I/O, and where each completion hop ran.
  const lower: IoPath[] = [];
  const hopAt = new Map<CompletionHop, HopPlace>();
  // Whole I/Os only: a path cut by the window would have flow steps without their slices.
  const whole = (p: IoPath): boolean => {
    const b = (p.submit ?? p.issue ?? p.deviceComplete)?.ts;
    const e = (p.completion ?? p.deviceComplete)?.ts;
    return b !== undefined && e !== undefined && (!w || (b >= w.startNs && e <= w.endNs));
  };
  const { analysis } = await analyzeTrace(trace, {
    format: opts.format,
    unit: opts.unit ?? 'auto',
    strict: opts.strict ?? false,
    onPath: (p) => {
      if (whole(p)) paths.push(p);
    },
    onOtherPath: (p) => {
      if (p.layers?.services !== undefined && whole(p)) lower.push(p);
    },
    onHop: (hop, queued, start) => {
      if (!w || (start.ts >= w.startNs && start.ts <= w.endNs)) hopAt.set(hop, { queued, start });
    },
  });
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
      ...(w ? { windowNs: { start: w.startNs, end: Number.isFinite(w.endNs) ? w.endNs : null } } : {}),
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
