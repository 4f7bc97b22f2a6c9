import type { EventHeaderLayout, PageHeader } from '../tep/header-page.js';
import type { BlockSource } from './cpu-blocks.js';

/**
 * The records of one CPU's ring-buffer pages, in order, with their timestamps
 * (kernel/trace/ring_buffer.c; libtraceevent src/kbuffer-parse.c):
 *
 *   page:   u64 timestamp | long commit (bits 0–26 data length; bit 31 events were lost before
 *           this page; bit 30 their count is stored after the data) | events
 *   event:  u32 header (type_len, time_delta); type_len 1–28: payload of type_len × 4 bytes;
 *           0: next u32 = length + 4, payload after it; 29 padding (delta 0: rest of page);
 *           30 time extend (ts += next u32 << 27 | delta); 31 absolute timestamp
 *
 * A cursor, not an iterator, so the merge loop allocates nothing per record: after `advance()`
 * returns true, `ts`, `start`, `size` (in `bytes`) and `lost` describe the current record. Time
 * is kept as a number relative to a BigInt base (`setBase`), so nanoseconds stay exact whatever
 * the uptime. Damage (a length running past the page, an impossible commit) ends the page and is
 * reported through `onDamage`; the next page is read normally.
 */

export interface RingFormat {
  pageSize: number;
  little: boolean;
  page: PageHeader;
  header: EventHeaderLayout;
}

export interface RecordCursor {
  readonly cpu: number;
  ts: number;
  bytes: Uint8Array;
  view: DataView;
  start: number;
  size: number;
  /** Events lost just before the current record: 0 none, -1 lost but not counted, else the count. */
  lost: number;
  advance(): boolean;
  /** Absolute timestamp (file clock units) of the current record. */
  absolute(): bigint;
  /** Makes `ts` relative to `base` from now on (and for the current record). */
  setBase(base: bigint): void;
}

const TS_MSB = 0xf8n << 56n;

/** The page header layout for a kernel long size when the file has no header_page. */
export function defaultPageHeader(longSize: number, pageSize: number): PageHeader {
  return { timestampOffset: 0, timestampSize: 8, commitOffset: 8, commitSize: longSize, dataOffset: 8 + longSize, dataSize: pageSize - 8 - longSize };
}

