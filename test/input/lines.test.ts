import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { detach, readLines, type Source } from '../../src/input/lines.js';
import { EXCERPTS } from '../parse/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'iopath-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, data: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** A source delivering `data` in pieces of `size` bytes (a pipe, a slow disk). */
function pieces(data: Buffer, size: number): Source {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
    { objectMode: true },
  );
}

async function lines(src: Source, opts: Parameters<typeof readLines>[2] = {}): Promise<{ lines: [number, string][]; stats: Awaited<ReturnType<typeof readLines>> }> {
  const out: [number, string][] = [];
  const stats = await readLines(src, (l, n) => out.push([n, l]), opts);
  return { lines: out, stats };
}

describe('readLines', () => {
  it('numbers lines from 1, strips CR of CRLF, keeps a last line without newline', async () => {
    const { lines: ls, stats } = await lines(pieces(Buffer.from('a\r\nb\n\nc\r\nlast'), 3));
    expect(ls).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
      [5, 'last'],
    ]);
    expect(stats.lines).toBe(5);
    expect(stats.bytes).toBe(13);
  });

  it('empty input has no lines; a lone newline is one empty line', async () => {
    expect((await lines(pieces(Buffer.alloc(0), 1))).lines).toEqual([]);
    expect((await lines(pieces(Buffer.from('\n'), 1))).lines).toEqual([[1, '']]);
  });

  it('the same bytes give the same lines whatever the chunk size (1, 7, 4096 and random)', async () => {
    const text = 'ascii line\nünïcödé ✓ split across chunks\r\n\n€€€\nno newline at end ✗';
    const data = Buffer.from(text, 'utf8');
    const expected = text.split('\n').map((l, i) => [i + 1, l.replace(/\r$/, '')]);
    for (const size of [1, 2, 7, 4096]) {
      const p = file(`t${size}.txt`, data);
      expect((await lines(p, { chunkBytes: size })).lines).toEqual(expected);
      expect((await lines(pieces(data, size))).lines).toEqual(expected);
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), async (ls, size) => {
        const t = ls.map((l) => l.replace(/[\r\n]/g, '')).join('\n');
        const got = await lines(pieces(Buffer.from(t, 'utf8'), size));
        // A newline ends a line; it does not start an empty one at the end of the input.
        const parts = t.split('\n');
        if (parts[parts.length - 1] === '') parts.pop();
        const want = parts.map((l, i) => [i + 1, l] as [number, string]);
        expect(got.lines).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('detects gzip by its magic bytes, not the file name', async () => {
    const text = 'first\nsecond\n';
    const p = file('looks-plain.txt', gzipSync(text));
    const { lines: ls, stats } = await lines(p, { chunkBytes: 7 });
    expect(stats.gzip).toBe(true);
    expect(ls).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    // A 1-byte first chunk must not hide the 2-byte magic.
    expect((await lines(pieces(gzipSync(text), 1))).stats.gzip).toBe(true);
    const plain = file('plain.gz', text);
    expect((await lines(plain)).stats.gzip).toBe(false);
  });

  it('reports a truncated gzip stream instead of throwing, after the lines it could read', async () => {
    const gz = gzipSync('line one\nline two\n'.repeat(200));
    const p = file('cut.gz', gz.subarray(0, gz.length - 12));
    const { lines: ls, stats } = await lines(p);
    expect(stats.gzipError).toBeTruthy();
    expect(ls.length).toBeGreaterThan(0);
    expect(ls.every(([, l]) => l === 'line one' || l === 'line two' || l.length < 9)).toBe(true);
  });

  it('skips an over-long line without holding it, then goes on', async () => {
    const long = 'x'.repeat(10_000);
    const tooLong: [number, number][] = [];
    const { lines: ls } = await lines(pieces(Buffer.from(`a\n${long}\nb\n${long}`), 333), { maxLineBytes: 1000, onTooLong: (n, b) => tooLong.push([n, b]) });
    expect(ls).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(tooLong).toEqual([
      [2, 10_000],
      [4, 10_000],
    ]);
  });

  it('can be stopped between chunks', async () => {
    const data = Buffer.from('l\n'.repeat(100));
    let seen = 0;
    const stats = await readLines(pieces(data, 10), () => seen++, { stop: () => seen >= 20 });
    expect(stats.stopped).toBe(true);
    expect(seen).toBe(20);
  });

  it('reads gzip identically in 1-, 7- and 4096-byte chunks', async () => {
    const excerpt = readFileSync(join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt'));
    const p = file('excerpt.txt.gz', gzipSync(excerpt));
    const whole = await lines(p);
    expect(whole.stats.gzip).toBe(true);
    expect(whole.lines.map(([, l]) => l).join('\n')).toBe(excerpt.toString('utf8').replace(/\n$/, ''));
    for (const size of [1, 7, 4096]) {
      expect((await lines(p, { chunkBytes: size })).lines).toEqual(whole.lines);
      expect((await lines(pieces(readFileSync(p), size))).lines).toEqual(whole.lines);
    }
  });
});

describe('readLines progress and pacing', () => {
  it('reports the bytes read after each chunk, rising to the whole text, plain and gzip', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    for (const [p, gzip] of [
      [file('progress.txt', text), false],
      [file('progress.gz', gzipSync(text)), true],
    ] as const) {
      const seen: [number, boolean][] = [];
      const { stats } = await lines(p, { chunkBytes: 1024, onChunk: (b, g) => seen.push([b, g]) });
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every(([b], i) => i === 0 || b > (seen[i - 1] as [number, boolean])[0])).toBe(true);
      expect(seen.at(-1)).toEqual([Buffer.byteLength(text), gzip]);
      expect(stats.bytes).toBe(Buffer.byteLength(text));
    }
  });

  it('waits for pace before each chunk, and the lines are the same', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `l${i}`).join('\n');
    const p = file('paced.txt', text);
    let waits = 0;
    const paced = await lines(p, {
      chunkBytes: 256,
      pace: () => {
        waits++;
        return new Promise<void>((r) => setTimeout(r, 1));
      },
    });
    expect(waits).toBeGreaterThan(5);
    expect(paced.lines).toEqual((await lines(p)).lines);
  });
});

describe('detach', () => {
  it('returns an equal string', () => {
    const big = `${'y'.repeat(100)}tail`;
    const s = big.slice(50, 80);
    expect(detach(s)).toBe(s);
    expect(detach('short')).toBe('short');
  });
});
