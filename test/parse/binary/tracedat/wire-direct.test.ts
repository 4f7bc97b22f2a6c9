import { describe, expect, it } from 'vitest';
import { ANALYZED_EVENTS } from '../../../../src/analyze/pipeline.js';
import { createDiagnostics } from '../../../../src/model/diagnostics.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { filePrinters } from '../../../../src/parse/binary/tracedat/printers.js';
import { readTraceDat } from '../../../../src/parse/binary/tracedat/read.js';
import { fileSource } from '../../../../src/parse/binary/tracedat/source.js';
import { compileDirect, createWireReader, createWireWriter, type WireBatch } from '../../../../src/parse/wire.js';
import { CAPTURES, VERSIONS, datPath } from '../helpers.js';

/**
 * The decoding thread writes a trace.dat's modelled events straight into wire records, and its
 * unanalysed ones as their records' bytes (TraceDatOptions.wire, wireRaw): read back, they are the
 * events the reader makes in place, with the same keys in the same order, `args` included once read.
 */

/** An event as text with its keys in order, `args` read first (a lazy event renders it then). */
function text(e: TraceEvent): string {
  if (e.kind === 'other') void e.args;
  return JSON.stringify(e);
}

async function inPlace(path: string, payloads: 'all' | ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  await readTraceDat(fileSource(path), (e) => out.push(text(e)), { diagnostics: createDiagnostics(path), payloads });
  return out;
}

async function throughWire(path: string, payloads: 'all' | ReadonlySet<string>): Promise<{ events: string[]; asObjects: number; raw: number }> {
  const events: string[] = [];
  const read = createWireReader(filePrinters(path));
  let raw = 0;
  const writer = createWireWriter((b: WireBatch) => {
    if (b.raw) raw++;
    read(b, { event: (e) => events.push(text(e)), diagnostic: () => undefined });
    writer.recycle(b.buf);
  }, { batchNumbers: 256 });
  let asObjects = 0;
  await readTraceDat(fileSource(path), (e) => {
    asObjects++;
    writer.event(e);
  }, { diagnostics: createDiagnostics(path), payloads, wire: writer, wireRaw: true });
  writer.flush();
  return { events, asObjects, raw };
}

describe('trace.dat events written straight into the wire', () => {
  for (const name of CAPTURES) {
    for (const version of VERSIONS) {
      it(`${name}.${version}: the same events as in place, key order included`, async () => {
        const path = datPath(name, version);
        // The last selection leaves most events unanalysed: they cross as their records' bytes.
        for (const payloads of ['all', ANALYZED_EVENTS, new Set(['block_rq_complete'])] as const) {
          const want = await inPlace(path, payloads);
          const got = await throughWire(path, payloads);
          expect(got.events.length).toBe(want.length);
          expect(got.events).toStrictEqual(want);
          // Only lost markers are made as objects: every record went straight to the wire.
          const lost = want.filter((e) => e.startsWith('{"kind":"lost"')).length;
          expect(got.asObjects).toBe(lost);
          if (payloads !== 'all' && payloads.size === 1) expect(got.raw).toBeGreaterThan(0);
        }
      });
    }
  }
});

describe('compileDirect', () => {
  const read = () => 1;
  it('writes a kind whose fields are its schema, in order', () => {
    expect(compileDirect('irq_handler_entry', [['irq', read], ['name', () => 'nvme0q1']])).not.toBeNull();
  });
  it('refuses fields in another order, a missing one, or a device not marked as one', () => {
    expect(compileDirect('irq_handler_entry', [['name', () => 'x'], ['irq', read]])).toBeNull();
    expect(compileDirect('irq_handler_entry', [['irq', read]])).toBeNull();
    expect(compileDirect('block_bio_complete', [['dev', read], ['rwbs', read], ['sector', read], ['nrSector', read], ['error', read]])).toBeNull();
  });
});
