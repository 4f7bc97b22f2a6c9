import type { DiagnosticCode } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import type { RawRecord } from './binary/tep/fields.js';
import { lazyRecordOf } from './binary/tep/lazy-other.js';
import type { EventPrinter } from './binary/tep/render.js';
import { readRawOther, writeRawOther } from './wire-direct.js';
import { DIAG, MAX_RECORD, RAW, decoderOf, encoderOf, slotCount, type WireSink } from './wire-records.js';

export { compileDirect, writeRawOther, type DirectEncoder } from './wire-direct.js';
export type { WireSink } from './wire-records.js';

/**
 * TraceEvents in a form that crosses between threads cheaply: one Float64Array of records plus the
 * strings it refers to. Posting event objects would go through the structured-clone serializer
 * (far slower than parsing them); here each event is a run of numbers, each string an index into
 * a table both sides grow in step (a string crosses once, however many events name it), and only
 * free text (the raw payload of an `other` event, a diagnostic's message) crosses with its batch.
 * The records' layouts are in wire-records.ts; a trace.dat's decoding thread writes its own
 * (wire-direct.ts).
 */

/** A batch as it crosses: the records, the strings new to the table, the texts of this batch. */
export interface WireBatch {
  buf: ArrayBuffer;
  /** Numbers used in buf. */
  n: number;
  /** Strings appended to the table, in id order (after clearing it when `reset`). */
  fresh: string[];
  texts: string[];
  reset: boolean;
  /** The records' bytes of RAW records (not recycled: the events made from them keep it). */
  raw?: ArrayBuffer;
}

/** The table is cleared when it grows past this many strings (pointers and comms churn). */
const TABLE_MAX = 1 << 16;
const BATCH_NUMBERS = 1 << 15;
const FIRST_BATCH_NUMBERS = 1 << 11;
/** First size of a batch's byte buffer (grown as needed): ~2,300 RAW records fill a batch's numbers. */
const RAW_BYTES = 64 << 10;

/**
 * The encoding side: events and diagnostics go into the current batch in the order they come;
 * `send` gets each full batch. Buffers come back through `recycle` once the other side is done.
 */
export interface WireWriter {
  event(e: TraceEvent): void;
  /** The sink, with room for one more record (a DirectEncoder writes it there). */
  reserve(): WireSink;
  diagnostic(code: DiagnosticCode, line: number, message: string, text: string | undefined, count: number): void;
  flush(): void;
  recycle(buf: ArrayBuffer): void;
}

export interface WireWriterOptions {
  tableMax?: number;
  batchNumbers?: number;
  /**
   * A lazy `other` event (its `args` not rendered: tep/lazy-other.ts) is sent as its record's bytes
   * (RAW), for a reader that has the file's printers: a perf.data's, whose reader makes event
   * objects (a trace.dat's writes its RAW records itself, RecordDecoder.encode).
   */
  rawOthers?: boolean;
}

