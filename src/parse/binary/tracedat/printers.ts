import type { EventPrinter } from '../tep/render.js';
import { createEventPrinter } from '../tep/render.js';
import { deferredPrinters } from '../tep/deferred-printers.js';
import { symbolSource } from '../tep/symbols.js';
import type { TracingData } from '../tep/tracing-data.js';
import { decompressor } from './decompress.js';
import { readLayout } from './layout.js';
import { fileSource } from './source.js';

/**
 * The printers of a trace.dat's events, for the main thread when the decoding thread sends the
 * unanalysed events as their records' bytes (wire.ts, RAW): the same printer the record decoder
 * makes (tep/decode.ts: the event's format and the file's kallsyms and printk formats), made only
 * when an event's `args` is first read, since most runs read none. Then the file's metadata is read
 * again here, once (a compressed file needs zstd started: `initZstd`).
 */
export function filePrinters(path: string): (id: number) => EventPrinter {
  let td: TracingData | undefined;
  return deferredPrinters((id) => {
    if (td === undefined) {
      const src = fileSource(path);
      try {
        td = readLayout(src, decompressor).td;
      } finally {
        src.close();
      }
    }
    const ev = td.events.get(id);
    // The decoding thread sends only events whose format it read from this same file.
    if (!ev) throw new Error(`${path}: no format for event id ${id}`);
    return createEventPrinter(ev, symbolSource(td));
  });
}
