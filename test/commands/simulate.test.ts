import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runSimulate } from '../../src/commands/simulate.js';
import type { TextStream } from '../../src/sim/index.js';
import * as stack from '../../src/sim/stack/index.js';
import { tempDir } from '../cli/run.js';

/**
 * A stack preset's files. Its model used to hand each chunk to a WriteStream at once, so nothing
 * was written before the model ended: the whole run waited in memory and left in one writev,
 * which Node miscounted past 2^31 bytes. The command must now give the model its streams, and
 * the model must not write to a stream that refused a chunk until that stream has drained.
 */

const dir = tempDir('sim-cmd');

/** Per stream: writes, refusals, and writes made while a refusal was still waiting for 'drain'. */
interface Watch {
  writes: number;
  refused: number;
  early: number;
}
const watched: Record<'trace' | 'truth', Watch> = { trace: { writes: 0, refused: 0, early: 0 }, truth: { writes: 0, refused: 0, early: 0 } };

function guard(s: TextStream | undefined, w: Watch): TextStream | undefined {
  if (s === undefined) return undefined;
  let waiting = false;
  return {
    write(c) {
      w.writes++;
      if (waiting) w.early++;
      const ok = s.write(c);
      if (!ok) {
        w.refused++;
        waiting = true;
      }
      return ok;
    },
    once: (ev, f) =>
      s.once(ev, () => {
        waiting = false;
        f();
      }),
  };
}

vi.mock('../../src/sim/stack/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/sim/stack/index.js')>();
  return {
    ...real,
    simulateStackToStreams: (opts: stack.StackOptions, streams: stack.StackStreams) =>
      real.simulateStackToStreams(opts, { trace: guard(streams.trace, watched.trace), truth: guard(streams.truth, watched.truth) }),
  };
});

describe('simulate --preset nvme-64 -o FILE --truth FILE.jsonl', () => {
  it('writes through streams, never past one that has not drained, and ends with the whole run', async () => {
    const trace = join(dir, 'nvme.txt');
    const truth = join(dir, 'nvme.jsonl');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runSimulate({ preset: 'nvme-64', ios: '300', seed: '3', output: trace, truth })).toBe(0);
    } finally {
      out.mockRestore();
    }
    // ~8 MB of trace against a 1 MiB stream buffer: the file pushed back, and was waited for.
    expect(watched.trace.writes).toBeGreaterThan(10);
    expect(watched.trace.refused).toBeGreaterThan(2);
    expect(watched.trace.early).toBe(0);
    expect(watched.truth.early).toBe(0);
    let text = '';
    let rows = '';
    stack.simulateStack({ preset: 'nvme-64', params: { iosPerJob: 300 }, seed: 3 }, { trace: (c) => void (text += c), truth: (c) => void (rows += c) });
    expect(readFileSync(trace, 'utf8')).toBe(text);
    expect(readFileSync(truth, 'utf8')).toBe(rows);
  });

  it('stops at an output it cannot open, with one line naming the file', async () => {
    const path = join(dir, 'no-such-dir', 't.txt');
    await expect(runSimulate({ preset: 'nvme-64', ios: '300', output: path })).rejects.toMatchObject({ exitCode: 2, message: `${path}: cannot write the trace: ENOENT (no such file or directory)` });
  });
});
