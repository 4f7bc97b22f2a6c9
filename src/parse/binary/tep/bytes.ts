/**
 * Bounds-checked reading of the binary trace formats (trace.dat, perf.data): numbers in the file's
 * endianness and NUL-terminated strings. Every read checks its range and throws a `BinaryError`
 * naming what was being read and where; the readers catch it once at their top and turn it into one
 * diagnostic, so a damaged file stops cleanly instead of reading garbage or allocating from a
 * corrupted size.
 */

export class BinaryError extends Error {
  constructor(
    message: string,
    /** Byte offset in the file (or in the block being read) where the problem is. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BinaryError';
  }
}

export function fail(message: string, offset: number): never {
  throw new BinaryError(message, offset);
}

const TWO_32 = 4294967296;

/** A cursor over bytes. `base` is the file offset of bytes[0], for messages. */
export interface Cursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly little: boolean;
  pos: number;
  readonly base: number;
}

export function cursor(bytes: Uint8Array, little: boolean, pos = 0, base = 0): Cursor {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), little, pos, base };
}

export function need(c: Cursor, n: number, what: string): void {
  if (!(n >= 0) || c.pos + n > c.bytes.length) fail(`truncated: ${what} needs ${n} bytes at offset ${c.base + c.pos}, ${Math.max(0, c.bytes.length - c.pos)} left`, c.base + c.pos);
}

export function u8(c: Cursor, what: string): number {
  need(c, 1, what);
  return c.bytes[c.pos++] as number;
}

export function u16(c: Cursor, what: string): number {
  need(c, 2, what);
  const v = c.view.getUint16(c.pos, c.little);
  c.pos += 2;
  return v;
}

export function u32(c: Cursor, what: string): number {
  need(c, 4, what);
  const v = c.view.getUint32(c.pos, c.little);
  c.pos += 4;
  return v;
}

/**
 * A u64 as a number. Sizes and offsets above 2^53 cannot be real (no file is that large): they are
 * returned as Infinity, which every range check then refuses.
 */
export function u64(c: Cursor, what: string): number {
  need(c, 8, what);
  const v = readU64(c.view, c.pos, c.little);
  c.pos += 8;
  return v;
}

export function readU64(view: DataView, at: number, little: boolean): number {
  const lo = view.getUint32(at + (little ? 0 : 4), little);
  const hi = view.getUint32(at + (little ? 4 : 0), little);
  return hi >= 0x200000 ? Infinity : hi * TWO_32 + lo;
}

/** A NUL-terminated string (latin1: format text and names are ASCII), the cursor moved past the NUL. */
export function cstring(c: Cursor, what: string, max = 1 << 20): string {
  const end = c.bytes.indexOf(0, c.pos);
  if (end < 0 || end - c.pos > max) fail(`truncated: ${what} (a NUL-terminated string) at offset ${c.base + c.pos} has no end`, c.base + c.pos);
  const s = latin1(c.bytes, c.pos, end);
  c.pos = end + 1;
  return s;
}

/** `n` bytes as text (a format file, kallsyms), checked against what is left. */
export function text(c: Cursor, n: number, what: string): string {
  need(c, n, what);
  const s = latin1(c.bytes, c.pos, c.pos + n);
  c.pos += n;
  return s;
}

/** `n` bytes as a view (no copy), checked against what is left. */
export function slice(c: Cursor, n: number, what: string): Uint8Array {
  need(c, n, what);
  const s = c.bytes.subarray(c.pos, c.pos + n);
  c.pos += n;
  return s;
}

export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** Text that may hold UTF-8 (task names): decoded as UTF-8 unless it is plain ASCII. */
export function utf8(bytes: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
  return latin1(bytes, start, end);
}
