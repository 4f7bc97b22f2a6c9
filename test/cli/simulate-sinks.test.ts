import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, expectOneLineRefusal, iopathAll, tempDir } from './run.js';

/**
 * simulate waits for 'drain' when its output pushes back; a file that fails (at its open, or on a
 * write) never drains. Such a run must end with the error's one line and exit 2, not hang until
 * Node gives up on the unsettled top-level await (exit 13): enough I/Os (1.7 MB of trace) that the 1 MiB writes push back.
 * The line names the file that failed.
 */

const dir = tempDir('sim-sinks');
const FULL = '/dev/full';

describe('simulate to a file that fails', () => {
  beforeAll(() => buildCli(), 120_000);

  it.skipIf(!existsSync(FULL))('ends with one line and exit 2 when the output or the truth cannot be written', async () => {
    const missingPath = join(dir, 'no-such-dir', 't.txt');
    // A stack preset's truth must be named .jsonl: a link of that name to the full device.
    const fullJsonl = join(dir, 'full.jsonl');
    symlinkSync(FULL, fullJsonl);
    const [full, missing, truth, stackFull, stackTruth] = await iopathAll([
      ['simulate', '--ios', '1000', '-o', FULL],
      ['simulate', '--ios', '1000', '-o', missingPath],
      ['simulate', '--ios', '1000', '-o', join(dir, 't.txt'), '--truth', FULL],
      // A stack preset writes synchronously: the first refused write ends the run.
      ['simulate', '--preset', 'nvme-64', '--ios', '100', '-o', FULL],
      ['simulate', '--preset', 'nvme-64', '--ios', '100', '-o', join(dir, 's.txt'), '--truth', fullJsonl],
    ]);
    // Each names the file that failed (a write error of the system carries no path).
    expectOneLineRefusal(full!, /^iopath: \/dev\/full: cannot write the trace: ENOSPC \(no space left on device\)$/);
    expectOneLineRefusal(missing!, new RegExp(`^iopath: ${missingPath}: cannot write the trace: ENOENT`));
    expectOneLineRefusal(truth!, /^iopath: \/dev\/full: cannot write the ground truth: ENOSPC/);
    expectOneLineRefusal(stackFull!, /^iopath: \/dev\/full: cannot write the trace: ENOSPC/);
    expectOneLineRefusal(stackTruth!, new RegExp(`^iopath: ${fullJsonl}: cannot write the ground truth: ENOSPC`));
  }, 60_000);
});
