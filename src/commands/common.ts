import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { StrictModeError } from '../model/diagnostics.js';
import { IopathError, systemError, type ErrorKind } from '../model/errors.js';
import { perfDirectory, perfHeaderPath } from '../input/perf-directory.js';

/** Exit codes, documented in the README: 0 success; 1 strict-mode failure or a regression gate; 2 usage error or no usable input. */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/** The one place a failure becomes an exit code. */
const EXIT_CODES: Record<ErrorKind, number> = {
  usage: EXIT_USAGE,
  unreadable: EXIT_USAGE,
  unrecognised: EXIT_USAGE,
  regression: EXIT_FAIL,
  failed: EXIT_FAIL,
};

export function exitCodeOf(kind: ErrorKind): number {
  return EXIT_CODES[kind];
}

/** An error the CLI reports in one line with its exit code, never as a stack trace (default kind: usage). */
export class CliError extends IopathError {
  constructor(message: string, kind: ErrorKind = 'usage') {
    super(kind, message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return exitCodeOf(this.kind);
  }
}

/** Maps whatever a command threw to the one line and exit code the user sees. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof IopathError) return new CliError(err.message, err.kind);
  if (err instanceof StrictModeError) return new CliError(err.message, 'failed');
  // A path that cannot be opened, or a write that failed (ENOSPC, EIO and EPIPE carry a syscall
  // but no path): one line, no stack.
  const sys = systemError(err);
  if (sys) return new CliError(sys.message, sys.kind);
  return new CliError(`internal error: ${(err as Error | null)?.stack ?? String(err)}`, 'failed');
}

/**
 * A command's body, with whatever it throws handed on as a CliError: the entry point and the tests
 * see one error type, its exit code from EXIT_CODES.
 */
export function command<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (err) {
      throw toCliError(err);
    }
  };
}

/**
 * Ends the process quietly, with status 0, when whoever reads stdout has gone (`iopath report t.txt
 * | head -3`): without a listener the EPIPE of the next write is an unhandled 'error' event and Node
 * prints its stack. Exit 0, not 141, so that `set -o pipefail` scripts that only wanted the first
 * lines do not fail. Other write errors (ENOSPC, EIO on a redirect) stay errors: one line and their exit code.
 */
export function endQuietlyOnClosedStdout(stdout: NodeJS.WriteStream = process.stdout, exit: (code: number) => void = (code) => process.exit(code)): void {
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return exit(EXIT_OK);
    const e = toCliError(err);
    process.stderr.write(`iopath: ${e.message}\n`);
    exit(e.exitCode);
  });
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const BYTES_PER_GB = 1e9;

/** Inputs smaller than this are read too fast for a progress line to help. */
const PROGRESS_MIN_BYTES = 256 << 20;

export interface ProgressLine {
  onProgress?: (bytes: number, gzip: boolean) => void;
  /** Erases the line (call before printing results or an error). */
  done(): void;
}

/**
 * Bytes an input holds: a file's size, or for a perf.data directory (perf record --threads: `data`
 * and a `data.N` per ring buffer) the files its reader reads (input/perf-directory.ts).
 */
function inputBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return statSync(perfHeaderPath(path)).size + perfDirectory(path).files.reduce((sum, f) => sum + f.size, 0);
}

/**
 * How far the reading of a large file has got, on stderr, for a person at a terminal: redrawn in
 * place at most four times a second and erased when done. Piped or redirected stderr (scripts,
 * CI, the tests) never sees it, so it cannot break output anyone parses.
 */
export function progressLine(path: string, stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr): ProgressLine {
  const none: ProgressLine = { done() {} };
  if (!stream.isTTY || path === '-') return none;
  let size = 0;
  try {
    size = inputBytes(path);
  } catch {
    return none;
  }
  if (size < PROGRESS_MIN_BYTES) return none;
  let last = 0;
  let shown = false;
  // Decimal gigabytes, like the byte counts of `ls -l --si`.
  const gb = (n: number): string => (n / BYTES_PER_GB).toFixed(2);
  return {
    onProgress(bytes, gzip) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      // A gzip file's size says nothing of its text's: no share, only what was read.
      const how = gzip ? `${gb(bytes)} GB of text read` : `${gb(bytes)} of ${gb(size)} GB (${Math.min(100, Math.floor((100 * bytes) / size))}%)`;
      stream.write(`\r\x1b[Kiopath: reading ${basename(path)}: ${how}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
