import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initZstd, zstdDecompress, zstdStream } from '../../../src/parse/binary/zstd.js';
import { datPath } from './helpers.js';
import { layoutOffsets } from './tracedat/offsets.js';

/**
 * The zstd wrapper on real trace.dat chunks: one-shot into the size the file gives, and as one
 * stream fed in arbitrary pieces (how perf's COMPRESSED records come); damaged data fails, and a
 * stream that stops mid-frame ends flagged, never hangs.
 */

const FILE = readFileSync(datPath('libaio-randwrite-200', 'v7-zstd'));
const chunks = layoutOffsets(FILE)
  .fields.filter((f) => f.what === 'chunk compressed size')
  .map((f) => ({ data: FILE.subarray(f.at + 8, f.at + 8 + f.value), size: FILE.readUInt32LE(f.at + 4) }));

describe('zstd', () => {
  it('one-shot: every chunk to its size; streamed in 7-byte pieces: the same bytes', async () => {
    await initZstd();
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks.slice(0, 6)) {
      const one = zstdDecompress(c.data, c.size);
      expect(one.length).toBe(c.size);
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < c.data.length; i += 7) pieces.push(c.data.subarray(i, i + 7));
      const end = { unfinished: true };
      const out = Buffer.concat([...zstdStream(pieces, end)]);
      expect(out.equals(Buffer.from(one))).toBe(true);
      expect(end.unfinished).toBe(false);
    }
  });

  it('a stream cut mid-frame ends flagged; damaged data throws, promptly', async () => {
    await initZstd();
    const c = chunks[0]!;
    const end = { unfinished: false };
    const out = Buffer.concat([...zstdStream([c.data.subarray(0, c.data.length - 10)], end)]);
    expect(end.unfinished).toBe(true);
    expect(out.length).toBeLessThan(c.size);
    const bad = Buffer.from(c.data);
    bad.fill(0x5a, 8, 200);
    const started = Date.now();
    expect(() => [...zstdStream([bad])]).toThrow();
    expect(() => zstdDecompress(bad, c.size)).toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
