import { createHash } from 'node:crypto';
import type { TraceEvent } from '../../src/model/events.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import { simulate, type SimulateOptions } from '../../src/sim/index.js';

/** Runs a simulation into memory: the trace text, the shaped events, the figures. */
export async function runToText(opts: SimulateOptions, keepEvents = false): Promise<{ text: string; events: TraceEvent[]; truth: string; figures: Awaited<ReturnType<typeof simulate>> }> {
  const chunks: string[] = [];
  const truth: string[] = [];
  const events: TraceEvent[] = [];
  const figures = await simulate(opts, {
    trace: (c) => chunks.push(c),
    truth: (c) => truth.push(c),
    onEvent: keepEvents ? (e) => events.push({ ...e }) : undefined,
  });
  return { text: chunks.join(''), events, truth: truth.join(''), figures };
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export const FORMATS: TraceFormat[] = ['ftrace', 'trace-cmd', 'perf'];
