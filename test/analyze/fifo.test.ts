import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pushFifo, removeAt, takeFifo } from '../../src/analyze/fifo.js';

describe('FIFOs in a map', () => {
  it('removeAt removes exactly element i, as splice(i, 1) does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 40 }), fc.nat(), (xs, n) => {
        const i = n % xs.length;
        const a = xs.slice();
        const b = xs.slice();
        removeAt(a, i);
        b.splice(i, 1);
        expect(a).toEqual(b);
      }),
    );
  });

  it('takes the oldest match and drops the key when its queue empties', () => {
    const m = new Map<string, number[]>();
    for (const v of [1, 2, 3, 4]) pushFifo(m, 'k', v);
    expect(takeFifo(m, 'k', (v) => v % 2 === 0)).toBe(2);
    expect(takeFifo(m, 'k')).toBe(1);
    expect(takeFifo(m, 'k', (v) => v > 9)).toBeUndefined();
    expect(m.get('k')).toEqual([3, 4]);
    expect(takeFifo(m, 'k')).toBe(3);
    expect(takeFifo(m, 'k')).toBe(4);
    expect(m.has('k')).toBe(false);
  });
});
