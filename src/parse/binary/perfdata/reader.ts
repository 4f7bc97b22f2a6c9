import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { BinaryReader } from '../reader-types.js';
import { DamagedInputError } from '../errors.js';
import { BinaryError } from '../tep/bytes.js';
import { parseKallsyms, type Kallsyms } from '../tep/kallsyms.js';
import { initZstd, zstdStream } from '../zstd.js';
import { FEAT, FILE_HEADER_BYTES } from './constants.js';
import { parseHeader, perfMagic } from './header.js';
import { perfHeaderPath } from '../../../input/perf-directory.js';

/**
 * perf.data in the binary-reader registry (../dispatch.ts): magic `PERFILE2` (byte-swapped on a
 * big-endian recording), file or pipe mode, `perf record -z` too, and the directory `perf record
 * --threads` writes (directory.ts). A damaged header, attribute or
 * feature section is refused as a DamagedInputError (one line, exit 2); damage in the records is a
 * `binary_damaged` diagnostic after the events before it.
 */

let kallsyms: { path: string; syms: Kallsyms } | undefined;
/** Carries the path to the parsing thread of a large file (workers get a copy of the environment). */
const ENV = 'IOPATH_KALLSYMS';

/**
 * `--kallsyms FILE`: `/proc/kallsyms` of the boot a perf.data was recorded on, to name the
 * functions of work items (perf.data stores no symbols). Process-wide: the CLI sets it once.
 */
export function useKallsyms(path: string | undefined): void {
  if (path === undefined) {
    kallsyms = undefined;
    delete process.env[ENV];
    return;
  }
  kallsyms = { path, syms: parseKallsyms(readFileSync(path, 'latin1')) };
  process.env[ENV] = path;
}

/** The kallsyms `--kallsyms` set, in this thread or (by its environment) the thread that started it. */
export function currentKallsyms(): Kallsyms | undefined {
  const path = process.env[ENV];
  if (path !== undefined && kallsyms?.path !== path) useKallsyms(path);
  return kallsyms?.syms;
}

/**
 * Whether the records may come compressed: a file-mode header says so by its COMPRESSED feature
 * bit; pipe mode says nothing before its records. An uncompressed file is read without starting
 * zstd (its WebAssembly module costs ~70 ms of CPU and 13–18 MB resident). A header that does not
 * parse says yes: the reader reports what is wrong with it.
 */
function mayBeCompressed(input: string | Uint8Array): boolean {
  try {
    let head: Uint8Array;
    if (typeof input === 'string') {
      head = new Uint8Array(FILE_HEADER_BYTES);
      const fd = openSync(perfHeaderPath(input), 'r');
      try {
        head = head.subarray(0, readSync(fd, head, 0, FILE_HEADER_BYTES, 0));
      } finally {
        closeSync(fd);
      }
    } else head = input.subarray(0, FILE_HEADER_BYTES);
    const h = parseHeader(head);
    return h.pipe || h.features.includes(FEAT.COMPRESSED);
  } catch {
    return true;
  }
}

export const PERF_DATA_READER: BinaryReader = {
  format: 'perf.data',
  magicBytes: 8,
  matches: (head) => perfMagic(head) !== null,
  async read(source, onEvent, opts) {
    // The reader proper is loaded only for a perf.data: a run over text never pays for it.
    const [{ readPerfData }, { perfDecoderFactory }] = await Promise.all([import('./read.js'), import('./tep-decoder.js')]);
    if (mayBeCompressed('path' in source ? source.path : source.bytes)) await initZstd();
    try {
      const r = await readPerfData('path' in source ? source.path : source.bytes, onEvent, {
        makeDecoder: perfDecoderFactory({ payloads: opts.payloads ?? 'all', kallsyms: currentKallsyms() }),
        zstd: zstdStream,
        diagnostics: opts.diagnostics,
        label: opts.label,
        pace: opts.pace,
        onProgress: opts.onProgress ? (bytes) => opts.onProgress?.(bytes, false) : undefined,
      });
      return {
        format: 'perf.data',
        detection: null,
        read: { bytes: r.bytes, lines: r.events, gzip: false },
        events: r.events,
        cpusHeader: r.meta.cpusOnline,
        baseSec: r.baseSec,
        recording: r.scope,
        diagnostics: opts.diagnostics,
      };
    } catch (err) {
      if (err instanceof BinaryError) throw new DamagedInputError(opts.label, `damaged perf.data: ${err.message}`);
      throw err;
    }
  },
};
