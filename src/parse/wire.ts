import type { DiagnosticCode } from '../model/diagnostics.js';
import type { EventKind, ExecContext, TraceEvent } from '../model/events.js';
import type { Head, ModelledField } from './binary/tep/modelled.js';
import type { RawRecord } from './binary/tep/fields.js';
import { lazyOtherEvent } from './binary/tep/lazy-other.js';
import type { EventPrinter } from './binary/tep/render.js';

/**
 * TraceEvents in a form that crosses between threads cheaply: one Float64Array of records plus the
 * strings it refers to. Posting event objects would go through the structured-clone serializer
 * (far slower than parsing them); here each event is a run of numbers, each string an index into
 * a table both sides grow in step (a string crosses once, however many events name it), and only
 * free text (the raw payload of an `other` event, a diagnostic's message) crosses with its batch.
 *
 * A record is `[tag, mask, required fields…, present optional fields…]`. The tag is the event kind
 * (or DIAG for a diagnostic); the mask says which optional fields follow. The decoder rebuilds the
 * very object the parser made: same keys, same values, kind first, optional fields after the
 * required ones in the order the parser adds them (the payload's own, then tgid, flags, ctx), so
 * the analyzer sees the same object shapes whichever thread parsed. `test/parse/wire.test.ts`
 * checks that every fixture's events come back deep-equal.
 *
 * Encoder and decoder are compiled per kind from the field lists below (`new Function`), since a
 * loop over field names would read every property through a megamorphic keyed access.
 */

/** n: number, s: string from the shared table, t: free text sent with its batch, d: `{major, minor}`. */
type FieldType = 'n' | 's' | 't' | 'd';

interface Field {
  key: string;
  type: FieldType;
}

const HEADER = 'line:n ts:n cpu:n pid:n comm:s';
/** Added by the line parser after the payload's fields, when the line prints them. */
const HEADER_OPTIONAL = 'tgid:n flags:s ctx:s';

/** Required fields, then `|` and the optional ones, in the order the parsers write them. */
const SCHEMAS: Record<EventKind, string> = {
  block_rq_issue: 'dev:d rwbs:s bytes:n cmd:s sector:n nrSector:n issuer:s | ioprio:s',
  block_rq_insert: 'dev:d rwbs:s bytes:n cmd:s sector:n nrSector:n issuer:s | ioprio:s',
  block_rq_complete: 'dev:d rwbs:s cmd:s sector:n nrSector:n error:n | ioprio:s',
  block_rq_error: 'dev:d rwbs:s cmd:s sector:n nrSector:n error:n | ioprio:s',
  workqueue_queue_work: 'work:s function:s workqueue:s reqCpu:n targetCpu:n',
  workqueue_activate_work: 'work:s | function:s',
  workqueue_execute_start: 'work:s function:s',
  workqueue_execute_end: 'work:s | function:s',
  sched_switch: 'prevComm:s prevPid:n prevPrio:n prevState:s nextComm:s nextPid:n nextPrio:n form:s',
  sched_waking: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_wakeup: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_wakeup_new: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_migrate_task: 'targetComm:s targetPid:n prio:n origCpu:n destCpu:n',
  irq_handler_entry: 'irq:n name:s',
  irq_handler_exit: 'irq:n ret:s',
  softirq_entry: 'vec:n action:s',
  softirq_exit: 'vec:n action:s',
  softirq_raise: 'vec:n action:s',
  iomap_dio_rw_begin: 'dev:d ino:s size:n offset:n length:n doneBefore:n iocbFlags:s dioFlags:s aio:n',
  iomap_dio_rw_queued: 'dev:d ino:s size:n offset:n length:n',
  iomap_dio_complete: 'dev:d ino:s size:n offset:n iocbFlags:s aio:n error:n ret:n',
  block_bio_queue: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_backmerge: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_frontmerge: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_bounce: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_getrq: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_complete: 'dev:d rwbs:s sector:n nrSector:n error:n',
  block_bio_remap: 'dev:d rwbs:s sector:n nrSector:n fromDev:d fromSector:n',
  block_split: 'dev:d rwbs:s sector:n newSector:n issuer:s',
  other: 'name:s args:t | system:s',
  lost: 'count:n form:s',
};

const KINDS = Object.keys(SCHEMAS) as EventKind[];
const KIND_TAG = new Map<string, number>(KINDS.map((k, i) => [k, i]));
const DIAG = KINDS.length;
/** An unanalysed event of a trace.dat sent as its record's bytes (writeRawOther). */
const RAW = DIAG + 1;

