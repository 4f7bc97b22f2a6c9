import { isAscii } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Streams the lines of a trace from a path, `-` (stdin) or a Readable, gunzipping when the first
 * bytes are gzip's magic (1f 8b) whatever the file is called. Memory does not grow with the file:
 * each chunk (1 MiB) is decoded once, its lines are handed to `onLine` and the chunk is dropped;
 * only a partial last line is carried to the next chunk, and a line longer than `maxLineBytes` is
 * skipped (reported through `onTooLong`) instead of being accumulated.
 *
 * Lines are slices of the chunk's string: a consumer that keeps a substring beyond the callback
 * should copy it with `detach` so it does not pin the whole chunk.
 */

export type LineHandler = (line: string, lineNo: number) => void;

export interface ReadOptions {
  /** Longest line accepted, in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** Called for each skipped over-long line with its number and length in bytes. */
  onTooLong?: (lineNo: number, bytes: number) => void;
  /** Read size (default 1 MiB); tests use tiny ones to prove chunking does not change lines. */
  chunkBytes?: number;
  /** Called once the first chunk told whether the input is gzip. */
  onStart?: (info: { gzip: boolean }) => void;
  /** Asked before each chunk: true stops reading there (the rest of the input is not read). */
  stop?: () => boolean;
  /**
   * Awaited before each chunk when it returns a promise: a consumer that hands lines on to another
   * thread holds the reading back here until that thread has caught up.
   */
  pace?: () => Promise<void> | undefined;
  /** Called after each chunk with the bytes read so far (after gunzip) and whether it is gzip. */
  onChunk?: (bytes: number, gzip: boolean) => void;
}

export interface ReadStats {
  /** Bytes of text read (after decompression). */
  bytes: number;
  lines: number;
  gzip: boolean;
  /** Set when the input ended in a damaged or truncated gzip stream. */
  gzipError?: string;
  /** Set when `stop` ended the reading before the end of the input. */
  stopped?: boolean;
}

export type Source = string | Readable | AsyncIterable<Buffer>;

const NL = 10;
const DECODE_BYTES = 64 * 1024;
const CR = 13;

/**
 * Decodes bytes as UTF-8. Trace text is nearly always ASCII, and then Latin-1 decoding gives the
 * same string at a fraction of the cost (it is a copy; UTF-8 must validate).
 */
function decode(buf: Buffer, start: number, end: number): string {
  return isAscii(buf.subarray(start, end)) ? buf.toString('latin1', start, end) : buf.toString('utf8', start, end);
}

/** gzip's magic bytes (1f 8b) first: how every reader of iopath tells a gzipped input, whatever its name. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * A file's chunks, read into two buffers used in turn: the next read runs (in libuv's thread pool)
 * while the current chunk is parsed. A stream would allocate a fresh 1 MiB buffer per chunk, and
 * those (external memory, freed only when the GC gets to their wrappers) pile up to tens of MB:
 * RSS would follow the read rate instead of staying flat. A consumer must be done with a chunk
 * when it asks for the next-but-one, and copy what it keeps longer (readLines copies a partial
 * line).
 */
