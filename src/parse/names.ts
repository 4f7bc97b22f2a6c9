import { detach } from '../input/lines.js';

/**
 * Shared copies of the short, endlessly repeated strings of a trace: event and system names,
 * function names, flag sets. A trace has a few dozen of each, so looking a slice up here costs
 * less than allocating it again, and the copy kept does not pin the 1 MiB chunk the line was cut
 * from (a slice of 13 characters or more would).
 *
 * The lookup never allocates on a hit: a slot chosen from the length and three characters holds
 * the last string seen there, compared in place with `startsWith`.
 */

const SLOTS = 1024;
const slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const pool = new Map<string, string>();
const POOL_MAX = 65536;

export function internName(s: string, start: number, end: number): string {
  const len = end - start;
  if (len <= 0) return '';
  const h = (len * 31 + s.charCodeAt(start) * 7 + s.charCodeAt(end - 1) * 13 + s.charCodeAt(start + (len >> 1))) & (SLOTS - 1);
  const hit = slots[h];
  if (hit !== undefined && hit.length === len && s.startsWith(hit, start)) return hit;
  const slice = s.slice(start, end);
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
