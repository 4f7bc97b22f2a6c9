import type { FieldFormat } from './format.js';

/**
 * Reading one field of one raw record, as its format description says (offset, size, signedness,
 * `__data_loc` / `__rel_loc`). A record is a window of a larger buffer (a ring-buffer page, a
 * perf sample): `start` is where its payload (common_type first) begins and `size` its length.
 * Reads outside the record give 0 / '' rather than throwing: a damaged record yields odd values,
 * never an exception in the hot loop (the readers check record bounds before decoding).
 */

export interface RawRecord {
  bytes: Uint8Array;
  view: DataView;
  /** Offset of the payload (common_type) in bytes. */
  start: number;
  /** Payload length in bytes. */
  size: number;
  little: boolean;
}

const TWO_32 = 4294967296;

/**
 * An integer field as a number. A 64-bit value past 2^53 loses precision; an unsigned one at or
 * above 2^63 reads as the negative number it was before the kernel cast it (a flush's sector -1
 * is stored as 2^64 - 1), as the text parsers read `18446744073709551615`.
 */
export function readNumberAt(r: RawRecord, offset: number, size: number, signed: boolean): number {
  const at = r.start + offset;
  if (offset < 0 || offset + size > r.size) return 0;
  const v = r.view;
  switch (size) {
    case 1:
      return signed ? v.getInt8(at) : v.getUint8(at);
    case 2:
      return signed ? v.getInt16(at, r.little) : v.getUint16(at, r.little);
    case 4:
      return signed ? v.getInt32(at, r.little) : v.getUint32(at, r.little);
    case 8: {
      // The high word read as signed: an unsigned value at or above 2^63 comes out as value - 2^64,
      // the same number for a signed field; one rounding, as Number(BigInt(text)) would round.
      const lo = v.getUint32(r.little ? at : at + 4, r.little);
      const hi = v.getInt32(r.little ? at + 4 : at, r.little);
      return hi * TWO_32 + lo;
    }
    default:
      return 0;
  }
}

export function readBigAt(r: RawRecord, offset: number, size: number, signed: boolean): bigint {
  const at = r.start + offset;
  if (offset < 0 || offset + size > r.size) return 0n;
  if (size === 8) return signed ? r.view.getBigInt64(at, r.little) : r.view.getBigUint64(at, r.little);
  return BigInt(readNumberAt(r, offset, size, signed));
}

export function readNumber(r: RawRecord, f: FieldFormat): number {
  return readNumberAt(r, f.offset, f.size, f.signed);
}

/** [start, end) in r.bytes of a dynamic field's data, or null when it points outside the record. */
export function dynamicRange(r: RawRecord, f: FieldFormat): [number, number] | null {
  if (f.offset + 4 > r.size) return null;
  const word = r.view.getUint32(r.start + f.offset, r.little);
  let off = word & 0xffff;
  const len = word >>> 16;
  // __rel_loc counts from the end of the field itself (include/trace/stages/stage5_get_offsets.h).
  if (f.dynamic === 'rel_loc') off += f.offset + f.size;
  if (off + len > r.size) return null;
  return [r.start + off, r.start + off + len];
}

/** Where `rangeOf` leaves a field's byte range (one object, reused: decoding is synchronous). */
export const span = { start: 0, end: 0 };

/** `fieldRange` without allocating: the range in `span`, false when it points outside the record. */
export function rangeOf(r: RawRecord, f: FieldFormat): boolean {
  return rangeAt(r, f.offset, f.size, f.dynamic);
}

/** `rangeOf` of a field given by its offset, size and kind (a reader keeps these, not the field). */
export function rangeAt(r: RawRecord, offset: number, size: number, dynamic: FieldFormat['dynamic']): boolean {
  if (dynamic) {
    if (offset + 4 > r.size) return false;
    const word = r.view.getUint32(r.start + offset, r.little);
    let off = word & 0xffff;
    const len = word >>> 16;
    if (dynamic === 'rel_loc') off += offset + size;
    if (off + len > r.size) return false;
    span.start = r.start + off;
    span.end = r.start + off + len;
    return true;
  }
  const end = size === 0 ? r.size : offset + size;
  if (end > r.size) return false;
  span.start = r.start + offset;
  span.end = r.start + end;
  return true;
}

/** The byte range a field's value occupies (its bytes for a scalar or array, its data for a dynamic one). */
export function fieldRange(r: RawRecord, f: FieldFormat): [number, number] | null {
  if (f.dynamic) return dynamicRange(r, f);
  let end = f.offset + f.size;
  // `char buf[]` (size 0) at the end of a record runs to its end (ftrace's print event).
  if (f.size === 0) end = r.size;
  if (end > r.size) return null;
  return [r.start + f.offset, r.start + end];
}

const decoder = new TextDecoder('utf-8');

/**
 * A string field (char array, `__data_loc char[]`): up to its first NUL. ASCII is built directly
 * (names are short); anything else is decoded as UTF-8, as a terminal would show it.
 */
export function readString(r: RawRecord, f: FieldFormat): string {
  const range = fieldRange(r, f);
  if (!range) return '';
  return stringAt(r.bytes, range[0], range[1]);
}

