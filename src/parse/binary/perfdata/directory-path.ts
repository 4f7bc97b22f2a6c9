import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A perf.data given as a directory (`perf record --threads`, directory.ts) is named by its
 * directory: what reads only the header (the attrs, features, tracing data) reads `DIR/data`.
 * Apart from directory.ts so that the header's readers need not load the directory's.
 */

/** The perf.data file a path names: `path/data` for a directory, else the path itself. */
export function perfHeaderPath(path: string): string {
  return isDirectory(path) ? join(path, 'data') : path;
}

export function isDirectory(path: string): boolean {
  return path !== '-' && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** Whether `path` is a directory whose `data` starts like a perf.data. */
export function looksLikePerfDirectory(path: string, magic: (head: Uint8Array) => boolean): boolean {
  if (!isDirectory(path)) return false;
  let fd: number | undefined;
  try {
    fd = openSync(join(path, 'data'), 'r');
    const head = Buffer.alloc(8);
    return magic(head.subarray(0, readSync(fd, head, 0, 8, 0)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
