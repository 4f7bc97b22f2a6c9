import { analyzeTrace } from './analyze/pipeline.js';
import type { CalibratedModel, WhatifChange, WhatifOptions, WhatifResult } from './calibrate/index.js';
import { evaluateGate, parseGate, type GateOutcome } from './compare/gate.js';
import type { CompareResult } from './compare/index.js';
import { checkInputPath } from './input/check.js';
import type { Source } from './input/lines.js';
import type { Analysis } from './model/analysis.js';
import type { DiagnosticSummary } from './model/diagnostics.js';
import { IopathError, systemError } from './model/errors.js';
import type { TraceEvent } from './model/events.js';
import type { IoPath, IoUnit } from './model/io.js';
import { isTraceFormat, type TraceFormat } from './parse/formats.js';
import { streamEvents as streamTrace, type StreamResult } from './parse/stream.js';
import type { SimulateOptions, SimulateSinks, SimulationFigures } from './sim/index.js';

/**
 * iopath as a library: the same functions the `iopath` command runs, returning the same plain
 * objects its `--json` prints. Inputs are the command's: a trace of ftrace, `trace-cmd report` or
 * `perf script` text, gzipped or not, by path or as a byte stream. Every refusal is an
 * {@link IopathError} whose `kind` says why; nothing here writes to stdout, stderr or the exit code.
 * See docs/library.md.
 */

export { ANALYSIS_SCHEMA } from './model/analysis.js';
export type { Analysis, CpuShare, LatencySummary } from './model/analysis.js';
export type { CompletionMode, IoPath, IoUnit, Phase } from './model/io.js';
export type { TraceEvent, ExecContext } from './model/events.js';
export type { TraceFormat } from './parse/formats.js';
export type { BinaryFormat } from './parse/binary/dispatch.js';
import type { BinaryFormat } from './parse/binary/dispatch.js';
export { ERROR_KINDS, IopathError, isIopathError, type ErrorKind } from './model/errors.js';
export { StrictModeError, type DiagnosticCode, type DiagnosticSummary } from './model/diagnostics.js';
// The constants come from the files that define them, not from the barrels (compare/index.ts,
// sim/index.ts, calibrate/index.ts): those load the comparison, the simulator and the calibration,
// which `import { analyze }` must not pay for. Their code is imported by the functions below when
// they are called.
export { COMPARE_SCHEMA } from './compare/schema.js';
export { gateFailure, GATE_METRICS } from './compare/gate.js';
export type { CompareResult, GateOutcome, RegressionGate } from './compare/index.js';
export { PRESET_NAMES } from './sim/presets.js';
export { POLICY_NAMES } from './sim/policies/index.js';
export type { SimulateOptions, SimulateSinks, SimulationFigures, SimParams, PresetName, TextSink } from './sim/index.js';
export { MODEL_SCHEMA, WHATIF_SCHEMA } from './model/calibration-schemas.js';
export type { CalibratedModel, WhatifChange, WhatifOptions, WhatifResult } from './calibrate/index.js';
// The analysis as tables, Parquet and many traces at once: `import … from 'iopath/tables'` (src/tables/index.ts).

/**
 * A trace to read: a file path (gzip is detected by its first bytes, whatever the name; `-` is
 * standard input) or a stream of its bytes (a `Readable`, or any async iterable of Buffers).
 */
export type TraceInput = Source;

