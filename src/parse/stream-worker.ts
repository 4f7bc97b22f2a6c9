import { parentPort, workerData } from 'node:worker_threads';
import { createDiagnostics, MAX_EXAMPLES, type DiagnosticsCollector } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import type { BinaryFormat, TraceFormat } from './formats.js';
import type { StreamOptions, StreamResult } from './stream-types.js';
import { createWireWriter, type WireBatch, type WireWriter } from './wire.js';

/**
 * The parsing thread of `streamEventsParallel`: runs the ordinary `streamEvents` over the file (for
 * a binary file, the reader `streamEvents` would hand it to) and sends its events, and the diagnostics it adds, to the main thread in wire batches, in the order
 * they happen. Reading waits while more than MAX_IN_FLIGHT batches are unanswered, so memory stays
 * bounded however far ahead of the analysis the parser could run.
 */

export interface WorkerInput {
  path: string;
  label: string;
  /** The binary format the main thread saw in the file's first bytes (undefined: text). */
  binary?: BinaryFormat;
  format?: TraceFormat;
  /** undefined: every payload; else the event names whose payload is parsed. */
  payloads?: string[];
  /** Send `progress` messages (every PROGRESS_BYTES read). */
  progress?: boolean;
  chunkBytes?: number;
  maxLineBytes?: number;
  /** The main thread renders a trace.dat's (or file-mode perf.data's) unanalysed events from their bytes (wire.ts, RAW). */
  rawOthers?: boolean;
}

export type WorkerMessage =
  | ({ type: 'batch' } & WireBatch)
  | { type: 'progress'; bytes: number; gzip: boolean }
  | { type: 'done'; result: Omit<import('./stream.js').StreamResult, 'diagnostics'> }
  | { type: 'error'; message: string; stack?: string; sys?: { code?: string; path?: string; syscall?: string; errno?: number } };

export type MainMessage = { type: 'ack'; buf: ArrayBuffer };

const MAX_IN_FLIGHT = 4;
const PROGRESS_BYTES = 16 << 20;

/** `wire`: the writer the events go to, for a reader that can write into it directly (trace.dat). */
type Reader = (path: string, onEvent: (e: TraceEvent) => void, opts: StreamOptions & { diagnostics: DiagnosticsCollector; label: string }, wire: WireWriter) => Promise<StreamResult>;

/**
 * The reader for this input, loaded here rather than at the top: the main thread waits for the
 * first batch while this thread starts, so a binary input loads its readers only (not the text
 * parsers), and a compressed trace.dat starts zstd's WebAssembly while the rest of them load
 * (`initZstd` is idempotent: the reader's own call then finds it ready). Alone, zstd takes ~25 ms to start and
 * the text parsers' modules ~10 ms to load, of the ~200 ms before the first event on a quiet
 * machine (docs/performance.md, "Decoding thread and memory").
 */
async function loadReader(input: WorkerInput): Promise<Reader> {
  if (input.binary === undefined) return (await import('./stream.js')).streamEvents;
  let zstd: Promise<void> | undefined;
  if (input.binary === 'trace.dat') {
    // The reader proper loads while zstd starts (dispatch's reader imports it when it reads).
    const [{ fileSource }, { mayBeCompressed }] = await Promise.all([import('./binary/tracedat/source.js'), import('./binary/tracedat/start.js')]);
    const reader = import('./binary/tracedat/reader.js');
    void import('./binary/tracedat/read.js');
    const src = fileSource(input.path);
    try {
      if (mayBeCompressed(src)) zstd = import('./binary/zstd.js').then((z) => z.initZstd());
    } finally {
      src.close();
    }
    const { readTraceDatSource } = await reader;
    await zstd;
    // Modelled events go straight into the wire (TraceDatOptions.wire): no object made to be encoded.
    return (path, onEvent, opts, wire) => readTraceDatSource({ path }, onEvent, opts, wire, input.rawOthers);
  }
  const { BINARY_READERS } = await import('./binary/dispatch.js');
  await zstd;
  const reader = BINARY_READERS.find((r) => r.format === input.binary);
  if (!reader) throw new Error(`no reader for ${input.binary}`);
  return (path, onEvent, opts) => reader.read({ path }, onEvent, opts);
}

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const read = await loadReader(input);
  let inFlight = 0;
  let wake: (() => void) | undefined;
  // A perf.data's reader makes event objects: the writer sends its lazy `other` events as their bytes.
  const writer = createWireWriter((b) => {
    inFlight++;
    const msg: WorkerMessage = { type: 'batch', ...b };
    port.postMessage(msg, b.raw ? [b.buf, b.raw] : [b.buf]);
  }, { rawOthers: input.binary === 'perf.data' && input.rawOthers === true });
  port.on('message', (m: MainMessage) => {
    if (m.type !== 'ack') return;
    inFlight--;
    writer.recycle(m.buf);
    if (wake && inFlight <= MAX_IN_FLIGHT) {
      const w = wake;
      wake = undefined;
      w();
    }
  });
  // Diagnostics are counted where they are read (the main thread); this one only forwards them,
  // with the line's text only while the main thread can still keep it as an example: a file of
  // malformed megabyte-long lines must not send each of them across.
  let lastProgress = 0;
  const local = createDiagnostics(input.label, false);
  const adds = new Map<string, number>();
  const diagnostics: DiagnosticsCollector = {
    ...local,
    add(code, line, message, text, count = 1) {
      const n = adds.get(code) ?? 0;
      adds.set(code, n + 1);
      local.add(code, line, message, undefined, count);
      writer.diagnostic(code, line, message, n < MAX_EXAMPLES ? text : undefined, count);
    },
  };
  const result = await read(
    input.path,
    (e) => writer.event(e),
    {
    format: input.format,
    label: input.label,
    payloads: input.payloads ? new Set(input.payloads) : 'all',
    chunkBytes: input.chunkBytes,
    maxLineBytes: input.maxLineBytes,
    diagnostics,
    pace: () => (inFlight > MAX_IN_FLIGHT ? new Promise<void>((r) => (wake = r)) : undefined),
    onProgress: input.progress
      ? (bytes, gzip) => {
          if (bytes - lastProgress < PROGRESS_BYTES) return;
          lastProgress = bytes;
          const msg: WorkerMessage = { type: 'progress', bytes, gzip };
          port.postMessage(msg);
        }
      : undefined,
    },
    writer,
  );
  writer.flush();
  const { diagnostics: _d, ...rest } = result;
  const done: WorkerMessage = { type: 'done', result: rest };
  port.postMessage(done);
  port.unref();
}

run(workerData as WorkerInput).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const msg: WorkerMessage = { type: 'error', message: e?.message ?? String(err), stack: e?.stack };
  // A system error (EACCES, EIO…) keeps what makes it one, so the CLI reports it in one line.
  if (e && typeof e.code === 'string') msg.sys = { code: e.code, path: e.path, syscall: e.syscall, errno: e.errno };
  parentPort?.postMessage(msg);
});
