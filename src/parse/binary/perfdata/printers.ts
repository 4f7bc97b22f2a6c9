import { createEventPrinter, type EventPrinter } from '../tep/render.js';
import { deferredPrinters } from '../tep/deferred-printers.js';
import { symbolSource } from '../tep/symbols.js';
import type { TracingData } from '../tep/tracing-data.js';
import { fileSource } from '../tracedat/source.js';
import { dataView } from './bytes.js';
import { FEAT, FILE_HEADER_BYTES } from './constants.js';
import { checkSection, featureSection, featureTable, parseHeader } from './header.js';
import { currentKallsyms } from './reader.js';
import { perfFindFunction, perfTracingData } from './tep-decoder.js';
import { perfHeaderPath } from '../../../input/perf-directory.js';

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
  return deferredPrinters((id) => {
    td ??= perfTracingData(tracingDataBytes(path));
    const ev = td.events.get(id);
    // The decoding thread sends only events whose format it read from this same file.
    if (!ev) throw new Error(`${path}: no format for event id ${id}`);
    return createEventPrinter(ev, symbolSource(td, perfFindFunction(currentKallsyms())));
  });
}

/**
 * The HEADER_TRACING_DATA section of a file-mode perf.data (the decoding thread read it already),
 * with synchronous positioned reads: a printer renders when an event's `args` is read.
 */
function tracingDataBytes(path: string): Uint8Array {
  const src = fileSource(perfHeaderPath(path));
  try {
    const hdr = parseHeader(src.read(0, Math.min(FILE_HEADER_BYTES, src.size), 'perf.data header'));
    const i = hdr.features.indexOf(FEAT.TRACING_DATA);
    if (hdr.pipe || i < 0) throw new Error(`${path}: no HEADER_TRACING_DATA section`);
    const table = featureTable(hdr);
    checkSection(table, src.size, 'feature table');
    const s = featureSection(dataView(src.read(table.offset, table.size, 'perf.data feature table')), i, hdr.little);
    checkSection(s, src.size, 'tracing data');
    return src.read(s.offset, s.size, 'perf.data tracing data');
  } finally {
    src.close();
  }
}
