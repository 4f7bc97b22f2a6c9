/**
 * Kernel ring-buffer pages made by hand for the fake tracefs's `trace_pipe_raw` files, laid out as
 * include/linux/ring_buffer.h and kernel/trace/ring_buffer.c write them on x86_64: a u64 page
 * timestamp, a u64 commit (data length; bit 31 events lost before the page, bit 30 their count
 * stored after the data), then events: a u32 header (type_len 5 bits, time delta 27 bits) and the
 * payload; type_len 1..28 for payloads up to 112 bytes, 0 with a length word otherwise; type 30
 * extends the time delta past 27 bits; type 29 with a length covers a discarded event.
 */

export const PAGE_SIZE = 4096;
const DATA_OFFSET = 16;
const CAPACITY = PAGE_SIZE - DATA_OFFSET;

export interface RawEvent {
  ts: bigint;
  /** The format's ID (common_type). */
  id: number;
  pid: number;
  flags?: number;
  /** The fields after the 8-byte common header, laid out at their format offsets minus 8. */
  fields: Buffer;
  /** Write it with a length word (type_len 0) even when small, as 64-bit-aligned kernels do. */
  long?: boolean;
  /** Put a discarded-event padding record before it. */
  paddingBefore?: number;
}

export interface PageOptions {
  /** Page indexes (0-based) flagged "events lost before this page", with the count stored when given. */
  lost?: Map<number, number | undefined>;
  /** Events per page at most (to make pages end early, as when the reader takes a partial page). */
  maxPerPage?: number;
}

function payloadOf(e: RawEvent): Buffer {
  const common = Buffer.alloc(8);
  common.writeUInt16LE(e.id, 0);
  common.writeUInt8(e.flags ?? 0, 2);
  common.writeInt32LE(e.pid, 4);
  const body = Buffer.concat([common, e.fields]);
  return Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
}

function header(typeLen: number, delta: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(((delta << 5) | typeLen) >>> 0);
  return b;
}

function word(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

/** The records for one event at `delta` ns after the previous one (a time extend first when needed). */
function records(e: RawEvent, delta: bigint): Buffer[] {
  const out: Buffer[] = [];
  // A discarded event: its length word counts itself and what follows (rb_event_discard).
  if (e.paddingBefore !== undefined) out.push(header(29, 1), word(e.paddingBefore + 4), Buffer.alloc(e.paddingBefore));
  let d = delta;
  if (d >= 1n << 27n) {
    out.push(header(30, Number(d & 0x7ffffffn)), word(Number(d >> 27n)));
    d = 0n;
  }
  const p = payloadOf(e);
  if (!e.long && p.length <= 112) out.push(header(p.length / 4, Number(d)), p);
  else out.push(header(0, Number(d)), word(p.length + 4), p);
  return out;
}

/** Pages holding `events` (in time order) for one CPU. */
export function makePages(events: readonly RawEvent[], o: PageOptions = {}): Buffer {
  const pages: Buffer[] = [];
  let i = 0;
  while (i < events.length) {
    const first = events[i]!;
    const parts: Buffer[] = [];
    let used = 0;
    let prev = first.ts;
    let n = 0;
    while (i < events.length && n < (o.maxPerPage ?? Infinity)) {
      const e = events[i]!;
      const recs = records(e, e.ts - prev);
      const len = recs.reduce((s, b) => s + b.length, 0);
      if (used + len > CAPACITY - 8) break;
      parts.push(...recs);
      used += len;
      prev = e.ts;
      i++;
      n++;
    }
    const page = Buffer.alloc(PAGE_SIZE);
    page.writeBigUInt64LE(first.ts, 0);
    let commit = used;
    const lost = o.lost?.get(pages.length);
    if (o.lost?.has(pages.length)) {
      commit |= 0x80000000;
      if (lost !== undefined) {
        commit |= 0x40000000;
        page.writeBigUInt64LE(BigInt(lost), DATA_OFFSET + used);
      }
    }
    page.writeBigUInt64LE(BigInt(commit >>> 0), 8);
    Buffer.concat(parts).copy(page, DATA_OFFSET);
    pages.push(page);
  }
  return Buffer.concat(pages);
}
