import type { EventPrinter } from '../tep/render.js';
import { createEventPrinter } from '../tep/render.js';
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
  const printers = new Map<number, EventPrinter>();
  const real = new Map<number, EventPrinter>();
  const load = (id: number): EventPrinter => {
    let p = real.get(id);
    if (p === undefined) {
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
      p = createEventPrinter(ev, symbolSource(td));
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
