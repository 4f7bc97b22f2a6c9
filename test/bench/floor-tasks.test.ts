import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/bench/floor-tasks.js';
import { countNewlines } from '../../src/bench/newline-count.js';
import { findBenchTask } from '../../src/bench/registry.js';
import { streamEvents } from '../../src/parse/stream.js';
import { FIXTURES, REPO } from '../helpers/paths.js';

/**
 * The floors are only meaningful if they read what the parser reads: every line, and the same
 * event lines. Timing is the benchmark's business, never a test's.
 */

const gz = join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');
const dir = mkdtempSync(join(tmpdir(), 'iopath-floor-'));
const plain = join(dir, 'trace.txt');
writeFileSync(plain, gunzipSync(readFileSync(gz)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('floor bench tasks', () => {
  for (const src of [plain, gz]) {
    it(`see every line and every event line of ${src === gz ? 'a gzip' : 'a plain'} trace`, async () => {
      const base = await countNewlines(src);
      const parsed = await streamEvents(src, () => undefined);
      for (const name of ['floor-bytes', 'floor-header', 'floor-event', 'floor-parse']) {
        const task = findBenchTask(name);
        expect(task, name).toBeDefined();
        const r = await task!.run(src);
        expect(r.bytes, name).toBe(base.bytes);
        expect(r.lines, name).toBe(base.lines);
        if (name !== 'floor-bytes') expect(r.events, name).toBe(parsed.events);
      }
    });
  }
});

/** The two-thread floor starts workers from the built module (a worker cannot load TypeScript). */
describe('floor-parse-x2', () => {
  it('reads each line once across its two halves', async () => {
    const built = join(REPO, 'dist', 'bench', 'floor-tasks.js');
    const registry = (await import(join(REPO, 'dist', 'bench', 'registry.js'))) as typeof import('../../src/bench/registry.js');
    await import(built);
    const base = await countNewlines(plain);
    const r = await registry.findBenchTask('floor-parse-x2')!.run(plain);
    expect(r.bytes).toBe(base.bytes);
    expect(r.lines).toBe(base.lines);
    const parsed = await streamEvents(plain, () => undefined);
    expect(r.events).toBe(parsed.events);
  });
});
