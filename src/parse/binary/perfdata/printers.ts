import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createEventPrinter, type EventPrinter } from '../tep/render.js';
import { symbolSource } from '../tep/symbols.js';
import type { TracingData } from '../tep/tracing-data.js';
import { dataView, u64 } from './bytes.js';
import { FEAT, FILE_HEADER_BYTES } from './constants.js';
import { checkSection, parseHeader } from './header.js';
import { currentKallsyms } from './reader.js';
import { perfFindFunction, perfTracingData } from './tep-decoder.js';

/**
 * The printers of a file-mode perf.data's events, for the main thread when the decoding thread
 * sends the unanalysed events as their records' bytes (wire.ts, RAW): the same printer the record
 * decoder makes (tep/decode.ts: the event's format from HEADER_TRACING_DATA, the file's own
 * symbols, then `--kallsyms`'s as tep-decoder.ts gives them), made only when an event's `args` is
 * first read, since most runs read none. Then the file's header, feature table and tracing data
 * are read again here, once. A pipe-mode file has its tracing data inside the stream of records:
 * its events are rendered on the decoding thread (stream-parallel.ts sends no RAW for it).
 */
export function perfFilePrinters(path: string): (id: number) => EventPrinter {
  let td: TracingData | undefined;
  const real = new Map<number, EventPrinter>();
  const printers = new Map<number, EventPrinter>();
  const load = (id: number): EventPrinter => {
    let p = real.get(id);
    if (p === undefined) {
      td ??= perfTracingData(tracingDataBytes(path));
      const ev = td.events.get(id);
      // The decoding thread sends only events whose format it read from this same file.
      if (!ev) throw new Error(`${path}: no format for event id ${id}`);
      p = createEventPrinter(ev, symbolSource(td, perfFindFunction(currentKallsyms())));
      real.set(id, p);
    }
    return p;
  };
  return (id) => {
    let p = printers.get(id);
    if (p === undefined) {
      p = {
        render: (rec) => load(id).render(rec),
        span: (rec, from, to) => load(id).span(rec, from, to),
        get conversions() {
          return load(id).conversions;
        },
        get parsed() {
          return load(id).parsed;
        },
      };
      printers.set(id, p);
    }
    return p;
  };
}

/** The HEADER_TRACING_DATA section of a file-mode perf.data (the decoding thread read it already). */
function tracingDataBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const at = (offset: number, n: number): Uint8Array => {
      const b = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, b, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return b.subarray(0, got);
    };
    const hdr = parseHeader(at(0, FILE_HEADER_BYTES));
    const i = hdr.features.indexOf(FEAT.TRACING_DATA);
    if (hdr.pipe || i < 0) throw new Error(`${path}: no HEADER_TRACING_DATA section`);
    // One {offset, size} per set feature bit, right after the data section (read.ts).
    const table = { offset: hdr.data.offset + hdr.data.size, size: hdr.features.length * 16 };
    checkSection(table, size, 'feature table');
    const tdv = dataView(at(table.offset, table.size));
    const s = { offset: u64(tdv, i * 16, hdr.little), size: u64(tdv, i * 16 + 8, hdr.little) };
    checkSection(s, size, 'tracing data');
    return at(s.offset, s.size);
  } finally {
    closeSync(fd);
  }
}
