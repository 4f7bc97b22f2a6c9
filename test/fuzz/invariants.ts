import { expect } from 'vitest';
import type { DiagnosticsCollector } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import { CPUS_HEADER, KNOWN_HEADER } from '../../src/parse/markers.js';
import { PAYLOAD_PARSERS } from '../../src/parse/payload/index.js';

/** Checks shared by the fuzzers: what any event, any diagnostic tally and any analysis must satisfy. */

/** Lines the parser may skip without a word: blank lines, `#` comments and the known header lines. */
export function isSilentLine(line: string): boolean {
  return line.trim().length === 0 || line.startsWith('#') || KNOWN_HEADER.test(line) || CPUS_HEADER.test(line);
}

export function totalDiagnostics(d: DiagnosticsCollector): number {
  return Object.values(d.counts()).reduce((a, b) => a + (b ?? 0), 0);
}

/** An event's header fields are what a consumer may rely on, whatever the line was. */
export function expectSaneEvent(e: TraceEvent, lineNo: number): void {
  expect(e.line).toBe(lineNo);
  expect(typeof e.kind).toBe('string');
  expect(Number.isInteger(e.cpu), `cpu ${e.cpu}`).toBe(true);
  expect(Number.isInteger(e.pid), `pid ${e.pid}`).toBe(true);
  expect(typeof e.comm).toBe('string');
  expect(Number.isFinite(e.ts), `ts ${e.ts}`).toBe(true);
  if (e.kind === 'other') {
    expect(typeof e.name).toBe('string');
    expect(typeof e.args).toBe('string');
  }
}

/** Every number in a result (an analysis, a summary) is finite: JSON would silently turn NaN or Infinity into null. */
export function nonFiniteNumbers(value: unknown, path = '$', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path}=${value}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => nonFiniteNumbers(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nonFiniteNumbers(v, `${path}.${k}`, out);
  return out;
}

/** A modelled event name that came back as `other`: its payload did not parse. */
export function isDemotedModelled(e: TraceEvent): boolean {
  return e.kind === 'other' && PAYLOAD_PARSERS.has(e.name);
}