/** How to read a trace; every field is optional. */
export interface ReadOptions {
  /** Parse as this format instead of detecting it from the first lines. */
  format?: TraceFormat;
  /** Throw a {@link StrictModeError} (file:line) at the first malformed line or data loss, instead of counting it. */
  strict?: boolean;
  /** The input's name in diagnostics and in `analysis.input.path` (default: the path, or `<stream>`). */
  label?: string;
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions extends ReadOptions {
  /** What one I/O is: `dio` (one direct I/O), `request` (one block request), `auto` (default: DIOs when the trace has iomap events). */
  unit?: IoUnit | 'auto';
  /** Called with every I/O as it finishes, with its path and phases (what `--csv` writes). */
  onIo?: (io: IoPath) => void;
  /**
   * Called with every I/O that is not the workload's, as it finishes: one a lower layer issued to
   * service a workload I/O (the loop worker's DIO on the backing device), or one the kernel issued
   * on its own (journal, log, flusher). Never counted in the analysis's `ios`.
   */
  onOtherIo?: (io: IoPath, layer: 'servicing' | 'background') => void;
  /** Called now and then with the bytes read so far (after gunzip): for a progress display. */
  onProgress?: (bytes: number, gzip: boolean) => void;
}

/** Rethrows a system error (EACCES, EIO…) as an `unreadable` IopathError, anything else as it is. */
const rethrow = (err: unknown): never => {
  throw systemError(err) ?? err;
};

const labelOf = (input: TraceInput, o: ReadOptions): string => o.label ?? (typeof input === 'string' ? input : '<stream>');

function checkRead(input: TraceInput, o: ReadOptions & { unit?: string }): void {
  if (o.format !== undefined && !isTraceFormat(o.format)) throw new IopathError('usage', `format must be one of ftrace, trace-cmd, perf (got "${String(o.format)}")`);
  if (o.unit !== undefined && !['auto', 'dio', 'request'].includes(o.unit)) throw new IopathError('usage', `unit must be auto, dio or request (got "${o.unit}")`);
  if (typeof input === 'string') checkInputPath(input);
}

/** `label: nothing to VERB: why`, when no line of the input was a trace event. */
function nothingIn(label: string, verb: string, s: StreamResult, forced: TraceFormat | undefined): IopathError {
  // A format recognised with nothing analysable in it (perf script -F without cpu or time) says why.
  const known = s.detection?.eventLines === 0 && forced === undefined ? s.detection.reason : undefined;
  const why = s.read.lines === 0 ? 'the input is empty' : (known ?? `none of its ${s.read.lines} lines is a trace event${forced ? ` in ${forced} format` : ''}`);
  return new IopathError('unrecognised', `${label}: nothing to ${verb}: ${why}`);
}

/**
 * Rebuilds every I/O's completion path in a trace — where it completed (hardirq/softirq, a
 * kworker, the submitting task), its latency by phase, the CPU time around it — in one streaming
 * pass (memory follows the I/Os in flight, not the trace's length).
 *
 * @returns the `iopath.analysis/1` object, exactly what `iopath analyze --json` prints.
 * @throws IopathError `unreadable` (no such file, a directory, a read that failed), `unrecognised`
 *   (no line of the input is a trace event), `usage` (a bad option); StrictModeError with `strict`.
 */
export async function analyze(input: TraceInput, options: AnalyzeOptions = {}): Promise<Analysis> {
  checkRead(input, options);
  const { format, unit, strict, onIo, onOtherIo, onProgress } = options;
  const { analysis, stream } = await analyzeTrace(input, { format, unit, strict, label: labelOf(input, options), onPath: onIo, onOtherPath: onOtherIo, onProgress }).catch(rethrow);
  if (stream.events === 0) throw nothingIn(labelOf(input, options), 'analyze', stream, format);
  return analysis;
}

/** Options of {@link compare}: how to read traces given by path, and the comparison's own. */
export interface CompareOptions extends Omit<ReadOptions, 'label'> {
  unit?: IoUnit | 'auto';
  /** Names of the two sides in the result (default `before`, `after`). */
  labelBefore?: string;
  labelAfter?: string;
  /** Seed of the bootstrap and permutation resampling (default 1): same inputs and seed, same numbers. */
  seed?: number | string;
  /** Confidence level of intervals and tests (default 0.95). */
  level?: number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
}

/** A side of a comparison: a trace path, a saved `analyze --json` file (gzipped or not), or an Analysis. */
export type CompareInput = string | Analysis;

/**
 * Did a change help? IOPS, completion modes, CPU and latency before vs after, with confidence
 * intervals, tests and a verdict. Each side is one run or several (then run-to-run noise is
 * measured too). Paths are read one at a time, so memory follows one trace.
 *
 * @returns the `iopath.compare/1` object, exactly what `iopath compare --json` prints.
 * @throws IopathError `unreadable`, `unrecognised` (no trace event, another JSON schema, no I/O).
 */
export async function compare(before: CompareInput | readonly CompareInput[], after: CompareInput | readonly CompareInput[], options: CompareOptions = {}): Promise<CompareResult> {
  const { format, unit, strict, labelBefore, labelAfter, seed, level, resamples } = options;
  const { compareAnalyses, loadAnalysis } = await import('./compare/index.js');
  const load = async (side: CompareInput | readonly CompareInput[]): Promise<Analysis[]> => {
    const out: Analysis[] = [];
    for (const x of Array.isArray(side) ? side : [side]) out.push(typeof x === 'string' ? await loadAnalysis(x, { format, unit, strict }).catch(rethrow) : (x as Analysis));
    return out;
  };
  const a = await load(before);
  const b = await load(after);
  return compareAnalyses(a, b, { labelBefore, labelAfter, seed, level, resamples });
}

/**
 * Evaluates regression gates (`iops`, `p99:5`, `completion.p90:2.5`, `kworker:3`…; see
 * {@link GATE_METRICS}) on a comparison. {@link gateFailure} of the outcomes is the `regression`
 * error to throw when one tripped.
 * @throws IopathError `usage` for a gate that does not parse.
 */
export function evaluateGates(result: CompareResult, gates: readonly string[]): GateOutcome[] {
  return gates.map(parseGate).map((g) => evaluateGate(result, g));
}

/**
 * Runs the simulator: fio + device + kernel completion path + scheduler. Writes the trace it would
 * give to `sinks.trace` (in `options.format`) and per-I/O ground truth to `sinks.truth`, streaming.
 * @returns the run's figures (`iopath.simulation/1`, what `iopath simulate --json` prints).
 * @throws IopathError `usage` for parameters out of range.
 */
export async function simulate(options: SimulateOptions = {}, sinks: SimulateSinks = {}): Promise<SimulationFigures> {
  const { simulate: runSimulation } = await import('./sim/index.js');
  try {
    return await runSimulation(options, sinks);
  } catch (err) {
    throw err instanceof RangeError ? new IopathError('usage', err.message) : err;
  }
}

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  format?: TraceFormat;
  /** fio's iodepth when known (the trace shows it only when fio blocked with a full queue). */
  iodepth?: number;
}

