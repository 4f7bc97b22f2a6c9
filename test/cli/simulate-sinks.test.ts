import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, expectOneLineRefusal, iopathAll, tempDir } from './run.js';

/**
 * simulate waits for 'drain' when its output pushes back; a file that fails (at its open, or on a
 * write) never drains. Such a run must end with the error's one line and exit 2, not hang until
 * Node gives up on the unsettled top-level await (exit 13): enough I/Os (1.7 MB of trace) that the 1 MiB writes push back.
 */

const dir = tempDir('sim-sinks');
const FULL = '/dev/full';

describe('simulate to a file that fails', () => {
  beforeAll(() => buildCli(), 120_000);

  it.skipIf(!existsSync(FULL))('ends with one line and exit 2 when the output or the truth cannot be written', async () => {
    const [full, missing, truth] = await iopathAll([
      ['simulate', '--ios', '1000', '-o', FULL],
      ['simulate', '--ios', '1000', '-o', join(dir, 'no-such-dir', 't.txt')],
      ['simulate', '--ios', '1000', '-o', join(dir, 't.txt'), '--truth', FULL],
    ]);
    expectOneLineRefusal(full!, /ENOSPC/);
    expectOneLineRefusal(missing!, /ENOENT/);
    expectOneLineRefusal(truth!, /ENOSPC/);
  }, 60_000);
});
