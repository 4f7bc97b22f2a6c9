import type { EventPrinter } from './render.js';

/**
 * Printers by event format id that make the real printer only when one of them first renders:
 * the main thread's printers of the events a decoding thread sent as their records' bytes
 * (tracedat/printers.ts, perfdata/printers.ts), where making them means reading the file's
 * metadata again, and most runs read no event's `args`. `make` builds the real printer of an id
 * (it may throw, at that first use); each is made once.
 */
export function deferredPrinters(make: (id: number) => EventPrinter): (id: number) => EventPrinter {
  const real = new Map<number, EventPrinter>();
  const printers = new Map<number, EventPrinter>();
  const load = (id: number): EventPrinter => {
    let p = real.get(id);
    if (p === undefined) {
      p = make(id);
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