function fields(spec: string): Field[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((f) => {
      const [key, type] = f.split(':') as [string, FieldType];
      return { key, type };
    });
}

/** Most numbers one record takes (header, the widest payload, every optional field). */
const MAX_RECORD = 40;

/**
 * What an encoder writes into; `s` interns a string (undefined → -1), `t` queues a text. `last`
 * and `lastId` remember, per string field of each kind, the last value and its id: consecutive
 * events mostly repeat them (the same comm, function, inode), and comparing with the last value
 * costs less than hashing a freshly cut string for the table. Cleared with the table.
 */
export interface WireSink {
  f: Float64Array;
  n: number;
  s(v: string | undefined): number;
  t(v: string | undefined): number;
  /** Copies bytes [start, start + size) into the batch's byte buffer and gives their offset there. */
  b(bytes: Uint8Array, start: number, size: number): number;
  last: (string | undefined)[];
  lastId: number[];
}

/** Slots of WireSink.last handed out to the compiled encoders, one per kind and string field. */
let cacheSlots = 0;
const slots = new Map<string, number>();
const slotOf = (kind: EventKind, key: string): number => {
  const name = `${kind}.${key}`;
  let k = slots.get(name);
  if (k === undefined) slots.set(name, (k = cacheSlots++));
  return k;
};

type Encoder = (ev: TraceEvent, w: WireSink) => void;
type Decoder = (f: Float64Array, a: number, S: readonly string[], T: readonly string[], at: { p: number }) => TraceEvent;

/** Code writing value `v` of field `fl` of a `kind` event at `f[idx]`. */
function writeField(kind: EventKind, fl: Field, idx: string, v = `ev[${JSON.stringify(fl.key)}]`): string {
  switch (fl.type) {
    case 'n':
      return `f[${idx}] = ${v};`;
    case 's': {
      const k = slotOf(kind, fl.key);
      return `{ const v = ${v}; if (v === w.last[${k}] && v !== undefined) f[${idx}] = w.lastId[${k}]; else { const id = w.s(v); w.last[${k}] = v; w.lastId[${k}] = id; f[${idx}] = id; } }`;
    }
    case 't':
      return `f[${idx}] = w.t(${v});`;
    case 'd':
      return `f[${idx}] = ${v}.major; f[${idx} + 1] = ${v}.minor;`;
  }
}

function readField(fl: Field, idx: string): string {
  switch (fl.type) {
    case 'n':
      return `f[${idx}]`;
    case 's':
      return `S[f[${idx}]]`;
    case 't':
      return `T[f[${idx}]]`;
    case 'd':
      return `{ major: f[${idx}], minor: f[${idx} + 1] }`;
  }
}

const width = (fl: Field): number => (fl.type === 'd' ? 2 : 1);

function compile(kind: EventKind): { enc: Encoder; dec: Decoder } {
  const [req = '', opt = ''] = (SCHEMAS[kind] ?? '').split('|');
  const required = [...fields(HEADER), ...fields(req)];
  const optional = [...fields(opt), ...fields(HEADER_OPTIONAL)];
  const tag = KIND_TAG.get(kind) as number;
  const enc: string[] = ['const f = w.f; const a = w.n;', `f[a] = ${tag};`];
  const dec: string[] = [];
  let off = 2;
  const props: string[] = [`kind: ${JSON.stringify(kind)}`];
  for (const fl of required) {
    enc.push(writeField(kind, fl, `a + ${off}`));
    props.push(`${JSON.stringify(fl.key)}: ${readField(fl, `a + ${off}`)}`);
    off += width(fl);
  }
  enc.push(`let i = a + ${off}; let m = 0;`);
  dec.push(`const m = f[a + 1]; const ev = { ${props.join(', ')} }; let i = a + ${off};`);
  optional.forEach((fl, bit) => {
    // `in`, not `!== undefined`: a parser that writes a key with an undefined value gets it back.
    enc.push(`if (${JSON.stringify(fl.key)} in ev) { m |= ${1 << bit}; ${writeField(kind, fl, 'i')} i += ${width(fl)}; }`);
    dec.push(`if (m & ${1 << bit}) { ev[${JSON.stringify(fl.key)}] = ${readField(fl, 'i')}; i += ${width(fl)}; }`);
  });
  enc.push('f[a + 1] = m; w.n = i;');
  dec.push('at.p = i; return ev;');
  return {
    enc: new Function('ev', 'w', enc.join('\n')) as Encoder,
    dec: new Function('f', 'a', 'S', 'T', 'at', dec.join('\n')) as Decoder,
  };
}

