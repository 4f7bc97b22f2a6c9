import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiagnostics, type DiagnosticCode, type DiagnosticsCollector } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import { ANALYZED_EVENTS } from '../../src/analyze/pipeline.js';
import { streamEvents, type StreamOptions } from '../../src/parse/stream.js';
import { createWireReader, createWireWriter, type WireBatch } from '../../src/parse/wire.js';
import { FIXTURES } from '../helpers/paths.js';
import { EXCERPTS, HOSTILE, excerptNames } from './helpers.js';
import { readdirSync } from 'node:fs';

/**
 * Events and diagnostics through the wire form come back as the parser made them, in the same
 * order, whatever the batch size and however often the string table is cleared.
 */

type Item = { ev: TraceEvent } | { diag: [DiagnosticCode, number, string, string | undefined, number] };

async function direct(path: string, opts: StreamOptions): Promise<Item[]> {
  const items: Item[] = [];
  const base = createDiagnostics(path, false);
  const diagnostics: DiagnosticsCollector = {
    ...base,
    add(code, line, message, text, count = 1) {
      items.push({ diag: [code, line, message, text, count] });
    },
  };
  await streamEvents(path, (ev) => items.push({ ev }), { ...opts, diagnostics });
  return items;
}

function throughWire(items: Item[], limits: { tableMax?: number; batchNumbers?: number }): { out: Item[]; batches: number; resets: number } {
  const out: Item[] = [];
  const read = createWireReader();
  let batches = 0;
  let resets = 0;
  const writer = createWireWriter((b: WireBatch) => {
    batches++;
    if (b.reset) resets++;
    // As across threads: the buffer is handed over, then handed back once read.
    read(b, { event: (ev) => out.push({ ev }), diagnostic: (...d) => out.push({ diag: d }) });
    writer.recycle(b.buf);
  }, limits);
  for (const it of items) {
    if ('ev' in it) writer.event(it.ev);
    else writer.diagnostic(...it.diag);
  }
  writer.flush();
  return { out, batches, resets };
}

const files = [
  ...excerptNames().map((n) => join(EXCERPTS, n)),
  ...readdirSync(HOSTILE)
    .filter((f) => f.endsWith('.txt') && !f.endsWith('.golden.txt'))
    .map((f) => join(HOSTILE, f)),
  join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'),
];

describe('wire form', () => {
  for (const file of files) {
    const name = file.slice(FIXTURES.length + 1);
    it(`${name}: every event and diagnostic comes back deep-equal, in order`, async () => {
      for (const payloads of ['all', ANALYZED_EVENTS] as const) {
        const items = await direct(file, { payloads });
        expect(items.length).toBeGreaterThan(0);
        const { out } = throughWire(items, {});
        expect(out).toStrictEqual(items);
      }
    });
  }

  it('survives small batches and a string table cleared many times', async () => {
    const items = await direct(join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz'), {});
    const { out, batches, resets } = throughWire(items, { tableMax: 50, batchNumbers: 64 });
    expect(batches).toBeGreaterThan(1000);
    expect(resets).toBeGreaterThan(10);
    expect(out).toStrictEqual(items);
  });

  it('keeps keys that a parser wrote with an undefined value, and absent keys absent', () => {
    const head = { line: 1, ts: 2, cpu: 0, pid: 3, comm: 'kworker/0:1' };
    const base = { ...head, work: '0xffff' };
    const events: TraceEvent[] = [
      { kind: 'workqueue_activate_work', ...base },
      { kind: 'workqueue_activate_work', ...base, function: undefined },
      { kind: 'workqueue_execute_end', ...base, function: 'iomap_dio_complete_work', flags: 'd..1.', ctx: 'task', tgid: 3 },
      { kind: 'other', ...head, name: 'foo', args: 'a=1 b=2' },
      { kind: 'other', ...head, name: 'bar', system: 'sys', args: '' },
    ] as TraceEvent[];
    const { out } = throughWire(events.map((ev) => ({ ev })), {});
    expect(out.map((i) => ('ev' in i ? i.ev : undefined))).toStrictEqual(events);
    expect(Object.keys((out[0] as { ev: object }).ev)).not.toContain('function');
    expect(Object.keys((out[1] as { ev: object }).ev)).toContain('function');
  });
});
