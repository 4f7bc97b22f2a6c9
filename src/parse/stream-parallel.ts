import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { binaryReaderOfPath, type BinaryFormat } from './binary/dispatch.js';
import { perfFileMode } from './binary/perfdata/header.js';
import { mayBeCompressed } from './binary/tracedat/start.js';
import { fileSource } from './binary/tracedat/source.js';
import { createDiagnostics } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import type { Source } from '../input/lines.js';
import type { MainMessage, WorkerInput, WorkerMessage } from './stream-worker.js';
import type { StreamOptions, StreamResult } from './stream.js';
import { createWireReader } from './wire.js';

/**
 * `streamEvents` with the reading and parsing on a worker thread, so that on a machine with two
 * cores the parse of the next lines overlaps the analysis of the last ones. The events, the
 * diagnostics and the result are the same as `streamEvents` gives (test/parse/stream-parallel
 * checks it on every fixture); what changes is only where the parsing runs.
 *
 * Used for files: stdin cannot be handed to another thread, and `--strict` must stop at the first
 * error in the thread that reports it. Small files are parsed in place, where starting a thread
 * would cost more than it saves. IOPATH_THREADS=0 turns the worker off, =1 uses it for any file.
 */

/**
 * Below these sizes the worker does not pay for itself. It costs the main thread a wait of ~0.2 s
 * before the first event (a second isolate, the reader's modules, zstd, the file's layout, of
 * which the in-place reader spends ~0.1 s too) and the process more CPU (the isolate, writing
 * every event into the wire, a second heap to collect), which a busy machine takes from the main
 * thread; it saves the main thread the decoding, less the receiving (~0.1–0.15 µs an event). So it
 * pays from several hundred thousand events, a file size that depends on the format: a zstd
 * trace.dat holds ~107k events per MB (882k in 8.2 MB), the same trace uncompressed ~18k, a
 * perf.data ~9–10k (its samples carry more than the event). Measured (docs/performance.md,
 * "Decoding thread and memory"): perf.data of 0.4 to 26 MB and a zstd trace.dat of 4.3 MB (458k
 * events) were slower with the worker, one of 8.2 MB (882k events) 11% faster on a quiet machine
 * and even under load.
 *
 * Since a trace.dat's events are written straight into the wire on the worker and its unanalysed
 * ones cross as their bytes, the worker's share of the 882k-event trace costs 0.91–0.95 s of CPU
 * instead of 1.08–1.28 (zstd; 0.77–0.84 vs 0.93–0.96 uncompressed; of the 6.1 M-event one, 3.3–3.6 s
 * instead of 5.5–6.2), and the first event comes ~60 ms sooner; the main thread's CPU saved
 * (`npm run bench -- FILE --tasks receive,decode-inplace`, its own CPU time) against the later first
 * event: 0.32 s vs +0.19 s at 882k zstd events, 0.23 s vs +0.07 s at 458k zstd events (4.3 MB),
 * 0.44 s vs +0.17 s at 882k uncompressed (50 MB), 0.12 s vs +0.14 s at 458k uncompressed (29 MB).
 * That estimate said a free second core would let the worker pay from ~4 MB of zstd trace.dat and
 * ~32 MB uncompressed; measured whole on a quiet machine (load 1.6–2.4, `analyze --json` with
 * IOPATH_THREADS=1 and 0, 4 interleaved rounds) it did not: 1.43–1.61 s against 1.16–1.52 s in place
 * at 4.3 MB zstd (458k events), 1.33–1.62 against 1.07–1.30 s at 29 MB uncompressed, 1.54–1.77
 * against 1.41–1.82 s at 50 MB uncompressed (882k events), and about even at 8.2 MB zstd (1.61–1.88
 * against 1.66–1.72 s). Under load (6–11 on 2 cores) it paid at none of these sizes (its extra CPU,
 * ~0.3–0.6 s, came out of the main thread's share). So the thresholds stay.
 *
 * A perf.data is never read on the worker unless asked (IOPATH_THREADS=1). When the worker rendered
 * the text of every event the analysis does not read to send it across, a 174 MB one (1.65 M
 * events, ~1 M unanalysed) took 7.2 s with it and 4.3 s in place. In file mode those events now
 * cross as their records' bytes (perfdata/printers.ts renders them here if read), which took that
 * file's threaded run from 5.06 to 2.71 s (medians of 4, paired, load 1-2), but only to about even
 * with in place: `analyze --json`, IOPATH_THREADS=1 vs 0, 4 interleaved rounds twice (load 1-2.7),
 * medians (min): 174 MB 2.71 (2.54) vs 2.75 (2.63) s and 3.33 (2.49) vs 3.25 (2.50) s; 12.8 MB
 * zstd (`perf record -z`) 5.85 (5.77) vs 5.74 (5.41) s and 7.09 (6.61) vs 7.88 (6.89) s; 26, 11
 * and 2.5 MB 0.1-0.2 s slower with it; and always 25-30% more CPU and 15-30 MB more RSS. The
 * decoding thread is then barely quicker than the main thread's own share (receiving the events,
 * the analysis, a busier collector): the main thread idles ~0.8 s of 3.1 waiting for it. So no size
 * pays clearly yet. A pipe-mode file's unanalysed events are still rendered on the worker (its
 * tracing data is inside the stream of records): 4.78 vs 3.06 s in place at 174 MB.
 */