/** Writes one modelled event's record from its record's bytes (RecordDecoder.encode). */
export type DirectEncoder = (r: RawRecord, h: Head, w: WireSink, flags: string | undefined, ctx: ExecContext | undefined) => void;

/**
 * The record writer of a modelled event, from the readers of its fields (tep/modelled.ts): the
 * record `compile`'s encoder would make of the event object, without making the object. Null when
 * the fields are not the kind's schema (a key it lacks, a required one missing, another order):
 * the caller then makes the object and encodes it, whose keys the wire gives back as they were.
 */
export function compileDirect(kind: EventKind, given: readonly ModelledField[]): DirectEncoder | null {
  const [req = '', opt = ''] = (SCHEMAS[kind] ?? '').split('|');
  const required = fields(req);
  const optional = fields(opt);
  const present = optional.filter((fl) => given.some(([key]) => key === fl.key));
  const order = [...required, ...present];
  if (given.length !== order.length || order.some((fl, j) => given[j]?.[0] !== fl.key || (fl.type === 'd') !== (given[j]?.[2] === 'dev'))) return null;
  const tag = KIND_TAG.get(kind) as number;
  const body: string[] = ['"use strict";', ...given.map((_f, j) => `const R${j} = R[${j}][1];`), 'return function (r, h, w, fl, cx) {', 'const f = w.f; const a = w.n;', `f[a] = ${tag};`];
  let off = 2;
  for (const fl of fields(HEADER)) {
    body.push(writeField(kind, fl, `a + ${off}`, `h.${fl.key}`));
    off += width(fl);
  }
  for (const [j, fl] of required.entries()) {
    body.push(`{ const x = R${j}(r); ${writeField(kind, fl, `a + ${off}`, 'x')} }`);
    off += width(fl);
  }
  body.push(`let i = a + ${off}; let m = 0;`);
  optional.forEach((fl, bit) => {
    const j = given.findIndex(([key]) => key === fl.key);
    if (j >= 0) body.push(`{ m |= ${1 << bit}; const x = R${j}(r); ${writeField(kind, fl, 'i', 'x')} i += ${width(fl)}; }`);
  });
  // A binary record has no tgid; the latency column, when given, comes after the payload's fields.
  const after = fields(HEADER_OPTIONAL);
  after.forEach((fl, k) => {
    const bit = optional.length + k;
    if (fl.key === 'flags') body.push(`if (fl !== undefined) { m |= ${1 << bit}; ${writeField(kind, fl, 'i', 'fl')} i++; }`);
    else if (fl.key === 'ctx') body.push(`if (cx !== undefined) { m |= ${1 << bit}; ${writeField(kind, fl, 'i', 'cx')} i++; }`);
  });
  body.push('f[a + 1] = m; w.n = i;', '};');
  return new Function('R', body.join('\n'))(given) as DirectEncoder;
}

/**
 * Each kind is compiled when first met (a trace has a dozen of the 30: compiling them all made
 * loading this module take 8-18 ms instead of 3-8, on each thread, 4 runs each); the string slots are all handed out now, so that a writer's
 * `last` arrays have one for every kind whenever it is compiled.
 */
for (const kind of KINDS) {
  const [req = '', opt = ''] = SCHEMAS[kind].split('|');
  for (const fl of fields(`${HEADER} ${req} ${opt} ${HEADER_OPTIONAL}`)) if (fl.type === 's') slotOf(kind, fl.key);
}
const ENCODERS = new Map<string, Encoder>();
const DECODERS: Decoder[] = new Array<Decoder | undefined>(KINDS.length).fill(undefined) as Decoder[];

function compileKind(kind: EventKind): void {
  const { enc, dec } = compile(kind);
  ENCODERS.set(kind, enc);
  DECODERS[KIND_TAG.get(kind) as number] = dec;
}

function encoderOf(kind: EventKind): Encoder {
  let e = ENCODERS.get(kind);
  if (e === undefined) {
    compileKind(kind);
    e = ENCODERS.get(kind) as Encoder;
  }
  return e;
}

