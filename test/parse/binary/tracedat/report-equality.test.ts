import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { TraceEvent } from '../../../../src/model/events.js';
import { collect } from '../../helpers.js';
import { asText, CAPTURES, datPath, reportPath, textComparable, toZlib, VERSIONS } from '../helpers.js';

/**
 * The proof that the binary reader yields what the text parsers yield: every event of each real
 * trace.dat fixture (v7 zstd, v6 uncompressed, and the v7 file recompressed with zlib) deep-equals
 * the event the trace-cmd parser makes of the line `trace-cmd report` printed for it, line number
 * included, lost-event markers included. Only what the text cannot carry is set aside (see
 * `asText`): the context flags, an unmodelled event's system, the form and prev_state letters of
 * the sched plugin's print, and, without -t, the nanoseconds.
 */

async function textEvents(name: string, ns: boolean): Promise<TraceEvent[]> {
  const { events, result } = await collect(reportPath(name, ns));
  expect(result.format).toBe('trace-cmd');
  return events;
}

describe.each(CAPTURES)('%s', (name) => {
  it.each(VERSIONS)('%s: the events of `trace-cmd report -t` (nanoseconds), one for one', async (version) => {
    const { events, result } = await collect(datPath(name, version));
    expect(result.format).toBe('trace.dat');
    const text = await textEvents(name, true);
    expect(events.length).toBe(text.length);
    expect(events.map((e) => asText(e, true))).toEqual(text.map(textComparable));
  });

  it.each(VERSIONS)('%s: the events of `trace-cmd report` (microseconds, rounded as it rounds)', async (version) => {
    const { events } = await collect(datPath(name, version));
    const text = await textEvents(name, false);
    expect(events.map((e) => asText(e, false))).toEqual(text.map(textComparable));
  });

  it('the v7 file recompressed with zlib reads the same events', async () => {
    const zstd = await collect(datPath(name, 'v7-zstd'));
    const zlib = await collect(Readable.from([await toZlib(readFileSync(datPath(name, 'v7-zstd')))]));
    expect(zlib.result.format).toBe('trace.dat');
    expect(zlib.events).toEqual(zstd.events);
  });

  it('lost events: the markers trace-cmd prints, where it prints them, as lost_events diagnostics', async () => {
    const { events, result } = await collect(datPath(name, 'v7-zstd'));
    const text = await textEvents(name, true);
    const lost = events.filter((e) => e.kind === 'lost');
    expect(lost).toEqual(text.filter((e) => e.kind === 'lost'));
    expect(result.diagnostics.count('lost_events')).toBe(lost.length);
    if (name === 'lost-64k') expect(lost.map((e) => (e.kind === 'lost' ? [e.cpu, e.count] : []))).toEqual([[0, -1], [1, 21586]]);
  });
});

describe('what the binary adds', () => {
  it('every event has the latency flags and context `trace-cmd report -l` would print', async () => {
    const { events } = await collect(datPath('libaio-randwrite-200', 'v7-zstd'));
    const real = events.filter((e) => e.kind !== 'lost');
    expect(real.every((e) => typeof e.flags === 'string' && e.flags.length === 5)).toBe(true);
    // Interrupt handlers run in hardirq context, softirq handlers in softirq context.
    for (const e of real) {
      if (e.kind === 'irq_handler_entry') expect(e.ctx).toBe('hardirq');
      if (e.kind === 'softirq_entry') expect(e.ctx).toBe('softirq');
    }
  });
});
