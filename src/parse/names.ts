import { detach, SLICE_MIN_LENGTH } from '../input/lines.js';

/**
 * Shared copies of the short, endlessly repeated strings of a trace: event and system names,
 * function names, flag sets. A trace has a few dozen of each, so looking a slice up here costs
 * less than allocating it again, and the copy kept does not pin the 1 MiB chunk the line was cut
 * from (a slice of SLICE_MIN_LENGTH characters or more would).
 *
 * A slot chosen from the length and three characters holds the last string seen there; a hit
 * costs a slice (a small header pointing into the text) and a native compare. Shorter strings
 * are simply sliced: V8 copies those anyway, and a copy costs less than the
 * lookup.
 */

const SLOTS = 1024;
const slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const pool = new Map<string, string>();
const POOL_MAX = 65536;

export function internName(s: string, start: number, end: number): string {
  const len = end - start;
  if (len <= 0) return '';
  // V8 copies a slice this short instead of pointing into the chunk: nothing to share or to pin.
  if (len < SLICE_MIN_LENGTH) return s.slice(start, end);
  const h = (len * 31 + s.charCodeAt(start) * 7 + s.charCodeAt(end - 1) * 13 + s.charCodeAt(start + (len >> 1))) & (SLOTS - 1);
  const slice = s.slice(start, end);
  const hit = slots[h];
  // `===` compares natively; it beats startsWith at a position, which reads character by character.
  if (hit === slice) return hit;
  let v = pool.get(slice);
  if (v === undefined) {
    if (pool.size >= POOL_MAX) pool.clear();
    v = detach(slice);
    pool.set(v, v);
  }
  slots[h] = v;
  return v;
}

/** `internName` for a whole string (e.g. a payload field already cut). */
export function intern(s: string): string {
  return internName(s, 0, s.length);
}
