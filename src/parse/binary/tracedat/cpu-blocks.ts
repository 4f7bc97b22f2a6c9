import { cursor, fail, u32 } from '../tep/bytes.js';
import type { Decompressor } from './decompress.js';
import type { CpuData } from './layout.js';
import type { ByteSource } from './source.js';

/**
 * One CPU's ring-buffer pages, as blocks of whole pages read in file order: a plain file section
 * read 64 KiB at a time, or v7's compressed chunks (`u32 count`, then per chunk `u32 compressed
 * size, u32 uncompressed size, data`; trace-cmd writes 10 pages per chunk, and the CPU's `size` in
 * the BUFFER option leaves out the 4-byte count) decompressed one at a time. Memory stays at one
 * block per CPU whatever the file's size.
 */

export interface BlockSource {
  /** The next block of whole pages, or null at the end. */
  next(): Uint8Array | null;
  /** Bytes of the file consumed so far (for progress). */
  readonly consumed: number;
}

/**
 * Each block is a new buffer, freed by a collection rather than when its records are read, and a
 * decoded event may keep its block alive (an `other` event keeps its record's bytes to render them
 * if asked): small blocks pin less. Analyzing a 6.1 M-event v6 trace.dat (319 MB) on one thread
 * peaked at 211 MB with 1 MiB blocks, 184 MB with 128 KiB, 181 MB with 64 KiB, for no more CPU
 * (docs/performance.md, "Decoding thread and memory"). v7's chunks are 40 KiB.
 */
const READ_BYTES = 64 << 10;

export function plainBlocks(src: ByteSource, cpu: CpuData, pageSize: number): BlockSource {
  let pos = cpu.offset;
  const end = cpu.offset + cpu.size;
  if (end > src.size) fail(`truncated: CPU ${cpu.cpu} data ends at ${end} but the file has ${src.size} bytes`, cpu.offset);
  const step = Math.max(pageSize, Math.floor(READ_BYTES / pageSize) * pageSize);
  return {
    next() {
      if (pos >= end) return null;
      let n = Math.min(step, end - pos);
      if (n % pageSize !== 0) {
        // A trailing partial page is damage: read the whole pages before it first.
        if (n < pageSize) fail(`truncated: CPU ${cpu.cpu} has ${n} bytes left at offset ${pos}, less than a page (${pageSize})`, pos);
        n -= n % pageSize;
      }
      const b = src.read(pos, n, `CPU ${cpu.cpu} pages`);
      pos += n;
      return b;
    },
    get consumed() {
      return pos - cpu.offset;
    },
  };
}

export function compressedBlocks(src: ByteSource, cpu: CpuData, pageSize: number, method: string, dz: Decompressor, little: boolean): BlockSource {
  const start = cpu.offset;
  // The chunk stream: the count, then cpu.size bytes of chunks (not counting the count).
  const end = Math.min(src.size, cpu.offset + cpu.size + 4);
  const head = cursor(src.read(start, 4, `CPU ${cpu.cpu} chunk count`), little, 0, start);
  const count = u32(head, 'chunk count');
  // A chunk takes at least its 8-byte header: more chunks than that is a corrupted count.
  if (count > (end - start - 4) / 8) fail(`CPU ${cpu.cpu}: ${count} chunks cannot fit in ${end - start - 4} bytes (corrupted count)`, start);
  let pos = start + 4;
  let done = 0;
  let header: Uint8Array | null = null;
  return {
    next() {
      if (done >= count) return null;
      if (!header) header = src.read(pos, 8, `CPU ${cpu.cpu} chunk header`);
      const hc = cursor(header, little, 0, pos);
      const csize = u32(hc, 'compressed chunk size');
      const usize = u32(hc, 'uncompressed chunk size');
      if (usize === 0 || usize % pageSize !== 0) fail(`CPU ${cpu.cpu}: chunk ${done} at offset ${pos} inflates to ${usize} bytes, not whole pages of ${pageSize}`, pos);
      const dataAt = pos + 8;
      if (dataAt + csize > end) fail(`truncated: CPU ${cpu.cpu} chunk ${done} at offset ${pos} needs ${csize} bytes, the data ends at ${end}`, pos);
      // Read the next chunk's header along with this chunk's data: one read per chunk.
      const withNext = done + 1 < count && dataAt + csize + 8 <= end;
      const raw = src.read(dataAt, csize + (withNext ? 8 : 0), `CPU ${cpu.cpu} chunk ${done}`);
      const data = withNext ? raw.subarray(0, csize) : raw;
      const out = dz.decompress(method, data, usize, src.size, `CPU ${cpu.cpu} chunk ${done}`);
      // The next header is copied out: `raw` may be a reused buffer.
      header = withNext ? raw.slice(csize, csize + 8) : null;
      pos = dataAt + csize;
      done++;
      return out;
    },
    get consumed() {
      return pos - start;
    },
  };
}
