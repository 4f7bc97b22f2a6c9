import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fail } from './bytes.js';

/**
 * Where the bytes come from. File mode needs random access (the features that describe the
 * events lie after the data), pipe mode reads straight through. A file is read with positioned
 * reads; a stream (stdin, a pipe) is read in order, and a file-mode perf.data arriving that way is
 * held in memory up to MAX_BUFFERED bytes (perf itself refuses it: `perf script -i -` wants pipe
 * mode).
 */

export interface ByteSource {
  /** Bytes in the input, when known (a file); Infinity for a stream. */
  readonly size: number;
  /** Up to `n` bytes at `offset` (fewer only at the end). Random access when `seekable`. */
  read(offset: number, n: number): Promise<Uint8Array>;
  readonly seekable: boolean;
  close(): void;
}

export const MAX_BUFFERED = 1 << 30;

/** Read buffers given back once nothing refers to them (see RecordQueue's onFree). */
export interface BufferPool {
  take(n: number): Buffer;
  give(b: Uint8Array): void;
}

export function createBufferPool(max = 8): BufferPool {
  const free: Buffer[] = [];
  const mine = new WeakSet<Uint8Array>();
  return {
    take(n) {
      const i = free.findIndex((b) => b.length === n);
      if (i >= 0) return free.splice(i, 1)[0] as Buffer;
      const b = Buffer.allocUnsafe(n);
      mine.add(b);
      return b;
    },
    give(b) {
      if (mine.has(b) && free.length < max && !free.includes(b as Buffer)) free.push(b as Buffer);
    },
  };
}

export function fileSource(path: string, pool?: BufferPool): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let closed = false;
  return {
    size,
    seekable: true,
    read(offset, n) {
      const len = Math.max(0, Math.min(n, size - offset));
      const buf = pool ? pool.take(len) : Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const r = readSync(fd, buf, got, len - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return Promise.resolve(got === len ? buf : buf.subarray(0, got));
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

/** A stream read in order; `read` must be called with increasing, contiguous offsets. */
export function streamSource(stream: AsyncIterable<Uint8Array>): ByteSource {
  const it = stream[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let pos = 0;
  let done = false;
  return {
    size: Infinity,
    seekable: false,
    async read(offset, n) {
      if (offset !== pos) fail(`internal: stream read at ${offset}, expected ${pos}`);
      const parts: Uint8Array[] = [];
      let got = 0;
      while (got < n) {
        if (pending.length === 0) {
          if (done) break;
          const r = await it.next();
          if (r.done) {
            done = true;
            break;
          }
          pending = r.value;
          continue;
        }
        const take = Math.min(n - got, pending.length);
        parts.push(pending.subarray(0, take));
        pending = pending.subarray(take);
        got += take;
      }
      pos += got;
      return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    },
    close() {
      void it.return?.();
    },
  };
}

/** Bytes already in memory. */
export function memorySource(all: Uint8Array): ByteSource {
  return {
    size: all.length,
    seekable: true,
    read: (o, n) => Promise.resolve(all.subarray(Math.min(o, all.length), Math.min(o + n, all.length))),
    close() {},
  };
}

/** All of a stream in memory, as a random-access source (file mode from a pipe). */
export async function bufferSource(head: Uint8Array, rest: ByteSource): Promise<ByteSource> {
  const parts: Uint8Array[] = [head];
  let total = head.length;
  let offset = head.length;
  for (;;) {
    const b = await rest.read(offset, 8 << 20);
    if (b.length === 0) break;
    parts.push(b.slice());
    total += b.length;
    offset += b.length;
    if (total > MAX_BUFFERED) fail(`a file-mode perf.data read from a stream is held in memory, and this one passes ${MAX_BUFFERED >> 20} MiB: give its path instead`);
  }
  return memorySource(Buffer.concat(parts));
}