export function stringAt(bytes: Uint8Array, start: number, end: number): string {
  let e = start;
  let ascii = true;
  while (e < end) {
    const b = bytes[e] as number;
    if (b === 0) break;
    if (b >= 0x80) ascii = false;
    e++;
  }
  if (!ascii) return decoder.decode(bytes.subarray(start, e));
  const n = e - start;
  if (n <= 24) {
    let s = '';
    for (let i = start; i < e; i++) s += String.fromCharCode(bytes[i] as number);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, n).toString('latin1');
}

/** Lower-case hex of an unsigned 64-bit field without leading zeros (`%llx`), exact. */
export function hexAt(r: RawRecord, offset: number, size: number): string {
  if (offset < 0 || offset + size > r.size) return '0';
  if (size === 8) {
    const at = r.start + offset;
    const lo = r.view.getUint32(r.little ? at : at + 4, r.little);
    const hi = r.view.getUint32(r.little ? at + 4 : at, r.little);
    return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
  }
  const v = readNumberAt(r, offset, size, false);
  return v.toString(16);
}

/**
 * A value made from a 64-bit field (its text, the function it points to), made once per distinct
 * value: pointers (work items, functions, inodes) repeat endlessly. Keyed by the high then the low
 * 32 bits (a 64-bit key does not fit a number exactly), the last high half remembered; the table is
 * dropped when it grows past `max` entries.
 */
export function createPointerCache<T>(make: (hi: number, lo: number) => T, max = 1 << 16): (r: RawRecord, offset: number, size: number) => T {
  let table = new Map<number, Map<number, T>>();
  let count = 0;
  let lastHi = -1;
  let lastInner: Map<number, T> | undefined;
  return (r, offset, size) => {
    let lo = 0;
    let hi = 0;
    if (offset >= 0 && offset + size <= r.size) {
      const at = r.start + offset;
      if (size === 8) {
        lo = r.view.getUint32(r.little ? at : at + 4, r.little);
        hi = r.view.getUint32(r.little ? at + 4 : at, r.little);
      } else lo = readNumberAt(r, offset, size, false) >>> 0;
    }
    // Keyed by the halves as int32s: a u32 past 2^31 (a kernel pointer's high half, half the low
    // ones) would be boxed as a heap number for each lookup.
    const hk = hi | 0;
    const lk = lo | 0;
    let inner = hk === lastHi ? lastInner : table.get(hk);
    if (inner === undefined) table.set(hk, (inner = new Map()));
    lastHi = hk;
    lastInner = inner;
    let v = inner.get(lk);
    if (v === undefined) {
      v = make(hi, lo);
      if (++count > max) {
        table = new Map([[hk, (inner = new Map())]]);
        lastInner = inner;
        count = 1;
      }
      inner.set(lk, v);
    }
    return v;
  };
}

/** Lower-case hex of a value split in 32-bit halves, without leading zeros (`%llx`). */
export function hexOf(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/**
 * Strings of a field's bytes (`f`), shared: task names, rwbs, workqueue and irq names are a few dozen
 * values repeated in every record, so each is built once. A slot chosen by a hash of the bytes
 * holds the last string seen there with its bytes; a hit costs the hash and one compare, no
 * allocation. Long or non-ASCII strings are built each time.
 */
export function createStringTable(f: FieldFormat, slots = 4096): (r: RawRecord) => string {
  const mask = slots - 1;
  const keys: (Uint8Array | undefined)[] = new Array(slots);
  const values: string[] = new Array(slots);
  // The field's last value, tried first: consecutive events mostly repeat it (rwbs, a queue's name).
  let lastKey: Uint8Array | undefined;
  let lastValue = '';
  // The field's layout as numbers: every table's reader is one function, and reading them from
  // fields of several hidden classes (arrays, dynamic ones) made its loads polymorphic.
  const { offset, size, dynamic } = f;
  return (r) => {
    if (!rangeAt(r, offset, size, dynamic)) return '';
    const b = r.bytes;
    const start = span.start;
    const limit = span.end;
    if (lastKey !== undefined) {
      const m = lastKey.length;
      if (start + m === limit || (start + m < limit && b[start + m] === 0)) {
        let i = 0;
        while (i < m && lastKey[i] === b[start + i]) i++;
        if (i === m) return lastValue;
      }
    }
    let end = start;
    let h = 0x811c9dc5;
    while (end < limit) {
      const c = b[end] as number;
      if (c === 0) break;
      h = Math.imul(h ^ c, 0x01000193);
      end++;
    }
    const n = end - start;
    if (n > 48) return stringAt(b, start, end);
    const slot = (h ^ n) & mask;
    const k = keys[slot];
    if (k !== undefined && k.length === n) {
      let i = 0;
      while (i < n && k[i] === b[start + i]) i++;
      if (i === n) {
        lastKey = k;
        lastValue = values[slot] as string;
        return lastValue;
      }
    }
    const s = stringAt(b, start, end);
    lastKey = keys[slot] = b.slice(start, end);
    lastValue = values[slot] = s;
    return s;
  };
}
