import { openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemError } from '../../src/model/errors.js';

describe('systemError', () => {
  it('reads an errno error of the machine as one unreadable line', () => {
    let err: unknown;
    try {
      openSync('/no-such-dir-for-iopath/x', 'r');
    } catch (e) {
      err = e;
    }
    const e = systemError(err);
    expect(e?.kind).toBe('unreadable');
    expect(e?.message).toMatch(/^\/no-such-dir-for-iopath\/x: ENOENT/);
  });

  it("leaves Node's own ERR_ codes alone, though ERR_SYSTEM_ERROR has a syscall key and starts with E", () => {
    // What fs.WriteStream gave up with after writev's count came back wrong: an empty context.
    const e = Object.assign(new Error('A system error occurred: undefined returned undefined (undefined)'), { code: 'ERR_SYSTEM_ERROR', syscall: undefined, info: {} });
    expect('syscall' in e).toBe(true);
    expect(systemError(e)).toBeNull();
  });
});
