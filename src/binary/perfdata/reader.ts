import type { BinaryReader } from '../dispatch.js';
import { DamagedInputError } from '../errors.js';

/**
 * perf.data: recognised here so that it is not read as text, but not decoded yet. This stub is the
 * one place the perf.data reader plugs in (BINARY_READERS in ../dispatch.ts lists it).
 *
 * Magic: `PERFILE2` (a file written on a big-endian machine has it byte-swapped, `2ELIFREP`); the
 * same in pipe mode, whose header size is 16.
 */

const MAGIC = Buffer.from('PERFILE2', 'latin1');
const SWAPPED = Buffer.from('2ELIFREP', 'latin1');

export const PERF_DATA_READER: BinaryReader = {
  format: 'perf.data',
  magicBytes: 8,
  matches: (head) => {
    const h = Buffer.from(head.buffer, head.byteOffset, Math.min(8, head.length));
    return h.equals(MAGIC) || h.equals(SWAPPED);
  },
  read(_source, _onEvent, opts) {
    return Promise.reject(new DamagedInputError(opts.label, 'perf.data support is not built yet: print it with `perf script` and analyze the text'));
  },
};
