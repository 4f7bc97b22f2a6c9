import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWindowCounter } from '../../src/stats/windows.js';

const MS = 1_000_000;

describe('window counter', () => {
  it('counts per window from the start and leaves out the open last window', () => {
    const w = createWindowCounter({ windowNs: 10 * MS, startNs: 1000 * MS });
    for (const t of [1000, 1001, 1009.9, 1010, 1025, 1031]) w.add(t * MS);
    const r = w.finish();
    expect(r.windowNs).toBe(10 * MS);
    expect(r.startNs).toBe(1000 * MS);
    expect(Array.from(r.counts)).toEqual([3, 1, 1]);
    expect(r.excluded).toBe(1);
  });

  it('with an end time keeps trailing empty windows (a stall is a real zero)', () => {
    const w = createWindowCounter({ windowNs: 10 * MS });
    w.add(0);
    w.add(5 * MS, 4096);
    const r = w.finish(45 * MS);
    expect(Array.from(r.counts)).toEqual([4097, 0, 0, 0]);
    expect(r.excluded).toBe(0);
    expect(w.total).toBe(4097);
  });

  it('excludes events before the start', () => {
    const w = createWindowCounter({ windowNs: 10, startNs: 100 });
    w.add(99);
    w.add(100);
    w.add(125);
    expect(w.finish(120)).toMatchObject({ excluded: 2 });
  });

  it('coarsens past maxWindows, keeping every total and bounded memory', () => {
    const w = createWindowCounter({ windowNs: 1, maxWindows: 8 });
    for (let t = 0; t < 100; t++) w.add(t);
    const r = w.finish(100);
    expect(r.windowNs).toBe(16);
    expect(r.counts.length).toBeLessThanOrEqual(8);
    expect(Array.from(r.counts)).toEqual([16, 16, 16, 16, 16, 16]);
    expect(r.excluded).toBe(4);
  });

  it('never loses or double-counts an amount (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 5 }))),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 2, max: 64 }),
        fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: undefined }),
        (events, windowNs, maxWindows, endNs) => {
          const w = createWindowCounter({ windowNs, maxWindows, startNs: 0 });
          for (const [t, a] of events) w.add(t, a);
          const r = w.finish(endNs);
          const kept = r.counts.reduce((x, y) => x + y, 0);
          expect(kept + r.excluded).toBe(events.reduce((x, [, a]) => x + a, 0));
          expect(r.counts.length).toBeLessThanOrEqual(maxWindows);
          // Each kept event sits in its window.
          const expected = new Float64Array(r.counts.length);
          for (const [t, a] of events) {
            const i = Math.floor(t / r.windowNs);
            if (i < expected.length) expected[i]! += a;
          }
          expect(Array.from(r.counts)).toEqual(Array.from(expected));
        },
      ),
    );
  });
});
