/**
 * The event-format layer shared by the binary readers (trace.dat, perf.data): format descriptions,
 * the tracing-data block, kallsyms / printk / cmdlines, and the record decoder that turns one raw
 * tracepoint record into a TraceEvent.
 *
 *   const td = readTracingData(cursor(bytes, true, offset));          // or build one part by part
 *   const dec = createRecordDecoder(td, { payloads: 'all' });
 *   const rec: RawRecord = { bytes, view, start, size, little: td.little };
 *   const ev = dec.decode(rec, tsNs, cpu, recordNumber);
 */
export { BinaryError, cursor, cstring, fail, latin1, need, readU64, slice, text, u16, u32, u64, u8, type Cursor } from './bytes.js';
export { parseCmdlines } from './cmdlines.js';
export { createRecordDecoder, type DecodeSelection, type DecoderOptions, type RecordDecoder } from './decode.js';
export { dynamicRange, hexAt, readBigAt, readNumber, readNumberAt, readString, type RawRecord } from './fields.js';
export { parseEventFormat, parseField, type EventFormat, type FieldFormat } from './format.js';
export { DEFAULT_EVENT_HEADER, parseHeaderEvent, parseHeaderPage, type EventHeaderLayout, type PageHeader } from './header-page.js';
export { parseKallsyms, type Kallsyms } from './kallsyms.js';
export { createEvaluator, Unsupported, type SymbolSource } from './print-eval.js';
export { parsePrintFmt, type Expr, type PrintFmt } from './print-fmt.js';
export { parsePrintk } from './printk.js';
export { hasTracingMagic, readTracingStart, TRACING_MAGIC } from './tracing-start.js';
export { createEventPrinter, rawFieldsText, type EventPrinter } from './render.js';
export { createCommRegistry, symbolSource, type CommRegistry } from './symbols.js';
export {
  emptyTracingData,
  readCmdlines,
  readEventFormats,
  readFtraceFormats,
  readHeaders,
  readKallsyms,
  readPrintk,
  readTracingData,
  type Headers,
  type TracingData,
} from './tracing-data.js';
