import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/paths.js';

/**
 * `receive` and `decode-inplace` compare the main thread's cost with and without the worker, so
 * they must see the same events. The worker runs JavaScript only: the built modules are driven.
 * Timing is the benchmark's business, never a test's.
 */

const DIST = join(REPO, 'dist');
const built = existsSync(join(DIST, 'bench', 'thread-tasks.js'));

describe.skipIf(!built)('thread bench tasks (built)', () => {
  it('see the same events of a trace.dat with and without the worker, and say the main thread’s CPU', async () => {
    await import(join(DIST, 'bench', 'thread-tasks.js'));
    const { findBenchTask } = (await import(join(DIST, 'bench', 'registry.js'))) as typeof import('../../src/bench/registry.js');
    const file = join(FIXTURES, 'binary', 'libaio-randwrite-200.v7-zstd.dat');
    const [receive, inPlace] = [findBenchTask('receive'), findBenchTask('decode-inplace')];
    if (!receive || !inPlace) throw new Error('thread bench tasks not registered');
    const a = await receive.run(file);
    const b = await inPlace.run(file);
    expect(a.events).toBeGreaterThan(1000);
    expect(a.events).toBe(b.events);
    expect(a.lines).toBe(b.lines);
    for (const r of [a, b]) expect(r.note).toMatch(/^main thread cpu \d+\.\d\d s \(\d+ ns\/event\), first event after \d+ ms$/);
  });
});