export function createWireWriter(send: (b: WireBatch) => void, limits: WireWriterOptions = {}): WireWriter {
  const tableMax = limits.tableMax ?? TABLE_MAX;
  const rawOthers = limits.rawOthers ?? false;
  const rec: RawRecord = { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), start: 0, size: 0, little: true };
  const batchNumbers = Math.max(limits.batchNumbers ?? BATCH_NUMBERS, MAX_RECORD);
  // The first batch is sent early: the reading side waits for it, idle, while this side decodes its
  // first records at the speed of code not yet optimized and builds what they need once (the
  // events' printers, kallsyms' index): ~85 ms for a full first batch of a trace.dat.
  let room = Math.min(batchNumbers, FIRST_BATCH_NUMBERS);
  const table = new Map<string, number>();
  let fresh: string[] = [];
  let texts: string[] = [];
  let reset = false;
  const pool: ArrayBuffer[] = [];
  let raw: Uint8Array | undefined;
  let rawView: DataView | undefined;
  let rawN = 0;
  const sink: WireSink = {
    f: new Float64Array(batchNumbers),
    n: 0,
    last: new Array<string | undefined>(slotCount()).fill(undefined),
    lastId: new Array<number>(slotCount()).fill(-1),
    s(v) {
      if (v === undefined) return -1;
      let id = table.get(v);
      if (id === undefined) {
        id = table.size;
        table.set(v, id);
        fresh.push(v);
      }
      return id;
    },
    t(v) {
      if (v === undefined) return -1;
      return texts.push(v) - 1;
    },
    b(bytes, view, start, size) {
      if (raw === undefined || rawView === undefined || rawN + size > raw.length) {
        const grown = new Uint8Array(Math.max(RAW_BYTES, 2 * (raw?.length ?? 0), rawN + size));
        if (raw !== undefined) grown.set(raw.subarray(0, rawN));
        raw = grown;
        rawView = new DataView(grown.buffer);
      }
      // Records are tens of bytes: 32-bit words through the views, as the payload arena copies them
      // (tep/payload-arena.ts), not set() of a subarray (an object per record): 107 ms of self time
      // for 1 M records of a perf.data on the decoding thread as set(), ~40 ms as words.
      const at = rawN;
      let i = 0;
      for (; i + 4 <= size; i += 4) rawView.setUint32(at + i, view.getUint32(start + i, true), true);
      for (; i < size; i++) raw[at + i] = bytes[start + i] as number;
      rawN += size;
      return at;
    },
  };
  const flush = (): void => {
    if (sink.n === 0 && fresh.length === 0 && texts.length === 0) return;
    send({ buf: sink.f.buffer as ArrayBuffer, n: sink.n, fresh, texts, reset, raw: raw?.buffer as ArrayBuffer | undefined });
    raw = undefined;
    rawView = undefined;
    rawN = 0;
    reset = false;
    if (table.size > tableMax) {
      table.clear();
      sink.last.fill(undefined);
      reset = true;
    }
    fresh = [];
    texts = [];
    const next = pool.pop();
    sink.f = next ? new Float64Array(next) : new Float64Array(batchNumbers);
    room = batchNumbers;
    sink.n = 0;
  };
  return {
    event(e) {
      if (sink.n + MAX_RECORD > room) flush();
      if (rawOthers && e.kind === 'other') {
        const id = lazyRecordOf(e, rec);
        if (id >= 0) {
          writeRawOther(sink, e, e.name, e.system ?? '', id, rec, e.flags, e.ctx);
          return;
        }
      }
      encoderOf(e.kind)(e, sink);
    },
    reserve() {
      if (sink.n + MAX_RECORD > room) flush();
      return sink;
    },
    diagnostic(code, line, message, text, count) {
      if (sink.n + MAX_RECORD > room) flush();
      const f = sink.f;
      const a = sink.n;
      f[a] = DIAG;
      f[a + 1] = count;
      f[a + 2] = line;
      f[a + 3] = sink.s(code);
      f[a + 4] = sink.t(message);
      f[a + 5] = sink.t(text);
      sink.n = a + 6;
    },
    flush,
    recycle(buf) {
      if (buf.byteLength === batchNumbers * 8) pool.push(buf);
    },
  };
}

export interface WireTarget {
  event(e: TraceEvent): void;
  diagnostic(code: DiagnosticCode, line: number, message: string, text: string | undefined, count: number): void;
}

/**
 * The decoding side: keeps the string table and hands each batch's records on in order.
 * `printerOf` gives the printer of an event id for RAW records (which only a writer told that the
 * reader has it writes).
 */
export function createWireReader(printerOf?: (id: number) => EventPrinter): (batch: WireBatch, to: WireTarget) => void {
  let table: string[] = [];
  const at = { p: 0 };
  return (batch, to) => {
    if (batch.reset) table = [];
    for (const s of batch.fresh) table.push(s);
    const f = new Float64Array(batch.buf, 0, batch.n);
    const T = batch.texts;
    const raw = batch.raw && new Uint8Array(batch.raw);
    const rawView = batch.raw && new DataView(batch.raw);
    let a = 0;
    while (a < batch.n) {
      const tag = f[a] as number;
      if (tag === RAW) {
        if (!raw || !rawView || !printerOf) throw new Error('the parsing thread sent a record\'s bytes but no printer can render them');
        to.event(readRawOther(f, a, table, raw, rawView, printerOf, at));
        a = at.p;
        continue;
      }
      if (tag === DIAG) {
        const text = f[a + 5] as number;
        to.diagnostic(table[f[a + 3] as number] as DiagnosticCode, f[a + 2] as number, T[f[a + 4] as number] as string, text < 0 ? undefined : T[text], f[a + 1] as number);
        a += 6;
        continue;
      }
      const ev = decoderOf(tag)(f, a, table, T, at);
      a = at.p;
      to.event(ev);
    }
  };
}
