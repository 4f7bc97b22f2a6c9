import { describe, expect, it } from 'vitest';
import type { BlockSource } from '../../../../src/parse/binary/tracedat/cpu-blocks.js';
import { createRecordCursor, defaultPageHeader, type RingFormat } from '../../../../src/parse/binary/tracedat/ring-records.js';
import { DEFAULT_EVENT_HEADER } from '../../../../src/parse/binary/tep/header-page.js';

/**
 * Ring-buffer pages built by hand, item by item as kernel/trace/ring_buffer.c writes them, in both
 * byte orders: data events of every length encoding, time extends, absolute timestamps (top bits
 * kept from the current time), padding (discarded events and the rest-of-page form), the lost
 * events flag with and without a stored count, and damage.
 */

const PAGE = 256;

type Item =
  | { data: number[]; delta: number; long?: boolean }
  | { extend: number; delta: number }
  | { absolute: bigint }
  | { pad: number; delta: number }
  | { padRest: true };

function word(typeLen: number, delta: number, little: boolean): number {
  return little ? ((delta << 5) | typeLen) >>> 0 : ((typeLen << 27) | delta) >>> 0;
}

function page(ts: bigint, items: Item[], little: boolean, opts: { lost?: number | 'uncounted'; commit?: number } = {}): Uint8Array {
  const b = new Uint8Array(PAGE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, ts, little);
  let p = 16;
  const u32 = (x: number): void => {
    v.setUint32(p, x >>> 0, little);
    p += 4;
  };
  for (const it of items) {
    if ('data' in it) {
      if (it.long) {
        u32(word(0, it.delta, little));
        u32(it.data.length * 4 + 4);
      } else u32(word(it.data.length, it.delta, little));
      for (const d of it.data) u32(d);
    } else if ('extend' in it) {
      u32(word(30, it.delta, little));
      u32(it.extend);
    } else if ('absolute' in it) {
      u32(word(31, Number(it.absolute & 0x7ffffffn), little));
      u32(Number((it.absolute >> 27n) & 0xffffffffn));
    } else if ('pad' in it) {
      u32(word(29, it.delta, little));
      u32(it.pad);
      p += it.pad - 4;
    } else {
      u32(word(29, 0, little));
    }
  }
  let commit = opts.commit ?? p - 16;
  if (opts.lost !== undefined) {
    commit |= 0x80000000;
    if (opts.lost !== 'uncounted') {
      commit |= 0x40000000;
      v.setBigUint64(p, BigInt(opts.lost), little);
    }
  }
  v.setBigUint64(8, BigInt(commit >>> 0), little);
  return b;
}

function blocks(pages: Uint8Array[]): BlockSource {
  let i = 0;
  return { next: () => pages[i++] ?? null, consumed: 0 };
}

function records(pages: Uint8Array[], little: boolean, base = 0n): { ts: number; first: number; size: number; lost: number }[] {
  const fmt: RingFormat = { pageSize: PAGE, little, page: defaultPageHeader(8, PAGE), header: DEFAULT_EVENT_HEADER };
  const damage: string[] = [];
  const c = createRecordCursor(0, blocks(pages), fmt, (m) => damage.push(m));
  const out: { ts: number; first: number; size: number; lost: number }[] = [];
  c.setBase(base);
  while (c.advance()) out.push({ ts: c.ts, first: c.view.getUint32(c.start, little), size: c.size, lost: c.lost });
  if (damage.length) out.push({ ts: -1, first: damage.length, size: 0, lost: 0 });
  return out;
}

describe.each([true, false])('little-endian %s', (little) => {
  it('deltas, long events, time extends and absolute timestamps', () => {
    const base = 1_000_000_000_000n;
    const got = records(
      [
        page(
          base,
          [
            { data: [1, 2], delta: 10 },
            { data: [3], delta: 5, long: true },
            { extend: 3, delta: 7 },
            { data: [4], delta: 1 },
            // An absolute stamp carries 59 bits; the top 5 stay those of the current time.
            { absolute: base + 5_000_000_000n },
            { data: [5, 6, 7], delta: 2 },
          ],
          little,
        ),
      ],
      little,
    );
    expect(got).toEqual([
      { ts: 1_000_000_000_010, first: 1, size: 8, lost: 0 },
      { ts: 1_000_000_000_015, first: 3, size: 4, lost: 0 },
      { ts: 1_000_000_000_015 + 3 * 2 ** 27 + 7 + 1, first: 4, size: 4, lost: 0 },
      { ts: 1_005_000_000_002, first: 5, size: 12, lost: 0 },
    ]);
  });

  it('an absolute timestamp keeps the top 5 bits of the current time (a clock past 2^59)', () => {
    const base = 0x0900_0000_0000_0000n;
    const got = records([page(base + 10n, [{ data: [1], delta: 0 }, { absolute: base + 1_000n }, { data: [2], delta: 3 }], little)], little, base);
    expect(got.map((r) => r.ts)).toEqual([10, 1_003]);
  });

  it('padding: a discarded event keeps its delta; delta 0 ends the page', () => {
    const got = records([page(100n, [{ data: [1], delta: 1 }, { pad: 12, delta: 4 }, { data: [2], delta: 2 }, { padRest: true }, { data: [9], delta: 1 }], little), page(500n, [{ data: [3], delta: 0 }], little)], little);
    expect(got.map((r) => [r.ts, r.first])).toEqual([
      [101, 1],
      [107, 2],
      [500, 3],
    ]);
  });

  it('lost events: counted and uncounted, reported with the first record after them', () => {
    const got = records([page(1n, [{ data: [1], delta: 0 }], little), page(2n, [{ data: [2], delta: 0 }, { data: [3], delta: 1 }], little, { lost: 42 }), page(3n, [{ data: [4], delta: 0 }], little, { lost: 'uncounted' })], little);
    expect(got.map((r) => r.lost)).toEqual([0, 42, 0, -1]);
  });

  it('damage: a commit larger than the page, an event past the data; the next page is read', () => {
    const got = records([page(1n, [{ data: [1], delta: 0 }], little, { commit: PAGE }), page(2n, [{ data: [2, 2, 2], delta: 0 }], little, { commit: 8 }), page(3n, [{ data: [3], delta: 0 }], little)], little);
    expect(got).toEqual([
      { ts: 3, first: 3, size: 4, lost: 0 },
      { ts: -1, first: 2, size: 0, lost: 0 },
    ]);
  });
});
