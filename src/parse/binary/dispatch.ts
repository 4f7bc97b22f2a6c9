import { openSync, readSync, closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Source } from '../../input/lines.js';
import type { TraceEvent } from '../../model/events.js';
import type { StreamOptions, StreamResult } from '../stream-types.js';
import { PERF_DATA_READER } from './perfdata/reader.js';
import { isDirectory, looksLikePerfDirectory } from '../../input/perf-directory.js';
import { TRACE_DAT_READER } from './tracedat/reader.js';
import { DamagedInputError } from './errors.js';
import { IopathError } from '../../model/errors.js';

export { DamagedInputError };

/**
 * Binary trace formats, recognised by their first bytes whatever the file is called (as gzip is):
 * `streamEvents` asks `openBinary` first, and a binary input goes to its reader instead of the line
 * reader, so every command that reads a trace reads these too. A reader yields the same
 * TraceEvents as the text parsers and a StreamResult whose `format` names the binary format.
 *
 * To add a format, add its reader to BINARY_READERS.
 */

import type { BinaryFormat } from '../formats.js';
export type { BinaryFormat };

import type { BinaryReader, BinarySource } from './reader-types.js';
export type { BinaryReader, BinarySource } from './reader-types.js';

export const BINARY_READERS: readonly BinaryReader[] = [TRACE_DAT_READER, PERF_DATA_READER];

const MAGIC_BYTES = Math.max(...BINARY_READERS.map((r) => r.magicBytes));

/** Inputs in memory past this are refused rather than gathered (a file is read piece by piece instead). */
const MAX_STREAM_BYTES = 2 ** 31;

export function binaryReaderFor(head: Uint8Array): BinaryReader | undefined {
  return BINARY_READERS.find((r) => head.length >= r.magicBytes && r.matches(head));
}

/**
 * The reader of a file's format, from its first bytes (undefined for text, gzip, or an unreadable
 * path). A directory is perf.data's when its `data` file is one (`perf record --threads`).
 */
export function binaryReaderOfPath(path: string): BinaryReader | undefined {
  if (path === '-') return undefined;
  if (isDirectory(path)) return looksLikePerfDirectory(path, PERF_DATA_READER.matches) ? PERF_DATA_READER : undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(MAGIC_BYTES);
    const n = readSync(fd, head, 0, MAGIC_BYTES, 0);
    return binaryReaderFor(head.subarray(0, n));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface Opened {
  reader: BinaryReader | undefined;
  binary?: BinarySource;
  /** For text: the source to read lines from (a stream's first bytes put back in front). */
  text: Source;
}

/**
 * Looks at the first bytes of a source. A path is peeked at and left as is; a stream's first chunk
 * is read and, for text, put back in front of the rest; a binary stream is gathered in memory
 * (its readers need to seek).
 */
export async function openBinary(source: Source): Promise<Opened> {
  if (typeof source === 'string' && source !== '-') {
    const reader = binaryReaderOfPath(source);
    // (input/check.ts let it through for its `data` file: the line reader cannot read a directory.)
    if (reader === undefined && isDirectory(source)) throw new IopathError('unreadable', `${source}: is a directory whose data is not a perf.data, not a trace file`);
    return reader ? { reader, binary: { path: source }, text: source } : { reader: undefined, text: source };
  }
  const stream = (source === '-' ? process.stdin : source) as Readable | AsyncIterable<Buffer>;
  const it = stream[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let got = 0;
  let done = false;
  while (got < MAGIC_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    // Copied: a stream may reuse its buffer once asked for the next one.
    const b = Buffer.from(r.value as Uint8Array);
    first.push(b);
    got += b.length;
  }
  const head = Buffer.concat(first);
  const reader = binaryReaderFor(head);
  if (!reader) {
    const rest = (async function* (): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      if (done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
    })();
    return { reader: undefined, text: rest };
  }
  const parts: Buffer[] = [head];
  let total = head.length;
  if (!done) {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const b = Buffer.from(r.value as Uint8Array);
      total += b.length;
      if (total > MAX_STREAM_BYTES) throw new DamagedInputError('<stdin>', `a binary trace of more than ${MAX_STREAM_BYTES} bytes on a stream: give its path instead`);
      parts.push(b);
    }
  }
  return { reader, binary: { bytes: Buffer.concat(parts, total) }, text: source };
}
