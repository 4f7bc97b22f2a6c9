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
 * `hexAt` with a memory: pointers (work items, functions, inodes) repeat endlessly, so their text is
 * made once. Keyed by the high then the low 32 bits (a 64-bit key does not fit a number exactly);
 * the table is dropped when it grows past `max` entries.
 */
export function createHexCache(max = 1 << 16): (r: RawRecord, offset: number, size: number) => string {
  let table = new Map<number, Map<number, string>>();
  let count = 0;
  return (r, offset, size) => {
    if (size !== 8 || offset < 0 || offset + 8 > r.size) return hexAt(r, offset, size);
    const at = r.start + offset;
    const lo = r.view.getUint32(r.little ? at : at + 4, r.little);
    const hi = r.view.getUint32(r.little ? at + 4 : at, r.little);
    let inner = table.get(hi);
    if (inner === undefined) table.set(hi, (inner = new Map()));
    let s = inner.get(lo);
    if (s === undefined) {
      s = hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
      if (++count > max) {
        table = new Map([[hi, (inner = new Map())]]);
        count = 1;
      }
      inner.set(lo, s);
    }
    return s;
  };
}
