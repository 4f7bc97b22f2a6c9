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
      const from = r.start;
      // Payloads are tens of bytes: 32-bit words through the views cost a third of a byte loop
      // and less than set() of a subarray (an object per copy). Byte order does not matter here.
      const src = r.view;
      const dst = arena.view;
      let i = 0;
      for (; i + 4 <= n; i += 4) dst.setUint32(used + i, src.getUint32(from + i, true), true);
      for (; i < n; i++) dst.setUint8(used + i, src.getUint8(from + i));
      arena.at = used;
      used += n;
    },
  };
  return arena;
}