/**
 * Measures the simulator's parameters in a real trace, each with its samples; what the trace
 * cannot show keeps its documented default. Reads the file twice, so a path, not a stream.
 * @returns the `iopath.model/1` object (what `iopath calibrate -o` saves), the input of {@link whatif}.
 * @throws IopathError `usage` (`-`), `unreadable`, `unrecognised` (no I/O followed from submission to completion).
 */
export async function calibrate(path: string, options: CalibrateOptions = {}): Promise<CalibratedModel> {
  if (path === '-') throw new IopathError('usage', 'calibrate reads its input twice: give a file, not stdin');
  checkRead(path, options);
  const { calibrateTrace, CalibrateError } = await import('./calibrate/index.js');
  try {
    return await calibrateTrace(path, { format: options.format, iodepth: options.iodepth });
  } catch (err) {
    throw err instanceof CalibrateError ? new IopathError('unrecognised', err.message) : (systemError(err) ?? err);
  }
}

/**
 * Predicts a change on a calibrated machine: simulates its current and the changed setting over
 * paired seeds and reports IOPS, completion modes, CPU shares and latencies with their spread.
 * @returns the `iopath.whatif/1` object, what `iopath whatif --json` prints.
 * @throws IopathError `usage` for a change the simulator cannot run.
 */