const MIN_TEXT_BYTES = 16 << 20;
const MIN_BYTES: Record<BinaryFormat | 'trace.dat compressed', number> = {
  'trace.dat compressed': 6 << 20,
  'trace.dat': 64 << 20,
  'perf.data': Infinity,
};

/** The size from which `path` is read on a worker (its format seen from its first bytes). */
export function workerThreshold(path: string): number {
  const format = binaryReaderOfPath(path)?.format;
  if (format === undefined) return MIN_TEXT_BYTES;
  if (format !== 'trace.dat') return MIN_BYTES[format];
  return MIN_BYTES[compressedTraceDat(path) ? 'trace.dat compressed' : 'trace.dat'];
}

const WORKER_URL = new URL('./stream-worker.js', import.meta.url);

/** Whether a trace.dat may hold compressed sections (v7). */
function compressedTraceDat(path: string): boolean {
  const src = fileSource(path);
  try {
    return mayBeCompressed(src);
  } finally {
    src.close();
  }
}

/** Whether `streamEventsParallel` can take this source (a built worker script and a plain path). */
export function canStreamInWorker(source: Source, opts: StreamOptions): source is string {
  const mode = process.env['IOPATH_THREADS'] ?? 'auto';
  if (mode === '0' || typeof source !== 'string' || source === '-' || opts.strict) return false;
  // Run from TypeScript sources (the tests), the worker's script is not built: parse in place.
  if (!existsSync(fileURLToPath(WORKER_URL))) return false;
  if (mode === '1') return true;
  try {
    return statSync(source).size >= workerThreshold(source);
  } catch {
    return false;
  }
}

/** What the decoding thread is asked to read, apart from `progress`, which it may be sent unasked. */
function workerInput(path: string, opts: StreamOptions): WorkerInput {
  const payloads = opts.payloads;
  const binary = binaryReaderOfPath(path)?.format;
  return {
    path,
    label: opts.label ?? path,
    binary,
    // A trace.dat's unanalysed events come as their records' bytes, rendered here if ever read; a
    // perf.data's too in file mode (in pipe mode its tracing data is inside the stream of records).
    rawOthers: binary === 'trace.dat' || (binary === 'perf.data' && perfFileMode(path)),
    format: opts.format,
    payloads: payloads === undefined || payloads === 'all' ? undefined : payloads === 'none' ? [] : [...payloads],
    chunkBytes: opts.chunkBytes,
    maxLineBytes: opts.maxLineBytes,
    progress: opts.onProgress !== undefined,
  };
}

const sameRead = (a: WorkerInput, b: WorkerInput): boolean => JSON.stringify({ ...a, progress: true }) === JSON.stringify({ ...b, progress: true });

/**
 * A decoding thread and what it said before anyone listened: started early (prestartStreamWorker),
 * its messages, errors and exit wait in `queued` until streamEventsParallel takes it and sets `deliver`.
 */
interface StartedWorker {
  input: WorkerInput;
  worker: Worker;
  queued: ['message' | 'error' | 'exit', unknown][];
  deliver: ((what: 'message' | 'error' | 'exit', v: unknown) => void) | null;
}

/** Decoding threads started by this process (a test reads it to see an early one taken). */
let startedCount = 0;
export const streamWorkersStarted = (): number => startedCount;

