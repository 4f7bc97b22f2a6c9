import { inflateSync } from 'node:zlib';
import { fail } from '../tep/bytes.js';
import { zstdDecompress } from '../zstd.js';

/**
 * The decompression trace.dat v7 uses for sections and per-CPU chunks: zstd (trace-cmd's default,
 * see ../zstd.ts) and zlib (`compress2` output, which Node's inflate reads). The uncompressed size
 * comes from the file; it is checked against a bound derived from the file's size before anything
 * is allocated, and the output must have exactly that size.
 */

export interface Decompressor {
  supports(name: string): boolean;
  decompress(name: string, data: Uint8Array, size: number, fileSize: number, what: string): Uint8Array;
}

/** No real chunk or section inflates beyond this ratio (kallsyms, the most compressible, is ~6×). */
const MAX_RATIO = 256;
const MIN_BOUND = 64 << 20;

export function maxInflated(fileSize: number): number {
  return Math.max(MIN_BOUND, Math.min(2 ** 31, fileSize * MAX_RATIO));
}

export const decompressor: Decompressor = {
  supports: (name) => name === 'zstd' || name === 'zlib',
  decompress(name, data, size, fileSize, what) {
    if (size > maxInflated(fileSize) || size > data.length * MAX_RATIO + 4096) fail(`${what}: an uncompressed size of ${size} bytes from ${data.length} compressed is not believable (corrupted size)`, 0);
    let out: Uint8Array;
    try {
      out = name === 'zstd' ? zstdDecompress(data, size) : inflateSync(data, { maxOutputLength: Math.max(size, 1) });
    } catch (err) {
      fail(`${what}: ${name} data does not decompress (${(err as Error).message})`, 0);
    }
    if (out.length !== size) fail(`${what}: decompressed to ${out.length} bytes, the file says ${size}`, 0);
    return out;
  },
};
