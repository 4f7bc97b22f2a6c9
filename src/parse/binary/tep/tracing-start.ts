import { cstring, cursor, fail, u32, u8, type Cursor } from './bytes.js';

/**
 * The first bytes of a tracing-data block (trace.dat's header, perf.data's tracing-data feature):
 * its magic, version, byte order, long size and page size. Apart from the rest of the format
 * (tracing-data.ts) because recognising a trace.dat and telling whether it may be compressed need
 * only these, and a run that reads text should not load the format reader for that.
 */

export const TRACING_MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67] as const; // 17 08 44 "tracing"

export function hasTracingMagic(b: Uint8Array, at = 0): boolean {
  if (b.length < at + TRACING_MAGIC.length) return false;
  for (let i = 0; i < TRACING_MAGIC.length; i++) if (b[at + i] !== TRACING_MAGIC[i]) return false;
  return true;
}

/** The start every trace.dat and tracing-data block share; leaves the cursor after the page size. */
export function readTracingStart(c: Cursor): { version: string; little: boolean; userLongSize: number; pageSize: number } {
  if (!hasTracingMagic(c.bytes, c.pos)) fail(`no tracing magic (17 08 44 "tracing") at offset ${c.base + c.pos}`, c.base + c.pos);
  c.pos += TRACING_MAGIC.length;
  const version = cstring(c, 'version', 16);
  const endian = u8(c, 'endianness');
  if (endian > 1) fail(`endianness byte is ${endian}, not 0 (little) or 1 (big)`, c.base + c.pos - 1);
  const userLongSize = u8(c, 'long size');
  const little = endian === 0;
  // The page size is the first number in the file's byte order.
  const pc = cursor(c.bytes, little, c.pos, c.base);
  const pageSize = u32(pc, 'page size');
  c.pos = pc.pos;
  if (pageSize < 64 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0) fail(`page size ${pageSize} is not a power of two between 64 B and 16 MiB (wrong endianness?)`, c.base + c.pos - 4);
  return { version, little, userLongSize, pageSize };
}
