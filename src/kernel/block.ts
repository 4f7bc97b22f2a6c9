import { boundedMemo, itself } from '../model/memo.js';
import { NS_PER_S } from '../model/time.js';

/**
 * Block-layer facts: the request timeout and what a request's `rwbs` string says (blk_fill_rwbs,
 * kernel/trace/blktrace.c): an optional `F` (preflush), then the op: `W` write, `R` read, `D`
 * discard (`DE` secure erase), `F` flush, `N` anything else (write-zeroes among them); then the
 * flags `F` (FUA), `A` (readahead), `S` (sync), `M` (meta). Kernels before 4.8 print a discard as
 * a write with `D` (`WD`), so any `D`, `E` or `N` marks a request that moves no data.
 */

/** blk-mq's default request timeout (blk_mq_init_allocated_queue: `30 * HZ`). */
export const BLOCK_TIMEOUT_NS = 30 * NS_PER_S;

export type RwbsKind = 'data' | 'discard' | 'flush' | 'other';

/** The direction of a data request ('' for a request that moves no data, or an unreadable rwbs). */
export function rwbsDirection(rwbs: string): 'R' | 'W' | '' {
  if (rwbsKind(rwbs) !== 'data') return '';
  for (let i = 0; i < rwbs.length; i++) {
    const c = rwbs[i];
    if (c === 'R') return 'R';
    if (c === 'W') return 'W';
  }
  return '';
}

/** What a request with this rwbs does: move data, discard, flush, or another op (`N`: write-zeroes among them). */
export const rwbsKind: (rwbs: string) => RwbsKind = boundedMemo(
  itself<string>,
  (rwbs: string): RwbsKind => {
    if (rwbs.includes('D') || rwbs.includes('E')) return 'discard';
    if (rwbs.includes('N')) return 'other';
    if (rwbs.includes('R') || rwbs.includes('W')) return 'data';
    return rwbs.includes('F') ? 'flush' : 'other';
  },
  // A trace prints a few rwbs strings over and over, asked several times per request.
  1024,
);
