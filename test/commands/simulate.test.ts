import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runSimulate } from '../../src/commands/simulate.js';
import * as stack from '../../src/sim/stack/index.js';
import { tempDir } from '../cli/run.js';

/**
 * A stack preset's model runs synchronously. Its output used to go to a WriteStream, which could
 * not write until the model returned: the whole run waited in memory and left in one writev, and
 * past 4 GiB Node misread that call's count and failed. Here every chunk the model hands over must
 * already be in the file when the model makes the next one, and the files must end whole.
 */

const dir = tempDir('sim-cmd');

/** At each chunk handed to a sink, the size its file had then, and the bytes handed before it. */
interface Seen {
  sizeAtCall: number[];
  handedBefore: number[];
}

vi.mock('../../src/sim/stack/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/sim/stack/index.js')>();
  const watch = (path: string | undefined, seen: Seen, sink?: (c: string) => void): ((c: string) => void) | undefined => {
    if (sink === undefined || path === undefined) return sink;
    let handed = 0;
    return (c) => {
      seen.sizeAtCall.push(existsSync(path) ? statSync(path).size : -1);
      seen.handedBefore.push(handed);
      handed += Buffer.byteLength(c);
      sink(c);
    };
  };
  return {
    ...real,
    simulateStack: (opts: stack.StackOptions, sinks: stack.StackSinks = {}) => {
      const w = (globalThis as { simWatch?: { trace: string; truth: string; seen: Record<'trace' | 'truth', Seen> } }).simWatch;
      if (w === undefined) return real.simulateStack(opts, sinks);
      return real.simulateStack(opts, { ...sinks, trace: watch(w.trace, w.seen.trace, sinks.trace), truth: watch(w.truth, w.seen.truth, sinks.truth) });
    },
  };
});

describe('simulate --preset nvme-64 -o FILE --truth FILE.jsonl', () => {
  it('has each chunk in its file before the model makes the next, and ends with the whole run', async () => {
    const trace = join(dir, 'nvme.txt');
    const truth = join(dir, 'nvme.jsonl');
    const seen = { trace: { sizeAtCall: [], handedBefore: [] }, truth: { sizeAtCall: [], handedBefore: [] } };
    (globalThis as Record<string, unknown>).simWatch = { trace, truth, seen };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runSimulate({ preset: 'nvme-64', ios: '300', seed: '3', output: trace, truth })).toBe(0);
    } finally {
      out.mockRestore();
      delete (globalThis as Record<string, unknown>).simWatch;
    }
    // (4096 lines or rows a chunk: the header and a dozen batches of trace, two of truth)
    expect(seen.trace.sizeAtCall.length).toBeGreaterThan(10);
    expect(seen.truth.sizeAtCall.length).toBeGreaterThan(1);
    for (const s of [seen.trace, seen.truth]) expect(s.sizeAtCall).toEqual(s.handedBefore);
    // The files are what the model makes in memory for the same run.
    let text = '';
    let rows = '';
    stack.simulateStack({ preset: 'nvme-64', params: { iosPerJob: 300 }, seed: 3 }, { trace: (c) => void (text += c), truth: (c) => void (rows += c) });
    expect(readFileSync(trace, 'utf8')).toBe(text);
    expect(readFileSync(truth, 'utf8')).toBe(rows);
  });

  it('refuses an output it cannot open before running the model, naming the file', async () => {
    const path = join(dir, 'no-such-dir', 't.txt');
    await expect(runSimulate({ preset: 'nvme-64', ios: '5', output: path })).rejects.toMatchObject({ exitCode: 2, message: `${path}: cannot write the trace: ENOENT (no such file or directory)` });
  });
});
