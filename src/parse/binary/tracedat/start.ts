import { cursor } from '../tep/bytes.js';
import { readTracingStart } from '../tep/tracing-start.js';
import type { ByteSource } from './source.js';

/**
 * Only v7 compresses: a v6 file (what `capture` writes) is read without starting zstd, whose
 * WebAssembly heap adds 13–18 MB to the resident set. A header that does not read says yes: the
 * layout reader then reports what is wrong with it.
 */
export function mayBeCompressed(src: ByteSource): boolean {
  try {
    return readTracingStart(cursor(src.read(0, Math.min(src.size, 64), 'file header'), true)).version !== '6';
  } catch {
    return true;
  }
}
