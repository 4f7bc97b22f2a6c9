import type { TraceEvent } from '../../model/events.js';
import type { TraceFormat } from '../../parse/formats.js';
import type { TextStream } from '../index.js';
import { hashString } from '../../stats/rng.js';
import { createEmitter } from '../emit/index.js';
import { createStackModel } from './model.js';
import { STACK_PRESETS, type StackParams, type StackPresetName } from './presets.js';
import type { StackTruthRow } from './truth.js';

/**
 * Simulated storage stacks (presets.ts) written as a trace in any of the three formats, with
 * per-I/O, per-layer ground truth as JSON lines (truth.ts). Streams like `simulate`: events leave
 * in time order as the clock passes them and truth rows when fio reaps each I/O, so memory
 * follows the I/Os in flight (64 CPUs × 16 jobs × iodepth), not the run's length.
 *
 * Two ways to take the output: `simulateStack` calls functions and runs at once;
 * `simulateStackToStreams` writes to streams and waits for 'drain' when one pushes back. A file
 * or pipe needs the second: given the first, a stream can only queue the whole run in memory
 * (2.65 GB for `--preset nvme-64 --ios 100000`) and hand it to the system in one call, past what
 * Node 20 can count. A file's writev of T bytes reports its count through a C int: T − 2^32 for
 * 2^31 < T < 2^32, so fs.WriteStream rewrites the last 2^32 − T bytes (the file ends at exactly
 * 2^32 bytes, its tail twice), then writes empty slices until it gives up with an
 * ERR_SYSTEM_ERROR that says "undefined returned undefined"; past 2^32 it throws, as the rest
 * concatenated exceeds a Buffer's 4 GiB. A pipe refuses a queue over INT_MAX bytes (ENOBUFS).
 */

export type { StackParams, StackPresetName } from './presets.js';
export { STACK_PRESET_NAMES, STACK_PRESETS, expectedHops, isStackPreset } from './presets.js';
export type { StackTruthRow, LayerStage, Hop } from './truth.js';
export { parseStackTruth } from './truth.js';

export interface StackOptions {
  preset: StackPresetName;
  params?: Partial<StackParams>;
  seed?: number;
  format?: TraceFormat;
}

export interface StackSinks {
  trace?: (chunk: string) => void;
  truth?: (chunk: string) => void;
  onEvent?: (e: TraceEvent) => void;
  onRows?: (rows: StackTruthRow[]) => void;
}

export interface StackFigures {
  preset: StackPresetName;
  seed: number;
  events: number;
  workloadIos: number;
  lowerIos: number;
  /** Largest number of events held in the ordering heap at once. */
  peakHeld: number;
}

const BATCH = 4096;

/** A run of the model that can stop between steps (where a writer may wait for its streams). */
interface ModelRun {
  /** Steps the model, then releases the events the clock has passed; false once it has finished. */
  advance(): boolean;
  result(): { events: number; peakHeld: number };
}

/**
 * Steps per `advance`, as often as the events were released before streams could be waited for:
 * what one advance releases (a few hundred events) is a fraction of a batch of lines.
 */
const STEPS = 256;

function startModel(p: StackParams, seed: number, out: (e: TraceEvent) => void, rows: (r: StackTruthRow[]) => void): ModelRun {
  let emitted = 0;
  const m = createStackModel(p, seed, (e) => {
    emitted++;
    out(e);
  }, rows);
  let peak = 0;
  return {
    advance() {
      for (let i = 0; i < STEPS; i++) {
        if (m.engine.step()) continue;
        m.tl.flush(true);
        if (!m.done()) throw new Error('stack simulation stalled before every job finished');
        return false;
      }
      m.tl.flush();
      peak = Math.max(peak, m.tl.count() - emitted);
      return true;
    },
    result: () => ({ events: m.tl.count(), peakHeld: peak }),
  };
}

