import { closeSync, openSync, readSync } from 'node:fs';
import { dataView, fail, u64 } from './bytes.js';
import { FEAT_BITS, FILE_HEADER_BYTES, MAGIC, PIPE_HEADER_BYTES } from './constants.js';
import { perfHeaderPath } from '../../../input/perf-directory.js';

/**
 * The perf.data header (perf_file_header): `PERFILE2`, then u64 header size (104 in file mode, 16
 * in pipe mode), u64 attr entry size, {offset, size} of the attrs, the data and the (unused)
 * event types, and a 256-bit feature bitmap. The magic read backwards (`2ELIFREP`) is a file of
 * the other endianness; every later number is in the file's own.
 */

export interface Section {
  offset: number;
  size: number;
}

export interface FileHeader {
  little: boolean;
  pipe: boolean;
  /** File mode only: the size of one attrs entry (perf_event_attr + {offset, size} of its ids). */
  attrSize: number;
  attrs: Section;
  data: Section;
  /** Set feature bits, ascending: their sections follow the data section in this order. */
  features: number[];
}

/** The magic as it starts a file: little- or big-endian, or null when it is not perf.data. */
export function perfMagic(bytes: Uint8Array): 'little' | 'big' | null {
  if (bytes.length < 8) return null;
  const s = String.fromCharCode(...bytes.subarray(0, 8));
  if (s === MAGIC) return 'little';
  if (s === [...MAGIC].reverse().join('')) return 'big';
  return null;
}

/** Reads the header from the first bytes of the input (at least 16; 104 for file mode). */
export function parseHeader(bytes: Uint8Array): FileHeader {
  const endian = perfMagic(bytes);
  if (endian === null) fail('not perf.data: the file does not start with PERFILE2');
  const little = endian === 'little';
  if (bytes.length < PIPE_HEADER_BYTES) fail(`perf.data header truncated: ${bytes.length} of ${PIPE_HEADER_BYTES} bytes`);
  const dv = dataView(bytes);
  const size = u64(dv, 8, little);
  const none: Section = { offset: 0, size: 0 };
  if (size === PIPE_HEADER_BYTES) return { little, pipe: true, attrSize: 0, attrs: none, data: none, features: [] };
  if (size !== FILE_HEADER_BYTES) {
    const other = u64(dv, 8, !little);
    if (other === PIPE_HEADER_BYTES || other === FILE_HEADER_BYTES) fail(`perf.data header says ${little ? 'little' : 'big'}-endian but its size field reads right only the other way round: wrong endianness`);
    fail(`perf.data header size ${size} is neither ${FILE_HEADER_BYTES} (file mode) nor ${PIPE_HEADER_BYTES} (pipe mode)`);
  }
  if (bytes.length < FILE_HEADER_BYTES) fail(`perf.data header truncated: ${bytes.length} of ${FILE_HEADER_BYTES} bytes`);
  const section = (at: number): Section => ({ offset: u64(dv, at, little), size: u64(dv, at + 8, little) });
  const features: number[] = [];
  // The bitmap is an array of unsigned longs (u64 here) in the file's endianness.
  for (let bit = 0; bit < FEAT_BITS; bit++) {
    const word = 72 + (bit >> 6) * 8;
    const half = (bit & 63) < 32 ? (little ? 0 : 4) : little ? 4 : 0;
    if ((dv.getUint32(word + half, little) >>> (bit & 31)) & 1) features.push(bit);
  }
  return { little, pipe: false, attrSize: u64(dv, 16, little), attrs: section(24), data: section(40), features };
}

/** Checks that a section lies inside a file of `fileSize` bytes. */
export function checkSection(s: Section, fileSize: number, what: string): void {
  if (!(s.offset <= fileSize && s.size <= fileSize - s.offset)) fail(`perf.data ${what} section (offset ${s.offset}, size ${s.size}) lies outside the ${fileSize}-byte file: truncated or corrupted`);
}

/** The feature table of a file-mode perf.data: one {offset, size} per set feature bit, right after the data section. */
export function featureTable(hdr: FileHeader): Section {
  return { offset: hdr.data.offset + hdr.data.size, size: hdr.features.length * 16 };
}

/** The section of the `i`-th set feature, from the feature table's bytes. */
export function featureSection(table: DataView, i: number, little: boolean): Section {
  return { offset: u64(table, i * 16, little), size: u64(table, i * 16 + 8, little) };
}

/**
 * Whether the perf.data at `path` is in file mode, its tracing data in a section the main thread
 * can read (printers.ts); false for pipe mode and for a header that does not parse (the reader
 * reports what is wrong with it).
 */
export function perfFileMode(path: string): boolean {
  const head = new Uint8Array(FILE_HEADER_BYTES);
  try {
    const fd = openSync(perfHeaderPath(path), 'r');
    try {
      return !parseHeader(head.subarray(0, readSync(fd, head, 0, FILE_HEADER_BYTES, 0))).pipe;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
