import { describe, expect, it } from 'vitest';
import { newSlotGeneration, slotsFor, slotsOf } from '../../../src/analyze/layers/path-slots.js';
import type { IoPath } from '../../../src/model/io.js';

const path = (): IoPath => ({ id: 1, unit: 'dio', dir: 'W', bytes: 4096, mode: 'irq-inline', evidence: 'iomap_dio_complete' });

describe('per-path slots of the layer tracker', () => {
  it('are invisible to JSON, keys, spreads, clones and comparisons', () => {
    const p = path();
    const before = JSON.stringify(p);
    const s = slotsFor(newSlotGeneration(), p);
    s.hops = [{ fn: 'iomap_dio_complete_work', workqueue: 'dio/vda', device: '254:0', label: 'DIO completion' }];
    s.servicing = true;
    expect(JSON.stringify(p)).toBe(before);
    expect(Object.keys(p)).toEqual(Object.keys(path()));
    expect({ ...p }).toStrictEqual(path());
    expect(structuredClone(p)).toStrictEqual(path());
    expect(p).toEqual(path());
  });

  it('belong to one generation: a new tracker state finds none, and writes its own', () => {
    const p = path();
    const g1 = newSlotGeneration();
    const g2 = newSlotGeneration();
    expect(slotsOf(g1, p)).toBeUndefined();
    slotsFor(g1, p).meta = true;
    expect(slotsOf(g1, p)?.meta).toBe(true);
    expect(slotsOf(g2, p)).toBeUndefined();
    expect(slotsFor(g2, p).meta).toBe(false);
    // The newer generation replaced the older's slots.
    expect(slotsOf(g1, p)).toBeUndefined();
    expect(slotsFor(g2, p)).toBe(slotsFor(g2, p));
  });
});
