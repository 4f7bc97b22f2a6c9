import { closeSync, opendirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A perf.data given as a directory (`perf record --threads`, parse/binary/perfdata/directory.ts) is named by its
 * directory: what reads only the header (the attrs, features, tracing data) reads `DIR/data`.
 * Apart from parse/binary/perfdata/directory.ts so that the header's readers, and the CLI's progress line,
 * need not load the directory's reading: this is only where its files are.
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

/** Beside `data` (the header, and records of its own: perfHeaderPath names it). */
export interface PerfDirectory {
  /** The `data.*` files of non-zero size, in the order perf reads them. */
  files: { name: string; path: string; size: number }[];
}

/**
 * The files of a perf.data directory. Read in readdir order, not sorted, as perf_data__open_dir
 * reads them: the order only decides which of two records of the very same nanosecond comes
 * first, and then as perf does on the same directory.
 */
export function perfDirectory(path: string): PerfDirectory {
  const files: PerfDirectory['files'] = [];
  const dir = opendirSync(path);
  try {
    for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
      if (!d.name.startsWith('data.')) continue;
      const p = join(path, d.name);
      // perf skips an entry it cannot stat (tools/perf/util/data.c, perf_data__open_dir:
      // `if (stat(path, &st)) continue;`): a symlink loop or an unreadable one is no data file.
      let st;
      try {
        st = statSync(p, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (st?.isFile() && st.size > 0) files.push({ name: d.name, path: p, size: st.size });
    }
  } finally {
    dir.closeSync();
  }
  return { files };
}
