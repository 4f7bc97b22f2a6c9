import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_WRITE, outputError, streamFile, syncFile, writeFailure, type SyncFs } from '../../src/commands/simulate-output.js';
import { isIopathError } from '../../src/model/errors.js';
import { tempDir } from '../cli/run.js';

/**
 * simulate's output files. No test writes gigabytes: the writer's arithmetic is held to a fake
 * file system that counts bytes and, like the kernel, takes only part of a large write.
 */

const dir = tempDir('sim-output');

/** A file system of one file that keeps count: each write takes at most `take` bytes. */
function countingFs(take: number): SyncFs & { calls: number[]; written: number; text: () => string } {
  const parts: Buffer[] = [];
  const fs = {
    calls: [] as number[],
    written: 0,
    openSync: () => 7,
    writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number {
      expect(fd).toBe(7);
      fs.calls.push(length);
      const n = Math.min(length, take);
      parts.push(Buffer.from(buf.subarray(offset, offset + n)));
      fs.written += n;
      return n;
    },
    closeSync: () => undefined,
    text: () => Buffer.concat(parts).toString('utf8'),
  };
  return fs;
}

/** Node's ERR_SYSTEM_ERROR('writev failed') as the stream gave it: a `syscall` key, an empty context. */
function nodeWritevFailed(): Error {
  const e = new Error('A system error occurred: undefined returned undefined (undefined)') as NodeJS.ErrnoException;
  Object.assign(e, { code: 'ERR_SYSTEM_ERROR', syscall: undefined, errno: undefined, info: {} });
  return e;
}

describe('syncFile', () => {
  it('writes every chunk whole across partial writes, each call below the 32-bit int Node returns counts in', () => {
    // 2^31 is where Node's C int count of one write turns negative; the cap stays well below it.
    expect(MAX_WRITE).toBeLessThan(2 ** 31);
    const fs = countingFs(1000);
    const f = syncFile('t.txt', 'trace', fs);
    const chunks = ['a'.repeat(4096), 'b'.repeat(999), 'c\n'.repeat(1501), 'µs\n'];
    for (const c of chunks) f.write(c);
    f.close();
    const expected = chunks.join('');
    expect(fs.written).toBe(Buffer.byteLength(expected));
    expect(f.bytes()).toBe(fs.written);
    expect(fs.text()).toBe(expected);
    // A partial write continues from where the kernel stopped, never re-sending or skipping.
    expect(fs.calls.slice(0, 5)).toEqual([4096, 3096, 2096, 1096, 96]);
    for (const n of fs.calls) expect(n).toBeLessThanOrEqual(MAX_WRITE);
  });

  it('has the bytes in the file when write returns, so nothing of a long run waits in memory', () => {
    const path = join(dir, 'now.txt');
    const f = syncFile(path, 'trace');
    f.write('x'.repeat(300_000));
    expect(statSync(path).size).toBe(300_000);
    f.write('y\n');
    expect(statSync(path).size).toBe(300_002);
    f.close();
    expect(readFileSync(path, 'latin1').endsWith('xy\n')).toBe(true);
  });

  it('stops with one line naming the file when the system takes nothing, instead of looping', () => {
    const fs = countingFs(0);
    const f = syncFile('/out/t.txt', 'trace', fs);
    let err: unknown;
    try {
      f.write('abc');
    } catch (e) {
      err = e;
    }
    expect(isIopathError(err, 'unreadable')).toBe(true);
    expect((err as Error).message).toBe('/out/t.txt: cannot write the trace: the system accepted no more bytes after 0');
    expect(fs.calls).toEqual([3]);
  });

  it('reports an open or a write that fails as one line naming the file', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const fs: SyncFs = {
      openSync: () => 3,
      writeSync: () => {
        throw enospc;
      },
      closeSync: () => undefined,
    };
    expect(() => syncFile('/t/truth.jsonl', 'truth', fs).write('{}\n')).toThrow('/t/truth.jsonl: cannot write the ground truth: ENOSPC (no space left on device)');
    expect(() => syncFile(join(dir, 'no-such-dir', 't.txt'), 'trace')).toThrow(/no-such-dir\/t\.txt: cannot write the trace: ENOENT \(no such file or directory\)$/);
  });
});

describe('outputError', () => {
  it("says Node's empty ERR_SYSTEM_ERROR as a reason, not 'undefined returned undefined'", () => {
    const e = outputError('/tmp/nvme64.txt', 'trace', nodeWritevFailed());
    expect(e.kind).toBe('unreadable');
    expect(e.message).toBe('/tmp/nvme64.txt: cannot write the trace: the system accepted no more bytes');
    expect(writeFailure(new Error('boom'))).toBe('boom');
  });
});

describe('streamFile', () => {
  it('rejects with one line naming the file when its stream failed', async () => {
    const path = join(dir, 'missing', 'x.txt');
    const f = streamFile(path, 'trace');
    f.sink.write(Buffer.from('abc'));
    await expect(f.close()).rejects.toThrow(`${path}: cannot write the trace: ENOENT (no such file or directory)`);
  });
});
