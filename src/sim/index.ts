import type { TraceEvent } from '../model/events.js';
import { NS_PER_US } from '../model/time.js';
import type { TraceFormat } from '../parse/formats.js';
import { createEmitter } from './emit/index.js';
import { createFtraceBytes } from './emit/ftrace-bytes.js';
import type { DirectSink } from './kevents.js';
import { createModel } from './model.js';
import { defaultParams, validateParams, type SimParams } from './params.js';
import { PRESETS, type PresetName } from './presets.js';
import { hashString } from '../stats/rng.js';
import { createModeCounter, figures, type SimulationFigures } from './stats.js';
import { createTextBuffer, type TextBuffer } from './text-buffer.js';
import { createTruthWriter, truthRow, type TruthFormat } from './truth.js';
import type { Io } from './types.js';
import { isKworkerComm } from '../kernel/tasks.js';

/**
 * The simulator's library API. `simulate` streams: events are shaped and written as they happen,
 * in batches of lines, waiting for 'drain' when a stream pushes back; each I/O's ground truth is
 * written when fio reaps it. Only in-flight I/Os and the current batch are in memory, so a run of
 * ten million I/Os needs no more memory than one of a thousand.
 */

export type { SimParams } from './params.js';
export type { PresetName } from './presets.js';
export type { SimulationFigures } from './stats.js';
export { PRESET_NAMES } from './presets.js';

/** A Node writable stream, or anything with the same write/drain contract. */
export interface TextStream {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}
/** A stream receives bytes (trace) or strings (truth); a function always receives strings. */
export type TextSink = TextStream | ((chunk: string) => void);

export interface SimulateOptions {
  preset?: PresetName;
  /** Overrides the preset's (and the defaults') parameters. */
  params?: Partial<SimParams>;
  seed?: number;
  /** Trace text format (when `sinks.trace` is given). */
  format?: TraceFormat;
  truthFormat?: TruthFormat;
  /**
   * tracefs prints the event count in its header: run the (deterministic) model once more first to
   * count them. Default true for ftrace; false writes the header with the count left at 0.
   */
  exactHeader?: boolean;
  /** Lines per write at most (default 65536; writes are also cut at 1 MiB). */
  batchLines?: number;
}

export interface SimulateSinks {
  trace?: TextSink;
  truth?: TextSink;
  /** Every event as emitted, shaped for `format` (for tests and in-process analysis). */
  onEvent?: (e: TraceEvent) => void;
  /** Every finished I/O (in memory only for the call). */
  onIo?: (io: Io) => void;
}

export function resolveParams(opts: Pick<SimulateOptions, 'preset' | 'params'>): SimParams {
  const p: SimParams = { ...defaultParams(), ...(opts.preset !== undefined ? PRESETS[opts.preset].params : {}), ...(opts.params ?? {}) };
  const bad = validateParams(p);
  if (bad.length > 0) throw new RangeError(bad.join('; '));
  return p;
}

async function write(sink: TextSink, chunk: string | Buffer): Promise<void> {
  if (chunk.length === 0) return;
  if (typeof sink === 'function') {
    sink(typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    return;
  }
  if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', resolve));
}

/** Counts the events a run will emit (the model is deterministic for a seed). */
function countEvents(p: SimParams, seed: number): number {
  const m = createModel(p, seed, () => {}, () => {}, () => {});
  m.engine.run({ stop: m.done });
  m.engine.run({ until: m.engine.now() + TAIL_NS });
  return m.ev.count();
}

/** Bytes per trace write: large writes keep the per-write cost of streams negligible. */
const BATCH_BYTES = 1 << 20;
/**
 * Bytes per call of a function sink, which receives strings: below V8's large-object size (128 KiB),
 * so each string dies young in a scavenge instead of waiting in large-object space for a full GC.
 */
const FN_BATCH_BYTES = 96 << 10;

/** After fio's last reap, let the kworker and scheduler finish what they were doing. */
const TAIL_NS = 100 * NS_PER_US;

export async function simulate(opts: SimulateOptions = {}, sinks: SimulateSinks = {}): Promise<SimulationFigures> {
  const p = resolveParams(opts);
  const seed = opts.seed ?? 1;
  const format = opts.format ?? 'ftrace';
  const batchLines = opts.batchLines ?? 65536;
  const hashKey = hashString(`boot:${seed}`);
  const emitter = createEmitter(format, { hashKey });
  const tracing = sinks.trace !== undefined;
  const onEvent = sinks.onEvent;
  // ftrace text with no one asking for the event objects: format straight from the model's state
  // (same bytes as shape + line; see emit/ftrace-bytes.ts).
  const fast = tracing && format === 'ftrace' && onEvent === undefined ? createFtraceBytes(hashKey) : null;
  const text = fast === null ? createTextBuffer() : null;
  const lines = fast ?? (text as TextBuffer);
  const truth = sinks.truth !== undefined ? createTruthWriter(opts.truthFormat ?? 'csv') : null;
  const modes = createModeCounter();
  let kworkerRuns = 0;

  const sink = (e: TraceEvent): void => {
    if (e.kind === 'sched_waking' && isKworkerComm(e.targetComm)) kworkerRuns++;
    if (!tracing && onEvent === undefined) return;
    emitter.shape(e);
    if (tracing && text !== null) text.push(emitter.line(e));
    if (onEvent !== undefined) onEvent(e);
  };
  const direct: DirectSink | undefined =
    fast === null
      ? undefined
      : (cpu, pid, comm, flags, ts, e) => {
          if (e.kind === 'sched_waking' && isKworkerComm(e.targetComm as string)) kworkerRuns++;
          fast.event(cpu, pid, comm, flags, ts, e);
        };
  const model = createModel(
    p,
    seed,
    sink,
    (io) => {
      modes.add(io);
      if (truth !== null) truth.add(truthRow(io, model.startNs));
      sinks.onIo?.(io);
    },
    direct,
  );

  if (tracing && sinks.trace !== undefined) {
    const entries = format === 'ftrace' && (opts.exactHeader ?? true) ? countEvents(p, seed) : 0;
    await write(sinks.trace, emitter.header(entries, p.cpus));
  }
  const flush = async (): Promise<void> => {
    // A function sink gets a string made at once, so it can be given the buffer itself.
    if (tracing && sinks.trace !== undefined && lines.lines() > 0) await write(sinks.trace, lines.take(typeof sinks.trace !== 'function'));
    if (truth !== null && sinks.truth !== undefined) await write(sinks.truth, truth.take());
  };
  let truthRows = 0;
  const batchBytes = typeof sinks.trace === 'function' ? FN_BATCH_BYTES : BATCH_BYTES;
  const full = (): boolean => lines.lines() >= batchLines || lines.bytes() >= batchBytes || modes.n - truthRows >= batchLines;
  while (!model.done()) {
    model.engine.run({ stop: () => model.done() || full() });
    truthRows = modes.n;
    await flush();
    if (!model.done() && model.engine.size() === 0) throw new Error('simulation stalled: no events left before the job finished');
  }
  model.engine.run({ until: model.engine.now() + TAIL_NS });
  model.cpus.finish();
  await flush();
  return figures(model, p, opts.preset ?? null, seed, modes, kworkerRuns);
}
