import { ANALYZED_EVENTS } from '../analyze/analyzed-events.js';
import type { Source } from '../input/lines.js';
import type { DiagnosticSummary } from '../model/diagnostics.js';
import { eventName } from '../model/events.js';
import type { BinaryFormat } from '../parse/binary/dispatch.js';
import type { RecordingScope } from '../parse/binary/perfdata/scope.js';
import { NS_PER_S } from '../model/time.js';
import type { TraceFormat } from '../parse/formats.js';
import { streamEvents, type StreamOptions } from '../parse/stream.js';

/** What `iopath inspect` tells about a trace: a census, no analysis. */
export interface Inspection {
  schema: 'iopath.inspect/1';
  path: string;
  format: TraceFormat | BinaryFormat | null;
  detectedBy: string | null;
  /** What the first lines look like, also when the format was forced (for "try --format X"). */
  looksLike: TraceFormat | null;
  /** True when reading stopped early because nothing in the first lines was a trace event. */
  gaveUp: boolean;
  gzip: boolean;
  bytes: number;
  lines: number;
  events: number;
  eventsByName: Record<string, number>;
  cpus: number[];
  /** `cpus=N` header of trace-cmd report, when present. */
  cpusHeader: number | null;
  startNs: number | null;
  endNs: number | null;
  /**
   * Whether the modelled events' payloads were parsed (so their `malformed_payload` diagnostics are
   * here, as analyze reports them): true unless the caller asked for a header-only census.
   */
  payloadsParsed: boolean;
  /** perf.data only: which tasks and CPUs were recorded, and whether sampled (absent for other formats). */
  recording?: RecordingScope;
  diagnostics: Record<string, number>;
  diagnosticDetails: DiagnosticSummary[];
}

export async function inspectTrace(source: Source, opts: StreamOptions = {}): Promise<Inspection> {
  const byName = new Map<string, number>();
  const cpus = new Set<number>();
  let start = Infinity;
  let end = -Infinity;
  // The payloads analyze reads are parsed here too, so that inspect reports the same parse
  // diagnostics (and `inspect --strict` stops on the line where `analyze --strict` does); a caller
  // may still ask for a header-only census with `payloads: 'none'`, and the result says so.
  const payloads = opts.payloads ?? ANALYZED_EVENTS;
  const res = await streamEvents(
    source,
    (e) => {
      const n = e.kind === 'lost' ? 'lost' : eventName(e);
      byName.set(n, (byName.get(n) ?? 0) + 1);
      if (e.kind === 'lost') return;
      cpus.add(e.cpu);
      if (e.ts < start) start = e.ts;
      if (e.ts > end) end = e.ts;
    },
    { ...opts, payloads },
  );
  const eventsByName: Record<string, number> = {};
  for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) eventsByName[k] = v;
  const baseNs = res.baseSec * NS_PER_S;
  return {
    schema: 'iopath.inspect/1',
    path: typeof source === 'string' ? source : '<stream>',
    format: res.format,
    detectedBy: opts.format ? 'forced with --format' : (res.detection?.reason ?? null),
    looksLike: res.detection?.format ?? null,
    gaveUp: res.read.stopped === true,
    gzip: res.read.gzip,
    bytes: res.read.bytes,
    lines: res.read.lines,
    events: res.events,
    eventsByName,
    cpus: [...cpus].sort((a, b) => a - b),
    cpusHeader: res.cpusHeader ?? null,
    startNs: Number.isFinite(start) ? start + baseNs : null,
    endNs: Number.isFinite(end) ? end + baseNs : null,
    payloadsParsed: payloads !== 'none',
    ...(res.recording ? { recording: res.recording } : {}),
    diagnostics: res.diagnostics.counts(),
    diagnosticDetails: res.diagnostics.summaries(),
  };
}
