import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../src/model/events.js';
import { createHeldRecords } from '../../../../src/parse/binary/perfdata/held.js';

describe('held records of the reorder window', () => {
  it('keeps every slot as written while the ring grows, slots freed mostly in order and some late', () => {
    const h = createHeldRecords();
    let x = 7;
    const rand = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    /** Slot → what was written into it. */
    const live = new Map<number, number>();
    const fifo: number[] = [];
    const lost: TraceEvent = { kind: 'lost', line: 1, ts: 2, cpu: 0, pid: -1, comm: '', count: 3, form: 'perf' };
    for (let i = 0; i < 60_000; i++) {
      // A window that widens to ~20 000 slots (past the ring's first size), then narrows.
      const target = i < 30_000 ? i / 1.5 : 20_000 - (i - 30_000) / 2;
      while (fifo.length > target) {
        // Mostly the oldest; now and then one from the middle (a late event released early).
        const at = rand(20) === 0 ? rand(fifo.length) : 0;
        const k = fifo.splice(at, 1)[0] as number;
        const v = live.get(k) as number;
        if (v % 11 === 0) expect(h.made(k)).toBe(lost);
        else {
          expect(h.made(k)).toBeUndefined();
          expect([h.block(k), h.rawAt(k), h.rawLen(k), h.attr(k), h.line(k), h.ts(k), h.cpu(k), h.pid(k), h.comm(k)]).toEqual([v % 97, v, v % 13 === 0 ? -1 : v % 300, v % 5, v + 1, v * 1e6 + 0.5, v % 8, v % 13 === 0 ? -1 : v, `t${v % 17}`]);
        }
        h.free(k);
        live.delete(k);
      }
      const k = i % 11 === 0 ? h.event(lost) : h.record(i % 97, i, i % 13 === 0 ? -1 : i % 300, i % 5, i + 1, i * 1e6 + 0.5, i % 8, i % 13 === 0 ? -1 : i, `t${i % 17}`);
      expect(live.has(k)).toBe(false);
      live.set(k, i);
      fifo.push(k);
    }
    // Integers come back as int32 (a double would be boxed where it is stored or used as an index).
    const k = h.record(3, 4, 5, 1, 6, 7.5, 2, 9, 'x');
    expect(Object.is(h.cpu(k), 2) && Number.isInteger(h.line(k))).toBe(true);
  });
});