function decoderOf(tag: number): Decoder {
  let d = DECODERS[tag];
  if (d === undefined) {
    compileKind(KINDS[tag] as EventKind);
    d = DECODERS[tag] as Decoder;
  }
  return d;
}

/**
 * An unanalysed event (`other`, its `args` rendered only if read) as its record's bytes, so the
 * decoding thread does not render a text nobody may read: the reader makes the same lazy event
 * (tep/lazy-other.ts) with the printer of the event's id. Record: [RAW, mask, line, ts, cpu, pid,
 * comm, name, system, id, offset of its bytes, size, flags?, ctx?]; mask 1: flags, 2: ctx, 4:
 * little-endian.
 */
export function writeRawOther(w: WireSink, h: Head, name: string, system: string, id: number, r: RawRecord, flags: string | undefined, ctx: ExecContext | undefined): void {
  const f = w.f;
  const a = w.n;
  f[a] = RAW;
  f[a + 2] = h.line;
  f[a + 3] = h.ts;
  f[a + 4] = h.cpu;
  f[a + 5] = h.pid;
  f[a + 6] = rawString(w, RAW_SLOTS.comm, h.comm);
  f[a + 7] = rawString(w, RAW_SLOTS.name, name);
  f[a + 8] = rawString(w, RAW_SLOTS.system, system);
  f[a + 9] = id;
  f[a + 10] = w.b(r.bytes, r.start, r.size);
  f[a + 11] = r.size;
  let i = a + 12;
  let m = r.little ? 4 : 0;
  if (flags !== undefined) {
    m |= 1;
    f[i++] = rawString(w, RAW_SLOTS.flags, flags);
  }
  if (ctx !== undefined) {
    m |= 2;
    f[i++] = rawString(w, RAW_SLOTS.ctx, ctx);
  }
  f[a + 1] = m;
  w.n = i;
}

/** RAW records' string fields share the `other` kind's last-value slots. */
const RAW_SLOTS = { comm: slotOf('other', 'comm'), name: slotOf('other', 'name'), system: slotOf('other', 'system'), flags: slotOf('other', 'flags'), ctx: slotOf('other', 'ctx') };

function rawString(w: WireSink, k: number, v: string): number {
  if (v === w.last[k]) return w.lastId[k] as number;
  const id = w.s(v);
  w.last[k] = v;
  w.lastId[k] = id;
  return id;
}

function readRawOther(f: Float64Array, a: number, S: readonly string[], raw: Uint8Array, view: DataView, printerOf: (id: number) => EventPrinter, at: { p: number }): TraceEvent {
  const m = f[a + 1] as number;
  const id = f[a + 9] as number;
  const e = lazyOtherEvent(f[a + 2] as number, f[a + 3] as number, f[a + 4] as number, f[a + 5] as number, S[f[a + 6] as number] as string, S[f[a + 7] as number] as string, S[f[a + 8] as number] as string, raw, view, f[a + 10] as number, f[a + 11] as number, (m & 4) !== 0, printerOf(id));
  let i = a + 12;
  if (m & 1) e.flags = S[f[i++] as number];
  if (m & 2) e.ctx = S[f[i++] as number] as ExecContext;
  at.p = i;
  return e;
}

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

export function createWireWriter(send: (b: WireBatch) => void, limits: { tableMax?: number; batchNumbers?: number } = {}): WireWriter {
  const tableMax = limits.tableMax ?? TABLE_MAX;
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
  let rawN = 0;
  const sink: WireSink = {
    f: new Float64Array(batchNumbers),
    n: 0,
    last: new Array<string | undefined>(cacheSlots).fill(undefined),
    lastId: new Array<number>(cacheSlots).fill(-1),
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
    b(bytes, start, size) {
      if (raw === undefined || rawN + size > raw.length) {
        const grown = new Uint8Array(Math.max(RAW_BYTES, 2 * (raw?.length ?? 0), rawN + size));
        if (raw !== undefined) grown.set(raw.subarray(0, rawN));
        raw = grown;
      }
      raw.set(bytes.subarray(start, start + size), rawN);
      rawN += size;
      return rawN - size;
    },
  };
  const flush = (): void => {
    if (sink.n === 0 && fresh.length === 0 && texts.length === 0) return;
    send({ buf: sink.f.buffer as ArrayBuffer, n: sink.n, fresh, texts, reset, raw: raw?.buffer as ArrayBuffer | undefined });
    raw = undefined;
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
