import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IopathError } from '../model/errors.js';

/**
 * Checks a path before it is streamed, so a typo gets a one-line message instead of the reader's
 * ENOENT or EISDIR halfway through. `-` (standard input) always passes. A directory passes only in
 * the layout of `perf record --threads` (a file named `data` in it); whether that file is a
 * perf.data the binary dispatch tells (parse/binary/dispatch.ts, openBinary), in one line too.
 */
export function checkInputPath(path: string): void {
  if (path === '-') return;
  if (!existsSync(path)) throw new IopathError('unreadable', `${path}: no such file`);
  if (statSync(path).isDirectory() && !isFile(join(path, 'data'))) {
    throw new IopathError('unreadable', `${path}: is a directory, not a trace file`);
  }
}

/** A regular file there; false for anything stat cannot follow (a symlink loop, no permission). */
function isFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
