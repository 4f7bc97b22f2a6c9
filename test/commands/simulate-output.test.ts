import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputError, streamFile, writeFailure } from '../../src/commands/simulate-output.js';
import { tempDir } from '../cli/run.js';

const dir = tempDir('sim-output');
const FULL = '/dev/full';

/** Node's ERR_SYSTEM_ERROR('writev failed') as fs.WriteStream gave it: a `syscall` key, an empty context. */
function nodeWritevFailed(): Error {
  const e = new Error('A system error occurred: undefined returned undefined (undefined)') as NodeJS.ErrnoException;
  Object.assign(e, { code: 'ERR_SYSTEM_ERROR', syscall: undefined, errno: undefined, info: {} });
  return e;
}

describe('outputError', () => {
  it('names the file and says the system error in words', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const e = outputError('/t/truth.jsonl', 'truth', enospc);
    expect(e.kind).toBe('unreadable');
    expect(e.message).toBe('/t/truth.jsonl: cannot write the ground truth: ENOSPC (no space left on device)');
  });

  it("says Node's empty ERR_SYSTEM_ERROR as what is known, not 'undefined returned undefined'", () => {
    const e = outputError('/tmp/nvme64.txt', 'trace', nodeWritevFailed());
    expect(e.message).toBe('/tmp/nvme64.txt: cannot write the trace: Node gave up on a write without saying why (ERR_SYSTEM_ERROR)');
    expect(e.message).not.toMatch(/undefined/);
    expect(writeFailure(new Error('boom'))).toBe('boom');
  });
});

describe('streamFile', () => {
  it('rejects with one line naming the file when it cannot be opened', async () => {
    const path = join(dir, 'missing', 'x.txt');
    const f = streamFile(path, 'trace');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A failed stream throws at the next write, so the model stops there instead of running on.
    expect(() => f.sink.write(Buffer.from('abc'))).toThrow(/ENOENT/);
    await expect(f.close()).rejects.toThrow(`${path}: cannot write the trace: ENOENT (no such file or directory)`);
  });

  it.skipIf(!existsSync(FULL))('wakes a writer waiting for drain when a write fails, and names the file', async () => {
    const f = streamFile(FULL, 'truth');
    expect(f.sink.write('x'.repeat(2 << 20))).toBe(false);
    await new Promise<void>((resolve) => void f.sink.once('drain', resolve));
    expect(() => f.sink.write('y')).toThrow(/ENOSPC/);
    await expect(f.close()).rejects.toThrow('/dev/full: cannot write the ground truth: ENOSPC (no space left on device)');
  });
});