export function createRecordCursor(cpu: number, blocks: BlockSource, fmt: RingFormat, onDamage: (message: string) => void): RecordCursor {
  const { pageSize, little } = fmt;
  const { commitOffset, commitSize, dataOffset, timestampOffset } = fmt.page;
  const { padding: PAD, timeExtend: EXT, timeStamp: ABS, dataMaxTypeLen: MAXLEN } = fmt.header;
  const typeBits = fmt.header.typeLenBits;
  const deltaBits = fmt.header.timeDeltaBits;
  const typeMask = (1 << typeBits) - 1;
  const deltaMask = deltaBits >= 32 ? 0xffffffff : (1 << deltaBits) - 1;
  const extShift = 2 ** deltaBits;

  let block: Uint8Array | null = null;
  let view: DataView = new DataView(new ArrayBuffer(0));
  let pageAt = 0;
  /** Offsets in the block: next item, end of the current page's data. */
  let pos = 0;
  let dataEnd = 0;
  let pageAbs = 0n;
  let base = 0n;
  let pageRel = 0;
  /** Raw time since the page's timestamp. */
  let within = 0;
  let pendingLost = 0;
  let pageNo = 0;

  const cur: RecordCursor = {
    cpu,
    ts: 0,
    bytes: new Uint8Array(0),
    view,
    start: 0,
    size: 0,
    lost: 0,
    advance,
    absolute: () => pageAbs + BigInt(within),
    setBase(b) {
      base = b;
      pageRel = Number(pageAbs - base);
      cur.ts = pageRel + within;
    },
  };

  function readU32(at: number): number {
    return view.getUint32(at, little);
  }

  /** Loads the next page; false at the end of the data. */
  function nextPage(): boolean {
    for (;;) {
      if (block && pageAt + 2 * pageSize <= block.length) pageAt += pageSize;
      else {
        let b: Uint8Array | null;
        try {
          b = blocks.next();
        } catch (err) {
          onDamage((err as Error).message);
          b = null;
        }
        if (!b) {
          block = null;
          return false;
        }
        block = b;
        view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        cur.bytes = b;
        cur.view = view;
        pageAt = 0;
      }
      pageNo++;
      pageAbs = view.getBigUint64(pageAt + timestampOffset, little);
      pageRel = Number(pageAbs - base);
      within = 0;
      // The commit word is a kernel long: its low 32 bits carry the length and flags.
      const commit = commitSize === 8 ? view.getUint32(pageAt + commitOffset + (little ? 0 : 4), little) : view.getUint32(pageAt + commitOffset, little);
      const length = commit & 0x7ffffff;
      if (dataOffset + length > pageSize) {
        onDamage(`CPU ${cpu} page ${pageNo}: a commit of ${length} bytes is larger than the page (${pageSize}); page skipped`);
        continue;
      }
      if (commit & 0x80000000) {
        let lost = -1;
        if (commit & 0x40000000 && dataOffset + length + commitSize <= pageSize) {
          const at = pageAt + dataOffset + length;
          lost = commitSize === 8 ? Number(view.getBigUint64(at, little)) : readU32(at);
        }
        // Several flagged pages before one record: counts add up, an uncounted loss stays uncounted.
        pendingLost = pendingLost < 0 || lost < 0 ? -1 : pendingLost + lost;
      }
      pos = pageAt + dataOffset;
      dataEnd = pos + length;
      return true;
    }
  }

  function advance(): boolean {
    for (;;) {
      if (!block || pos >= dataEnd) {
        if (!nextPage()) return false;
        continue;
      }
      if (pos + 4 > dataEnd) {
        onDamage(`CPU ${cpu} page ${pageNo}: an event header runs past the page's data`);
        pos = dataEnd;
        continue;
      }
      const w = readU32(pos);
      const typeLen = little ? w & typeMask : w >>> (32 - typeBits);
      const delta = little ? w >>> typeBits : w & deltaMask;
      if (typeLen === 0 || typeLen <= MAXLEN) {
        let start: number;
        let size: number;
        if (typeLen === 0) {
          if (pos + 8 > dataEnd) {
            onDamage(`CPU ${cpu} page ${pageNo}: an event length runs past the page's data`);
            pos = dataEnd;
            continue;
          }
          const len = readU32(pos + 4);
          size = ((len - 4 + 3) & ~3) >>> 0;
          start = pos + 8;
          if (len < 4) {
            onDamage(`CPU ${cpu} page ${pageNo}: an event of length ${len}`);
            pos = dataEnd;
            continue;
          }
        } else {
          size = typeLen * 4;
          start = pos + 4;
        }
        if (start + size > dataEnd) {
          onDamage(`CPU ${cpu} page ${pageNo}: an event of ${size} bytes runs past the page's data`);
          pos = dataEnd;
          continue;
        }
        within += delta;
        pos = start + size;
        cur.ts = pageRel + within;
        cur.start = start;
        cur.size = size;
        cur.lost = pendingLost;
        pendingLost = 0;
        return true;
      }
      if (typeLen === PAD) {
        within += delta;
        // Delta 0: the rest of the page is unused (a discarded event at the end).
        if (delta === 0 || pos + 8 > dataEnd) {
          pos = dataEnd;
          continue;
        }
        const len = readU32(pos + 4);
        pos += 4 + len;
        if (len < 4) pos = dataEnd;
        continue;
      }
      if (pos + 8 > dataEnd) {
        onDamage(`CPU ${cpu} page ${pageNo}: a time extend runs past the page's data`);
        pos = dataEnd;
        continue;
      }
      const hi = readU32(pos + 4);
      pos += 8;
      if (typeLen === EXT) within += hi * extShift + delta;
      else if (typeLen === ABS) {
        // Absolute stamps carry 59 bits: the top 5 come from the current time.
        const now = pageAbs + BigInt(within);
        const abs = ((BigInt(hi) << BigInt(deltaBits)) + BigInt(delta)) | (now & TS_MSB);
        within = Number(abs - pageAbs);
      }
    }
  }

  return cur;
}
