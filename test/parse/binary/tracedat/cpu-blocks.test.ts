import { describe, expect, it } from 'vitest';
import { plainBlocks } from '../../../../src/parse/binary/tracedat/cpu-blocks.js';
import { memorySource } from '../../../../src/parse/binary/tracedat/source.js';

/**
 * An uncompressed CPU section is read in blocks of whole pages that cover it in order, and the
 * blocks stay small whatever the section's size: a decoded event may keep its block alive, so a
 * large block is memory held (cpu-blocks.ts, READ_BYTES).
 */

const PAGE = 4096;

describe('plainBlocks', () => {
  it('reads a 3 MiB section in order, in whole pages of at most 64 KiB', () => {
    const pages = 768;
    const bytes = new Uint8Array(100 + pages * PAGE);
    // Each page starts with its own number, so order and coverage can be checked.
    for (let p = 0; p < pages; p++) new DataView(bytes.buffer).setUint32(100 + p * PAGE, p, true);
    const blocks = plainBlocks(memorySource(bytes), { cpu: 0, offset: 100, size: pages * PAGE }, PAGE);
    const seen: number[] = [];
    let n = 0;
    for (let b = blocks.next(); b; b = blocks.next()) {
      n++;
      expect(b.length % PAGE).toBe(0);
      expect(b.length).toBeLessThanOrEqual(64 << 10);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let at = 0; at < b.length; at += PAGE) seen.push(view.getUint32(at, true));
    }
    expect(seen).toEqual(Array.from({ length: pages }, (_, i) => i));
    expect(n).toBeGreaterThan(1);
    expect(blocks.consumed).toBe(pages * PAGE);
  });

  it('takes at least one page per block when pages are larger than a block', () => {
    const big = 128 << 10;
    const blocks = plainBlocks(memorySource(new Uint8Array(3 * big)), { cpu: 1, offset: 0, size: 3 * big }, big);
    const sizes: number[] = [];
    for (let b = blocks.next(); b; b = blocks.next()) sizes.push(b.length);
    expect(sizes).toEqual([big, big, big]);
  });
});