async function* fileChunks(path: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  let buf = Buffer.allocUnsafe(chunkBytes);
  let next = Buffer.allocUnsafe(chunkBytes);
  let position = 0;
  let pending: Promise<{ bytesRead: number }> | undefined = fh.read(buf, 0, chunkBytes, 0);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      position += bytesRead;
      pending = fh.read(next, 0, chunkBytes, position);
      yield bytesRead === chunkBytes ? buf : buf.subarray(0, bytesRead);
      [buf, next] = [next, buf];
    }
  } finally {
    // Stopped early: let the read in flight finish before closing its file.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

function openSource(source: Source, chunkBytes: number): AsyncIterable<Buffer> {
  if (typeof source !== 'string') return source as AsyncIterable<Buffer>;
  if (source === '-') return process.stdin;
  return fileChunks(source, chunkBytes);
}

/** Yields the raw chunks, or the gunzipped ones when the input starts with gzip's magic bytes. */
async function* decodedChunks(src: AsyncIterable<Buffer>, stats: ReadStats, onStart?: ReadOptions['onStart']): AsyncGenerator<Buffer> {
  const it = src[Symbol.asyncIterator]();
  let first = await it.next();
  // A stream may deliver a 1-byte first chunk: gather two bytes before deciding (copying, since
  // the next read may reuse the buffer).
  while (!first.done && first.value.length < 2) {
    const kept = Buffer.from(first.value);
    const more = await it.next();
    if (more.done) {
      first = { done: false, value: kept };
      break;
    }
    first = { done: false, value: Buffer.concat([kept, more.value]) };
  }
  if (first.done) {
    onStart?.({ gzip: false });
    return;
  }
  const head: Buffer = first.value;
  stats.gzip = isGzip(head);
  onStart?.({ gzip: stats.gzip });
  if (!stats.gzip) {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    return;
  }
  // gunzip holds on to its input asynchronously: give it copies, never the reused read buffer.
  const rest = Readable.from(
    (async function* () {
      yield Buffer.from(head);
      for (let r = await it.next(); !r.done; r = await it.next()) yield Buffer.from(r.value);
    })(),
    { objectMode: false },
  );
  const gunzip = createGunzip();
  rest.on('error', (err) => gunzip.destroy(err));
  rest.pipe(gunzip);
  try {
    for await (const c of gunzip) yield c as Buffer;
  } catch (err) {
    stats.gzipError = (err as Error).message;
  }
}

export async function readLines(source: Source, onLine: LineHandler, opts: ReadOptions = {}): Promise<ReadStats> {
  const maxLine = opts.maxLineBytes ?? 1 << 20;
  const chunkBytes = opts.chunkBytes ?? 1 << 20;
  const stats: ReadStats = { bytes: 0, lines: 0, gzip: false };
  let lineNo = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  /** In skip mode we are inside an over-long line and drop bytes until its newline. */
  let skipping = false;

  const emitText = (text: string): void => {
    let start = 0;
    const n = text.length;
    while (start <= n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === CR) end--;
      onLine(text.slice(start, end), ++lineNo);
      start = nl + 1;
    }
  };

  for await (const chunk of decodedChunks(openSource(source, chunkBytes), stats, opts.onStart)) {
    if (opts.stop?.()) {
      stats.stopped = true;
      break;
    }
    const wait = opts.pace?.();
    if (wait) await wait;
    stats.bytes += chunk.length;
    opts.onChunk?.(stats.bytes, stats.gzip);
    let pos = 0;
    if (skipping || carryBytes > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        if (!skipping) {
          carry.push(Buffer.from(chunk));
          carryBytes += chunk.length;
          if (carryBytes > maxLine) {
            skipping = true;
            carry = [];
          }
        } else carryBytes += chunk.length;
        continue;
      }
      if (skipping) {
        carryBytes += nl;
        opts.onTooLong?.(++lineNo, carryBytes);
        skipping = false;
      } else if (carryBytes + nl > maxLine) {
        opts.onTooLong?.(++lineNo, carryBytes + nl);
      } else {
        carry.push(chunk.subarray(0, nl));
        const joined = Buffer.concat(carry);
        emitText(decode(joined, 0, joined.length));
      }
      carry = [];
      carryBytes = 0;
      pos = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(NL);
    // Decode in pieces of about DECODE_BYTES, cut at newlines: a string that small is an ordinary
    // young-generation string, while one of a whole MiB would be an external / large-object
    // string that is slower to read and is only freed by a full GC (RSS grows meanwhile).
    while (pos <= lastNl) {
      let end = lastNl;
      if (end - pos > DECODE_BYTES) {
        end = chunk.indexOf(NL, pos + DECODE_BYTES);
        if (end < 0 || end > lastNl) end = lastNl;
      }
      emitText(decode(chunk, pos, end));
      pos = end + 1;
    }
    if (pos < chunk.length) {
      const tail = chunk.subarray(pos);
      // Copy: the stream may reuse the chunk's memory after we yield back to it.
      carry.push(Buffer.from(tail));
      carryBytes = tail.length;
      if (carryBytes > maxLine) {
        skipping = true;
        carry = [];
      }
    }
  }
  if (stats.stopped) {
    // The partial line at the cut is not a line of the input.
  } else if (skipping) opts.onTooLong?.(++lineNo, carryBytes);
  else if (carryBytes > 0) {
    // No final newline: the last line is whatever is left.
    const joined = Buffer.concat(carry);
    emitText(decode(joined, 0, joined.length));
  }
  stats.lines = lineNo;
  return stats;
}

/**
 * Length from which V8 makes a slice a view into the string it was cut from (SlicedString's
 * minimum length) instead of a copy: such a slice, kept, keeps the whole decoded chunk alive.
 */
export const SLICE_MIN_LENGTH = 13;

/** Copies a (sliced) string so that keeping it does not keep the chunk it was cut from. */
export function detach(s: string): string {
  // Shorter slices are copies already; longer ones are re-made from their bytes.
  return s.length < SLICE_MIN_LENGTH ? s : Buffer.from(s, 'utf8').toString('utf8');
}
