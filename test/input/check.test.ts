import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputPath } from '../../src/input/check.js';
import { IopathError } from '../../src/model/errors.js';
import { FIXTURES } from '../helpers/paths.js';
import { tempDir } from '../cli/run.js';

describe('checkInputPath', () => {
  const root = tempDir('check');

  it('passes stdin, a file, and a perf.data directory (perf record --threads)', () => {
    expect(() => checkInputPath('-')).not.toThrow();
    expect(() => checkInputPath(join(FIXTURES, 'binary', 'perf-randwrite.data'))).not.toThrow();
    expect(() => checkInputPath(join(FIXTURES, 'binary', 'perf-randwrite-threads'))).not.toThrow();
  });

  it('refuses a missing path and a directory with no file named data, in one line', () => {
    const none = join(root, 'none');
    mkdirSync(none);
    writeFileSync(join(none, 'data.0'), 'x');
    const sub = join(root, 'sub');
    mkdirSync(join(sub, 'data'), { recursive: true });
    // A `data` that is a symlink to itself: stat throws ELOOP, the message is still one line.
    const loop = join(root, 'loop');
    mkdirSync(loop);
    symlinkSync('data', join(loop, 'data'));
    for (const [p, re] of [
      [join(root, 'missing'), /no such file/],
      [none, /is a directory, not a trace file$/],
      [sub, /is a directory, not a trace file$/],
      [loop, /is a directory, not a trace file$/],
      [FIXTURES, /is a directory, not a trace file$/],
    ] as const) {
      let err: unknown;
      try {
        checkInputPath(p);
      } catch (e) {
        err = e;
      }
      expect(err, p).toBeInstanceOf(IopathError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
