import type { EventKind, ExecContext, TraceEvent } from '../model/events.js';
import type { RawRecord } from './binary/tep/fields.js';
import { lazyOtherEvent } from './binary/tep/lazy-other.js';
import type { Head, ModelledField } from './binary/tep/modelled.js';
import type { EventPrinter } from './binary/tep/render.js';
import { fields, HEADER, HEADER_OPTIONAL, KIND_TAG, RAW, SCHEMAS, slotOf, width, writeField, type WireSink } from './wire-records.js';

/**
 * The wire records a trace.dat's decoding thread writes without making event objects (wire.ts):
 * a modelled event's from the readers of its fields, an unanalysed event's as its record's bytes.
 */

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
  f[a + 10] = w.b(r.bytes, r.view, r.start, r.size);
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

export function readRawOther(f: Float64Array, a: number, S: readonly string[], raw: Uint8Array, view: DataView, printerOf: (id: number) => EventPrinter, at: { p: number }): TraceEvent {
  const m = f[a + 1] as number;
  const id = f[a + 9] as number;
  const e = lazyOtherEvent(f[a + 2] as number, f[a + 3] as number, f[a + 4] as number, f[a + 5] as number, S[f[a + 6] as number] as string, S[f[a + 7] as number] as string, S[f[a + 8] as number] as string, raw, view, f[a + 10] as number, f[a + 11] as number, (m & 4) !== 0, printerOf(id), id);
  let i = a + 12;
  if (m & 1) e.flags = S[f[i++] as number];
  if (m & 2) e.ctx = S[f[i++] as number] as ExecContext;
  at.p = i;
  return e;
}

