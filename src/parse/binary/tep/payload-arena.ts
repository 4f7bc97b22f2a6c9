import type { RawRecord } from './fields.js';

/**
 * Copies of record payloads, for events that read their bytes after the reader has moved on (an
 * `other` event renders its text only when `args` is read): a perf.data reader reads into buffers
 * it reuses, so a record left in place would later show what was read over it. Payloads are
 * appended to 64 KiB blocks that are never written again once full; a block is freed by the
 * garbage collector with the last event that refers to it. One small copy per event, no object.
 */

export interface PayloadArena {
  /** Copies r's payload [start, start + size) and returns where: `bytes`/`view` at `at`. */
  copy(r: RawRecord): void;
  bytes: Uint8Array;
  view: DataView;
  at: number;
}

const BLOCK = 64 << 10;

export function createPayloadArena(): PayloadArena {
  let block = new Uint8Array(BLOCK);
  let used = 0;
  const arena: PayloadArena = {
    bytes: block,
    view: new DataView(block.buffer),
    at: 0,
    copy(r) {
      const n = r.size;
      if (used + n > block.length) {
        block = new Uint8Array(Math.max(BLOCK, n));
        used = 0;
        arena.bytes = block;
        arena.view = new DataView(block.buffer);
      }
      const src = r.bytes;
      const from = r.start;
      // Payloads are tens of bytes: a loop costs less than a subarray (an object) and set().
      if (n <= 256) for (let i = 0; i < n; i++) block[used + i] = src[from + i] as number;
      else block.set(src.subarray(from, from + n), used);
      arena.at = used;
      used += n;
    },
  };
  return arena;
}
