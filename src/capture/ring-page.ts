import { parseHeaderPage as parseTepHeaderPage } from '../parse/binary/tep/header-page.js';

/**
 * What `capture --format dat` needs to know of a kernel ring-buffer page (a sub-buffer, as
 * `per_cpu/cpuN/trace_pipe_raw` returns it): its layout, read from `events/header_page`, and a
 * walk that counts the events of one page and its lost-events flags. Decoding the events is the
 * trace.dat reader's job; the capture only counts, to check what it wrote against the kernel's
 * per-CPU counters.
 *
 * header_page on Linux 6.18 x86_64:
 *   field: u64 timestamp;	offset:0;	size:8;	signed:0;
 *   field: local_t commit;	offset:8;	size:8;	signed:1;
 *   field: int overwrite;	offset:8;	size:1;	signed:1;
 *   field: char data;	offset:16;	size:4080;	signed:0;
 */

export interface PageLayout {
  /** Sub-buffer size: the header plus the data area (4096 unless `buffer_subbuf_size_kb` was raised). */
  pageSize: number;
  /** Offset of the data area: 8 (timestamp) + the kernel's long. */
  dataOffset: number;
  /** The kernel's long size (the `commit` field), 4 or 8. */
  longSize: number;
}

/** The layout `header_page` describes, or undefined when its fields are missing or inconsistent. */
export function parseHeaderPage(headerPage: string): PageLayout | undefined {
  const h = parseTepHeaderPage(headerPage);
  return h ? { pageSize: h.dataOffset + h.dataSize, dataOffset: h.dataOffset, longSize: h.commitSize } : undefined;
}

/** Bits of the commit word (kernel/trace/ring_buffer.c RB_MISSED_EVENTS, RB_MISSED_STORED). */
const MISSED_EVENTS = 0x80000000;
const MISSED_STORED = 0x40000000;
const COMMIT_MASK = 0x07ffffff;

/** Event header type_len values with a special meaning (include/linux/ring_buffer.h). */
const PADDING = 29;
const TIME_EXTEND = 30;
const TIME_STAMP = 31;

export interface PageScan {
  /** Bytes of events in the page (the commit length). */
  length: number;
  events: number;
  /** Events were lost (overwritten or dropped) just before this page. */
  lost: boolean;
  /** How many, when the kernel had room to store the count after the data. */
  lostCount?: number;
}

/** Bytes of events in the page at `buf[at]` and its lost-events flags: the low 32 bits of `commit`. */
export function pageCommit(buf: Buffer, at: number, layout: PageLayout, littleEndian = true): number {
  return littleEndian ? buf.readUInt32LE(at + 8) : buf.readUInt32BE(at + 8 + layout.longSize - 4);
}

/** The data length a commit word gives. */
export function commitLength(commit: number): number {
  return commit & COMMIT_MASK;
}

/**
 * Reads the page at `buf[at]`, in this machine's byte order (the kernel's pages are copied as they
 * are). Never throws: a corrupt length ends the walk.
 */
export function scanPage(buf: Buffer, at: number, layout: PageLayout, littleEndian = true): PageScan {
  const u32 = (o: number): number => (littleEndian ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  // The low 32 bits of the long hold the length and flags (the high ones may be sign bits).
  const commit = pageCommit(buf, at, layout, littleEndian);
  const length = commitLength(commit);
  const scan: PageScan = { length, events: 0, lost: (commit & MISSED_EVENTS) !== 0 };
  const start = at + layout.dataOffset;
  const end = Math.min(start + length, at + layout.pageSize);
  if (scan.lost && (commit & MISSED_STORED) !== 0 && end + layout.longSize <= at + layout.pageSize) {
    scan.lostCount = layout.longSize === 4 ? u32(end) : Number(littleEndian ? buf.readBigUInt64LE(end) : buf.readBigUInt64BE(end));
  }
  let p = start;
  while (p + 4 <= end) {
    // The 5-bit type_len is the low bits of the word on little-endian machines, the high ones on big-endian.
    const w = u32(p);
    const typeLen = littleEndian ? w & 31 : w >>> 27;
    const delta = littleEndian ? w >>> 5 : w & 0x7ffffff;
    let size: number;
    if (typeLen === 0) {
      if (p + 8 > end) break;
      size = 4 + ((u32(p + 4) + 3) & ~3);
      scan.events++;
    } else if (typeLen <= 28) {
      size = 4 + typeLen * 4;
      scan.events++;
    } else if (typeLen === PADDING) {
      // Padding with no delta fills the rest of the page; otherwise it covers a discarded event.
      if (delta === 0 || p + 8 > end) break;
      size = 4 + u32(p + 4);
    } else {
      size = typeLen === TIME_EXTEND || typeLen === TIME_STAMP ? 8 : 4;
    }
    if (size < 4) break;
    p += size;
  }
  return scan;
}
