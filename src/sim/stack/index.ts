import type { TraceEvent } from '../../model/events.js';
import type { TraceFormat } from '../../parse/formats.js';
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

function runModel(p: StackParams, seed: number, out: (e: TraceEvent) => void, rows: (r: StackTruthRow[]) => void): { events: number; peakHeld: number } {
  let emitted = 0;
  const m = createStackModel(p, seed, (e) => {
    emitted++;
    out(e);
  }, rows);
  let peak = 0;
  let steps = 0;
  while (m.engine.step()) {
    if (++steps % 256 === 0) {
      m.tl.flush();
      peak = Math.max(peak, m.tl.count() - emitted);
    }
  }
  m.tl.flush(true);
  if (!m.done()) throw new Error('stack simulation stalled before every job finished');
  return { events: m.tl.count(), peakHeld: peak };
}

export function resolveStackParams(opts: Pick<StackOptions, 'preset' | 'params'>): StackParams {
  return { ...STACK_PRESETS[opts.preset].params, ...(opts.params ?? {}) };
}

export function simulateStack(opts: StackOptions, sinks: StackSinks = {}): StackFigures {
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
  const r = runModel(
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
  flushLines();
  flushTruth();
  return { preset: opts.preset, seed, events: r.events, workloadIos, lowerIos, peakHeld: r.peakHeld };
}

const resolveParams = resolveStackParams;
