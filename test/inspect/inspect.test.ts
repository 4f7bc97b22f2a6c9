import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInspection, whyNothing } from '../../src/commands/inspect.js';
import { inspectTrace } from '../../src/inspect/inspect.js';
import { eventName } from '../../src/model/events.js';
import { collect, EXCERPTS, excerptNames, HOSTILE } from '../parse/helpers.js';

/** The census agrees with a full parse, for every excerpt. */

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
    // Payloads are skipped by the census, so malformed payloads cannot show; the rest must agree.
    const { malformed_payload: _m, ...rest } = result.diagnostics.counts();
    expect(r.diagnostics).toEqual(rest);
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
