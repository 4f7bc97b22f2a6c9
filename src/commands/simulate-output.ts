import { closeSync, createWriteStream, openSync, writeSync, type WriteStream } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import { IopathError } from '../model/errors.js';
import type { TextStream } from '../sim/index.js';

/**
 * The files `simulate` writes (-o and --truth), and the one line that says which of them failed.
 *
 * A trace of any size must arrive whole. Two ways of writing, one per model:
 *  - the single-disk model (simulate()) is asynchronous and waits for 'drain': a WriteStream, so
 *    the disk works while the model computes, and at most ~2 MiB is ever queued;
 *  - the stack model (simulateStack()) is synchronous, so a WriteStream would write nothing until
 *    it returned: the whole trace queued in memory (4.4 GB for `--preset nvme-64 --ios 100000`),
 *    then handed to the kernel in one fs.writev. Node 20 returns that call's byte count through a
 *    C `int` (`static_cast<int>(req->result)` in node_file.cc), so a writev of more than 2^31
 *    bytes reports a wrong count: the stream then retries with the rest concatenated into one
 *    Buffer (at most 2^32 bytes in Node 20; a 4 GiB Buffer becomes an iovec of length 0, as
 *    uv_buf_t's length is an unsigned int) and gives up after five writes of 0 bytes with
 *    ERR_SYSTEM_ERROR('writev failed'). The stack model's output is written synchronously
 *    instead: as it is made, each write well below 2^31 bytes, nothing held back.
 */

/** What a file holds, for the message: `-o` is the trace, `--truth` the ground truth. */
export type OutputRole = 'trace' | 'truth';

/**
 * Largest single write: Node's fs.writeSync also returns its count as a C `int`, and Linux writes
 * at most 0x7ffff000 bytes a call anyway. The model's chunks are far smaller (≤ ~1 MiB); the cap
 * makes a larger one safe too.
 */
export const MAX_WRITE = 1 << 30;

/** The reason a write failed, in words: `ENOSPC (no space left on device)`. */
export function writeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.errno === 'number' && typeof e.code === 'string' && !e.code.startsWith('ERR_')) {
    const desc = getSystemErrorMap().get(e.errno)?.[1];
    return desc !== undefined ? `${e.code} (${desc})` : e.code;
  }
  // Node's ERR_SYSTEM_ERROR('writev failed') has an empty context: its message says
  // "undefined returned undefined (undefined)". Say what is known instead.
  if (e?.code === 'ERR_SYSTEM_ERROR') return 'the system accepted no more bytes';
  return e instanceof Error ? e.message : String(err);
}

/** The one line a failed output reads as, naming the file: an `unreadable` error (exit 2). */
export function outputError(path: string, role: OutputRole, err: unknown): IopathError {
  if (err instanceof IopathError) return err;
  return new IopathError('unreadable', `${path}: cannot write the ${role === 'trace' ? 'trace' : 'ground truth'}: ${writeFailure(err)}`);
}

/** The parts of node:fs the synchronous writer uses (a test passes a fake that counts bytes). */
export interface SyncFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
}

const nodeFs: SyncFs = { openSync, writeSync: (fd, buf, offset, length) => writeSync(fd, buf, offset, length), closeSync };

export interface SyncFile {
  /** Writes the whole chunk before returning; throws the file's one-line error if it cannot. */
  write(chunk: string): void;
  /** Bytes written so far. */
  bytes(): number;
  close(): void;
}

/** A file written synchronously, for the stack model. Opens now: a bad path fails before the model runs. */
export function syncFile(path: string, role: OutputRole, fs: SyncFs = nodeFs): SyncFile {
  let fd: number;
  try {
    fd = fs.openSync(path, 'w');
  } catch (err) {
    throw outputError(path, role, err);
  }
  let total = 0;
  let closed = false;
  return {
    write(chunk) {
      const buf = Buffer.from(chunk, 'utf8');
      try {
        for (let off = 0; off < buf.length; ) {
          const n = fs.writeSync(fd, buf, off, Math.min(buf.length - off, MAX_WRITE));
          // A regular file never takes 0 bytes of a non-empty write; looping on it would never end.
          if (!(n > 0)) throw new Error(`the system accepted no more bytes after ${total + off}`);
          off += n;
        }
      } catch (err) {
        throw outputError(path, role, err);
      }
      total += buf.length;
    },
    bytes: () => total,
    close() {
      if (closed) return;
      closed = true;
      try {
        fs.closeSync(fd);
      } catch (err) {
        throw outputError(path, role, err);
      }
    },
  };
}

/** A file as simulate()'s stream sink, with the promise of its end. */
export interface StreamFile {
  sink: TextStream;
  /** Ends the file; rejects with its one-line error if it could not be written whole. */
  close(): Promise<void>;
}

export function streamFile(path: string, role: OutputRole): StreamFile {
  const s = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  // An open or write error (ENOENT, EACCES, ENOSPC) is kept in `errored` for close() to report;
  // with no listener yet, the 'error' event would crash the process instead.
  s.on('error', () => undefined);
  return { sink: streamSink(s), close: () => close(s).catch((err: unknown) => Promise.reject(outputError(path, role, err))) };
}

/**
 * After a refused write simulate waits for 'drain', which a stream that failed (ENOENT when it
 * opened, ENOSPC on a write) never sends: wake it on the error too and take later writes without
 * waiting, so the run ends and close() reports the error. (With the simulator imported when the
 * command runs, an open that fails now lands before its first write.)
 */
function streamSink(s: WriteStream): TextStream {
  return {
    write: (chunk) => (s.errored ? true : s.write(chunk)),
    once: (_event, listener) => {
      if (s.errored) return void listener();
      const wake = (): void => {
        s.off('drain', wake);
        s.off('error', wake);
        listener();
      };
      s.on('drain', wake);
      s.on('error', wake);
    },
  };
}

function close(s: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.errored) return reject(s.errored);
    // end()'s callback gets the stream's error: resolving regardless made an unwritable -o exit 0.
    s.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}
