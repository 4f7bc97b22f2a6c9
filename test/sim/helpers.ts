import { createHash } from 'node:crypto';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import { createLineParser } from '../../src/parse/line-parser.js';
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

/** Every line of a simulated trace parsed: the events, and how many lines or payloads were malformed. */
export function parseAll(format: TraceFormat, text: string): { events: TraceEvent[]; malformed: number } {
  const diagnostics = createDiagnostics('sim', false);
  const parser = createLineParser({ format, diagnostics });
  const events: TraceEvent[] = [];
  text.split('\n').forEach((line, i) => {
    const e = parser.parse(line, i + 1);
    if (e !== null) events.push(e);
  });
  const counts = diagnostics.counts();
  return { events, malformed: (counts.malformed_line ?? 0) + (counts.malformed_payload ?? 0) };
}
