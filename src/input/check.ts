import { existsSync, statSync } from 'node:fs';
import { IopathError } from '../model/errors.js';
import { binaryReaderOfPath } from '../parse/binary/dispatch.js';

/**
 * Checks a path before it is streamed, so a typo gets a one-line message instead of the reader's
 * ENOENT or EISDIR halfway through. `-` (standard input) always passes; a directory only when it is
 * a perf.data directory (`perf record --threads`: a perf.data named `data` in it).
 */
export function checkInputPath(path: string): void {
  if (path === '-') return;
  if (!existsSync(path)) throw new IopathError('unreadable', `${path}: no such file`);
  if (statSync(path).isDirectory() && binaryReaderOfPath(path) === undefined) {
    throw new IopathError('unreadable', `${path}: is a directory, not a trace file (nor a perf.data directory: no perf.data named data in it)`);
  }
}
