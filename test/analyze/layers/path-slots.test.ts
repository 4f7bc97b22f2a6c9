import { describe, expect, it } from 'vitest';
import { newSlotGeneration, slotsFor, slotsOf } from '../../../src/analyze/layers/path-slots.js';
import type { IoPath } from '../../../src/model/io.js';
import { newPathObject } from '../../../src/analyze/path-object.js';

const path = (): IoPath => ({ id: 1, unit: 'dio', dir: 'W', bytes: 4096, mode: 'unresolved', evidence: 'none' });
/** An IoPath made by hand (symbol slot) and one made as the analyzer makes them (private field). */
const kinds: [string, () => IoPath][] = [
  ['a literal', path],
  ['the analyzer’s path object', () => newPathObject(1, 'dio', 'W', 4096)],
];

describe.each(kinds)('per-path slots of the layer tracker, on %s', (_, make) => {
  it('are invisible to JSON, keys, spreads, clones and comparisons', () => {
    const p = make();
    const before = JSON.stringify(p);
    const s = slotsFor(newSlotGeneration(), p);
    s.hops = [{ fn: 'iomap_dio_complete_work', workqueue: 'dio/vda', device: '254:0', label: 'DIO completion' }];
    s.servicing = true;
    expect(JSON.stringify(p)).toBe(before);
    expect(Object.keys(p)).toEqual(Object.keys(path()));
    expect({ ...p }).toStrictEqual(path());
    expect(structuredClone(p)).toStrictEqual(path());
    expect(JSON.stringify(p)).toBe(JSON.stringify(path()));
    expect(p).toEqual(path());
  });

  it('belong to one generation: a new tracker state finds none, and writes its own', () => {
    const p = make();
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
