/**
 * Reading numbers out of perf.data bytes in the file's endianness. Offsets and sizes are u64s that
 * must be checked against the file's size before use, so `u64` returns a plain number that is
 * exact below 2^53 and `Infinity` above it (no real file comes near either).
 */

import { BinaryError } from '../tep/bytes.js';

/** Throws the one error a reader reports for input it cannot go on with (the binary readers' BinaryError). */
export function fail(message: string, offset = -1): never {
  throw new BinaryError(message, offset);
}

export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const TWO32 = 4294967296;

export function u64(dv: DataView, at: number, little: boolean): number {
  const lo = dv.getUint32(at + (little ? 0 : 4), little);
  const hi = dv.getUint32(at + (little ? 4 : 0), little);
  return hi >= 1 << 21 ? Infinity : hi * TWO32 + lo;
}

/** The high and low halves of a u64, for timestamps that must stay exact past 2^53. */
export function u64Hi(dv: DataView, at: number, little: boolean): number {
  return dv.getUint32(at + (little ? 4 : 0), little);
}
export function u64Lo(dv: DataView, at: number, little: boolean): number {
  return dv.getUint32(at + (little ? 0 : 4), little);
}

/** A NUL-terminated string in `[at, end)` (the NUL or `end` stops it); Latin-1 like perf prints bytes. */
export function cString(bytes: Uint8Array, at: number, end: number): string {
  let i = at;
  while (i < end && bytes[i] !== 0) i++;
  return utf8OrLatin1(bytes.subarray(at, i));
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8OrLatin1(b: Uint8Array): string {
  try {
    return decoder.decode(b);
  } catch {
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  }
}

/** `struct perf_header_string { u32 len; char str[len]; }` (NUL-padded); returns the string and the next offset. */
export function headerString(dv: DataView, bytes: Uint8Array, at: number, end: number, little: boolean): [string, number] {
  if (at + 4 > end) fail(`header string at ${at} runs past its section`);
  const len = dv.getUint32(at, little);
  if (len > end - at - 4) fail(`header string of ${len} bytes at ${at} runs past its section`);
  return [cString(bytes, at + 4, at + 4 + len), at + 4 + len];
}
