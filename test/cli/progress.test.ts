import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { progressLine } from '../../src/commands/common.js';

/** The progress line of analyze/report: only at a terminal, only for large files, erased at the end. */

const dir = mkdtempSync(join(tmpdir(), 'iopath-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `bytes` (no disk used). */
function sparse(name: string, bytes: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  writeSync(fd, Buffer.from('x'), 0, 1, bytes - 1);
  closeSync(fd);
  return p;
}

function terminal(isTTY: boolean): { isTTY: boolean; out: string[]; write(s: string): boolean } {
  const out: string[] = [];
  return { isTTY, out, write: (s: string) => out.push(s) > 0 };
}

describe('progressLine', () => {
  const big = sparse('big.txt', 512 << 20);
  const small = sparse('small.txt', 1 << 20);

  it('draws the share read of a large file on a terminal, then erases it', () => {
    const t = terminal(true);
    const p = progressLine(big, t);
    expect(p.onProgress).toBeDefined();
    p.onProgress?.(128 << 20, false);
    expect(t.out.at(-1)).toMatch(/^\r\x1b\[Kiopath: reading big\.txt: 0\.13 of 0\.54 GB \(25%\)$/);
    p.done();
    expect(t.out.at(-1)).toBe('\r\x1b[K');
  });

  it('says only what was read of a gzip file (its size is not the text’s)', () => {
    const t = terminal(true);
    const p = progressLine(big, t);
    p.onProgress?.(2e9, true);
    expect(t.out.at(-1)).toContain('2.00 GB of text read');
  });

  it('counts a directory (perf record --threads) as the sum of its files', () => {
    mkdirSync(join(dir, 'perf.data'));
    sparse(join('perf.data', 'data'), 64 << 20);
    sparse(join('perf.data', 'data.0'), 192 << 20);
    sparse(join('perf.data', 'data.1'), 256 << 20);
    const t = terminal(true);
    const p = progressLine(join(dir, 'perf.data'), t);
    p.onProgress?.(128 << 20, false);
    expect(t.out.at(-1)).toMatch(/reading perf\.data: 0\.13 of 0\.54 GB \(25%\)$/);
  });

  it('stays silent when stderr is not a terminal, for small files and for stdin', () => {
    for (const [path, tty] of [
      [big, false],
      [small, true],
      ['-', true],
    ] as const) {
      const t = terminal(tty);
      const p = progressLine(path, t);
      expect(p.onProgress).toBeUndefined();
      p.done();
      expect(t.out).toEqual([]);
    }
  });
});
