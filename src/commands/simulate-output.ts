import { createWriteStream, type WriteStream } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import { IopathError } from '../model/errors.js';
import type { TextStream } from '../sim/index.js';

/**
 * The files `simulate` writes (-o and --truth), and the one line that says which of them failed.
 * Both models write them as streams and wait for 'drain' (sim/index.ts, sim/stack/index.ts), so
 * about 1 MiB waits in memory at most; a stream that cannot be written stops the run at its next
 * write.
 */

/** What a file holds, for the message: `-o` is the trace, `--truth` the ground truth. */
export type OutputRole = 'trace' | 'truth';

/** The reason a write failed, in words: `ENOSPC (no space left on device)`. */
export function writeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.errno === 'number' && typeof e.code === 'string' && !e.code.startsWith('ERR_')) {
    const desc = getSystemErrorMap().get(e.errno)?.[1];
    return desc !== undefined ? `${e.code} (${desc})` : e.code;
  }
  // Node's ERR_SYSTEM_ERROR('writev failed') has an empty context: its message says
  // "undefined returned undefined (undefined)". Say what is known instead.
  if (e?.code === 'ERR_SYSTEM_ERROR') return 'Node gave up on a write without saying why (ERR_SYSTEM_ERROR)';
  return e instanceof Error ? e.message : String(err);
}

/** The one line a failed output reads as, naming the file: an `unreadable` error (exit 2). */
export function outputError(path: string, role: OutputRole, err: unknown): IopathError {
  if (err instanceof IopathError) return err;
  return new IopathError('unreadable', `${path}: cannot write the ${role === 'trace' ? 'trace' : 'ground truth'}: ${writeFailure(err)}`);
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
 * opened, ENOSPC on a write) never sends: wake it on the error too. The next write throws the
 * error, which ends the run there (instead of simulating the rest for nothing); close() then
 * reports it, naming the file.
 */
function streamSink(s: WriteStream): TextStream {
  return {
    write: (chunk) => {
      if (s.errored) throw s.errored;
      return s.write(chunk);
    },
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