function runModel(p: StackParams, seed: number, out: (e: TraceEvent) => void, rows: (r: StackTruthRow[]) => void): { events: number; peakHeld: number } {
  const run = startModel(p, seed, out, rows);
  while (run.advance());
  return run.result();
}

export function resolveStackParams(opts: Pick<StackOptions, 'preset' | 'params'>): StackParams {
  return { ...STACK_PRESETS[opts.preset].params, ...(opts.params ?? {}) };
}

/** The stack model writing to function sinks: at once, whatever they do with the text. */
export function simulateStack(opts: StackOptions, sinks: StackSinks = {}): StackFigures {
  const run = stackRun(opts, sinks);
  while (run.advance());
  return run.figures();
}

export interface StackStreams {
  trace?: TextStream;
  truth?: TextStream;
}

/**
 * The stack model writing to streams: after a write a stream refused, the model pauses until that
 * stream drains, so at most about a stream's buffer and one batch of lines wait in memory.
 */
export async function simulateStackToStreams(opts: StackOptions, streams: StackStreams): Promise<StackFigures> {
  let waits: Promise<void>[] = [];
  // The 'drain' listener is added as the write is refused: a stream drains only later, from the
  // event loop, so it cannot be missed (while another stream is still awaited, for instance).
  const to = (s: TextStream | undefined): ((chunk: string) => void) | undefined =>
    s === undefined ? undefined : (chunk) => void (s.write(chunk) || waits.push(new Promise<void>((resolve) => void s.once('drain', resolve))));
  const run = stackRun(opts, { trace: to(streams.trace), truth: to(streams.truth) });
  while (run.advance()) {
    if (waits.length > 0) {
      await Promise.all(waits);
      waits = [];
    }
  }
  return run.figures();
}

/** Writes the header now; `advance` runs the model a little at a time, `figures` when it is done. */
function stackRun(opts: StackOptions, sinks: StackSinks): { advance(): boolean; figures(): StackFigures } {
  const p = resolveParams(opts);
  const seed = opts.seed ?? 1;
  const format = opts.format ?? 'ftrace';
  const emitter = createEmitter(format, { hashKey: hashString(`boot:${seed}`) });
  let lines: string[] = [];
  let truth: string[] = [];
  let workloadIos = 0;
  let lowerIos = 0;
  const flushLines = (): void => {
    if (lines.length > 0 && sinks.trace !== undefined) sinks.trace(`${lines.join('\n')}\n`);
    lines = [];
  };
  const flushTruth = (): void => {
    if (truth.length > 0 && sinks.truth !== undefined) sinks.truth(`${truth.join('\n')}\n`);
    truth = [];
  };
  if (sinks.trace !== undefined) {
    // tracefs prints the event count first: the model is deterministic, so count it in a first run.
    const entries = format === 'ftrace' ? runModel(p, seed, () => {}, () => {}).events : 0;
    const head = emitter.header(entries, p.cpus);
    if (head.length > 0) sinks.trace(head);
  }
  const run = startModel(
    p,
    seed,
    (e) => {
      if (sinks.trace === undefined && sinks.onEvent === undefined) return;
      emitter.shape(e);
      if (sinks.trace !== undefined) {
        lines.push(emitter.line(e));
        if (lines.length >= BATCH) flushLines();
      }
      sinks.onEvent?.(e);
    },
    (rows) => {
      for (const row of rows) {
        if (row.role === 'workload') workloadIos++;
        else lowerIos++;
        if (sinks.truth !== undefined) truth.push(JSON.stringify(row));
      }
      if (truth.length >= BATCH) flushTruth();
      sinks.onRows?.(rows);
    },
  );
  return {
    advance() {
      if (run.advance()) return true;
      flushLines();
      flushTruth();
      return false;
    },
    figures() {
      const r = run.result();
      return { preset: opts.preset, seed, events: r.events, workloadIos, lowerIos, peakHeld: r.peakHeld };
    },
  };
}

const resolveParams = resolveStackParams;
