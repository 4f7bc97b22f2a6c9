import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInspection, whyNothing } from '../../src/commands/inspect.js';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { inspectTrace } from '../../src/inspect/inspect.js';
import { StrictModeError } from '../../src/model/diagnostics.js';
import { eventName } from '../../src/model/events.js';
import { collect, EXCERPTS, excerptNames, HOSTILE } from '../parse/helpers.js';

/** The census agrees with a full parse, for every excerpt. */

function pick(o: Record<string, number>, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

describe('inspectTrace', () => {
  it.each(excerptNames())('%s: census equals the full parse', async (name) => {
    const path = join(EXCERPTS, name);
    const r = await inspectTrace(path);
    const { events, result } = await collect(path);
    const byName: Record<string, number> = {};
    for (const e of events) {
      const n = e.kind === 'lost' ? 'lost' : eventName(e);
      byName[n] = (byName[n] ?? 0) + 1;
    }
    expect(r.eventsByName).toEqual(byName);
    expect(r.events).toBe(events.length);
    expect(r.lines).toBe(result.read.lines);
    expect(r.format).toBe(result.format);
    expect(r.cpus).toEqual([...new Set(events.filter((e) => e.kind !== 'lost').map((e) => e.cpu))].sort((a, b) => a - b));
    const ts = events.filter((e) => e.kind !== 'lost').map((e) => e.ts);
    expect(r.startNs).toBe(Math.min(...ts));
    expect(r.endNs).toBe(Math.max(...ts));
    expect(r.payloadsParsed).toBe(true);
  });

  // The census parses the payloads analyze reads, so it reports what analyze reports.
  it.each([...excerptNames().map((n) => join(EXCERPTS, n)), ...['payload-forms.ftrace.txt', 'truncated.ftrace.txt', 'junk.ftrace.txt'].map((n) => join(HOSTILE, n))])(
    '%s: the same diagnostics, and --strict stops on the same line, as analyze',
    async (path) => {
      const r = await inspectTrace(path);
      const a = await analyzeTrace(path);
      expect(r.diagnostics).toEqual(pick(a.stream.diagnostics.counts(), Object.keys(r.diagnostics)));
      for (const code of ['malformed_payload', 'malformed_line'] as const) expect(r.diagnostics[code], code).toBe(a.stream.diagnostics.counts()[code]);
      const si = await inspectTrace(path, { strict: true }).then(() => null, (e: unknown) => e);
      const sa = await analyzeTrace(path, { strict: true }).then(() => null, (e: unknown) => e);
      if (si === null) {
        // inspect has no analysis: only analysis-level diagnostics may stop analyze where it did not stop.
        if (sa !== null) expect(sa).toBeInstanceOf(StrictModeError);
        if (sa instanceof StrictModeError) expect(['malformed_line', 'malformed_payload', 'binary_data', 'line_too_long', 'lost_events', 'buffer_started', 'timestamp_regression']).not.toContain(sa.code);
      } else {
        expect(si).toBeInstanceOf(StrictModeError);
        expect(sa).toBeInstanceOf(StrictModeError);
        expect([(si as StrictModeError).line, (si as StrictModeError).code]).toEqual([(sa as StrictModeError).line, (sa as StrictModeError).code]);
      }
    },
  );

  it('a header-only census says it did not parse payloads', async () => {
    const r = await inspectTrace(join(HOSTILE, 'payload-forms.ftrace.txt'), { payloads: 'none' });
    expect(r.payloadsParsed).toBe(false);
    expect(r.diagnostics.malformed_payload).toBeUndefined();
    expect(formatInspection(r)).toMatch(/payloads were not parsed/);
  });

  it('orders eventsByName by count, then name', async () => {
    const r = await inspectTrace(join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt'));
    const counts = Object.values(r.eventsByName);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(formatInspection(r)).toMatch(/^format\s+ftrace\s+\[tracefs "# tracer:" header\]$/m);
  });

  it('says why an input gave nothing', async () => {
    const r = await inspectTrace(join(HOSTILE, 'names.trace-cmd.txt'), { format: 'perf' });
    expect(r.events).toBe(0);
    expect(whyNothing(r, 'perf')).toBe('none of its 7 lines is a trace event in perf format; it looks like trace-cmd: try --format trace-cmd');
  });
});