export async function whatif(model: CalibratedModel, change: WhatifChange, options: WhatifOptions = {}): Promise<WhatifResult> {
  const { whatif: runWhatif } = await import('./calibrate/index.js');
  try {
    return await runWhatif(model, change, options);
  } catch (err) {
    throw err instanceof RangeError ? new IopathError('usage', err.message) : err;
  }
}

/** What a read of a trace found, besides its events. */
export interface ReadSummary {
  /** The format read (detected or forced): a text format, or `trace.dat` / `perf.data` read directly. */
  format: TraceFormat | BinaryFormat;
  lines: number;
  /** Bytes of text (after gunzip). */
  bytes: number;
  gzip: boolean;
  events: number;
  /** What was skipped or lost, and where (the first few examples of each code). */
  diagnostics: DiagnosticSummary[];
}

/**
 * Reads a trace and calls `onEvent` with each event, normalized to {@link TraceEvent} whatever the
 * format, in input order (merged input out of time order is put back in order within 50 ms). The
 * fastest way through a big trace: one streaming pass, nothing kept.
 * @throws IopathError `unreadable`, `unrecognised` (no line is a trace event); StrictModeError with `strict`.
 */
export async function streamEvents(input: TraceInput, onEvent: (e: TraceEvent) => void, options: ReadOptions = {}): Promise<ReadSummary> {
  checkRead(input, options);
  const label = labelOf(input, options);
  const s = await streamTrace(input, onEvent, { format: options.format, strict: options.strict, label }).catch(rethrow);
  if (s.events === 0 || s.format === null) throw nothingIn(label, 'read', s, options.format);
  return { format: s.format, lines: s.read.lines, bytes: s.read.bytes, gzip: s.read.gzip, events: s.events, diagnostics: s.diagnostics.summaries() };
}

/** Events buffered ahead of the consumer before the reading waits (about one 1 MiB chunk's worth). */
const READ_AHEAD = 16_384;

/**
 * The events of a trace as an async iterable: `for await (const e of readEvents('t.txt.gz'))`.
 * The file is read only as fast as the loop consumes; leaving the loop early stops the reading.
 * @throws IopathError `unreadable`, `unrecognised`; StrictModeError with `strict` (from the loop).
 */
export async function* readEvents(input: TraceInput, options: ReadOptions = {}): AsyncGenerator<TraceEvent, void, undefined> {
  checkRead(input, options);
  const label = labelOf(input, options);
  let queue: TraceEvent[] = [];
  let head = 0;
  let finished = false;
  let stopped = false;
  let failure: unknown = null;
  const stop = new Error('reading stopped by the consumer');
  // Who waits: the loop below for events (wake), the reader for the loop to catch up (resume).
  const waiting: { wake?: () => void; resume?: () => void } = {};
  const release = (k: 'wake' | 'resume'): void => {
    const f = waiting[k];
    waiting[k] = undefined;
    f?.();
  };
  const reading = streamTrace(input, (e) => (queue.push(e), release('wake')), {
    format: options.format,
    strict: options.strict,
    label,
    // Asked before each chunk: wait while the loop is a chunk behind; give up once it has left.
    pace: () => {
      if (stopped) return Promise.reject(stop);
      if (queue.length - head < READ_AHEAD) return undefined;
      return new Promise<void>((resolve) => (waiting.resume = resolve)).then(() => (stopped ? Promise.reject(stop) : undefined));
    },
  })
    .then(
      (s) => void (s.events === 0 && (failure = nothingIn(label, 'read', s, options.format))),
      (err: unknown) => void (err !== stop && (failure = systemError(err) ?? err)),
    )
    .finally(() => ((finished = true), release('wake')));
  try {
    for (;;) {
      if (head < queue.length) {
        const e = queue[head++]!;
        if (head === queue.length) (queue = []), (head = 0);
        if (queue.length - head < READ_AHEAD / 2) release('resume');
        yield e;
      } else if (finished) break;
      else {
        release('resume');
        await new Promise<void>((resolve) => (waiting.wake = resolve));
      }
    }
    if (failure !== null) throw failure;
  } finally {
    stopped = true;
    release('resume');
    await reading;
  }
}