function startWorker(input: WorkerInput): StartedWorker {
  startedCount++;
  // None of this process's options: V8's (`--max-old-space-size`, `--expose-gc`) are refused by a
  // worker, and an inline script's (`--input-type=module -e …`) do not apply to a file.
  // A small young generation: the parser's garbage dies young, and a second isolate with the
  // default one added about 50 MB to the peak RSS (190 vs 141 MB on a 420 MB trace).
  const worker = new Worker(WORKER_URL, { workerData: input, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const started: StartedWorker = { input, worker, queued: [], deliver: null };
  const on = (what: 'message' | 'error' | 'exit') => (v: unknown) => (started.deliver ? started.deliver(what, v) : started.queued.push([what, v]));
  worker.on('message', on('message'));
  worker.on('error', on('error'));
  worker.on('exit', on('exit'));
  return started;
}

let early: StartedWorker | null = null;

/** Messages the early thread sent that no stream has read yet (a test waits for some). */
export const earlyMessagesWaiting = (): number => early?.queued.length ?? 0;

/**
 * Starts the decoding thread for `path` now, if streamEventsParallel would use one with these
 * options, for the stream that will ask for it: the CLI calls this before it loads the analyzer, so
 * the thread's start (a second isolate, its modules, the file's layout: ~0.2-0.3 s before its first
 * event) runs beside that loading instead of after it. A later stream of another file or other
 * options stops it and starts its own; left unused, it does not keep the process alive.
 */
export function prestartStreamWorker(path: string, opts: StreamOptions): void {
  try {
    if (!canStreamInWorker(path, opts)) return;
    stopEarly();
    // Progress messages are asked for whether or not they will be shown: a handful per file.
    early = startWorker({ ...workerInput(path, opts), progress: true });
    early.worker.unref();
  } catch {
    early = null; // the stream will start its own (and report what is wrong with the file)
  }
}

function stopEarly(): void {
  if (early) void early.worker.terminate();
  early = null;
}

/** The early thread when it reads what `input` asks for, else a new one. */
function takeWorker(input: WorkerInput): StartedWorker {
  const e = early;
  early = null;
  if (e && sameRead(e.input, input)) {
    e.worker.ref();
    return e;
  }
  if (e) void e.worker.terminate();
  return startWorker(input);
}

export function streamEventsParallel(path: string, onEvent: (e: TraceEvent) => void, opts: StreamOptions = {}): Promise<StreamResult> {
  const label = opts.label ?? path;
  const diagnostics = opts.diagnostics ?? createDiagnostics(label, false);
  const input = workerInput(path, opts);
  // Unanalysed trace.dat events are rendered here if ever read (tracedat/printers.ts, loaded only
  // now: analyze must not load a reader before one is needed), which for a compressed file needs
  // zstd here too. Both start (6-10 ms) while the thread does, and its messages wait for them.
  // A perf.data's printers need no zstd (its tracing data is never compressed).
  const rawOthers = input.rawOthers;
  const perf = input.binary === 'perf.data';
  const printers = !rawOthers
    ? undefined
    : perf
      ? import('./binary/perfdata/printers.js').then((m) => m.perfFilePrinters(path))
      : import('./binary/tracedat/printers.js').then((m) => m.filePrinters(path));
  const zstd = rawOthers && !perf && compressedTraceDat(path) ? import('./binary/zstd.js').then((z) => z.initZstd()) : undefined;
  const ready = printers && Promise.all([printers, zstd]);
  let read = createWireReader();
  const target = { event: onEvent, diagnostic: diagnostics.add.bind(diagnostics) };
  return new Promise<StreamResult>((resolve, reject) => {
    const started = takeWorker(input);
    const worker = started.worker;
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(err);
    };
    const onMessage = (m: WorkerMessage): void => {
      if (settled) return;
      if (m.type === 'batch') {
        try {
          read(m, target);
        } catch (err) {
          fail(err);
          return;
        }
        const ack: MainMessage = { type: 'ack', buf: m.buf };
        worker.postMessage(ack, [m.buf]);
      } else if (m.type === 'progress') {
        opts.onProgress?.(m.bytes, m.gzip);
      } else if (m.type === 'done') {
        settled = true;
        void worker.terminate();
        resolve({ ...m.result, diagnostics });
      } else {
        const err: NodeJS.ErrnoException = new Error(m.message);
        if (m.stack) err.stack = m.stack;
        if (m.sys) Object.assign(err, m.sys);
        fail(err);
      }
    };
    let waiting: WorkerMessage[] | null = ready ? [] : null;
    ready?.then(([printerOf]) => {
      read = createWireReader(printerOf);
      const q = waiting ?? [];
      waiting = null;
      for (const m of q) onMessage(m);
    }, fail);
    const onExit = (code: number): void => {
      const stopped = (): void => fail(new Error(`the parsing thread stopped (exit ${code}) before the end of ${label}`));
      // Its last messages may still wait for the printers: they are read first (then this fails nothing).
      if (waiting && ready) void ready.then(stopped, stopped);
      else stopped();
    };
    const deliver = (what: 'message' | 'error' | 'exit', v: unknown): void => {
      if (what === 'message') {
        const m = v as WorkerMessage;
        if (waiting) waiting.push(m);
        else onMessage(m);
      } else if (what === 'error') fail(v);
      else onExit(v as number);
    };
    // What an early thread said before this stream took it comes first, in its order.
    const before = started.queued.splice(0);
    started.deliver = deliver;
    for (const [what, v] of before) deliver(what, v);
  });
}
