import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fail } from '../tep/bytes.js';

/**
 * Positional reads of a binary trace: a file read piece by piece (never whole: per-CPU data is
 * streamed), or bytes already in memory (stdin, a stream, tests). Every read is checked against
 * the size first, so a corrupted offset or size fails as "truncated" before anything is allocated.
 */

export interface ByteSource {
  readonly size: number;
  /** `length` bytes at `offset`; the array may be reused by the next read of the same slot. */
  read(offset: number, length: number, what: string): Uint8Array;
  close(): void;
}

export function checkRange(size: number, offset: number, length: number, what: string): void {
  if (!(offset >= 0) || !(length >= 0) || !Number.isFinite(offset + length) || offset + length > size) {
    fail(`truncated or corrupted: ${what} needs bytes ${offset}..${offset + length} but the file has ${size}`, Number.isFinite(offset) ? offset : 0);
  }
}

export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return {
    size,
    read(offset, length, what) {
      checkRange(size, offset, length, what);
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) fail(`truncated: ${what} ends at ${offset + done}, the file shrank while being read`, offset + done);
        done += n;
      }
      return buf;
    },
    close: () => closeSync(fd),
  };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length, what) {
      checkRange(bytes.length, offset, length, what);
      return bytes.subarray(offset, offset + length);
    },
    close: () => undefined,
  };
}
