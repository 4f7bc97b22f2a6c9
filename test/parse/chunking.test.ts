import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, EXCERPTS, excerptNames, HOSTILE } from './helpers.js';

/**
 * Chunk boundaries must not change a single event or diagnostic: every fixture read in 7- and
 * 4096-byte chunks gives what the default 1 MiB read gives, and so do 1-byte reads of the hostile
 * files and of one excerpt per layout (1-byte reads of all of them would take seconds for nothing).
 */

const ONE_BYTE = new Set(['ftrace-libaio-randwrite-cpu1.txt', 'ftrace-record-tgid.txt', 'trace-cmd-libaio-randwrite-cpu1.txt', 'trace-cmd-report-l-t.txt', 'trace-cmd-report-R.txt', 'perf-libaio-randwrite-cpu1.txt', 'perf-ns-show-lost-events.txt']);

const hostile = readdirSync(HOSTILE).filter((f) => f.endsWith('.txt') && !f.endsWith('.golden.txt'));
const all = [...excerptNames().map((n) => join(EXCERPTS, n)), ...hostile.map((n) => join(HOSTILE, n))];

describe.each(all.map((p) => [p.split('/').slice(-2).join('/'), p]))('%s', (_name, path) => {
  it('gives identical events and diagnostics in small chunks', async () => {
    const base = await collect(path);
    expect(base.events.length).toBeGreaterThan(0);
    const name = path.split('/').pop() as string;
    const sizes = path.startsWith(HOSTILE) || ONE_BYTE.has(name) ? [1, 7, 4096] : [7, 4096];
    for (const chunkBytes of sizes) {
      const got = await collect(path, { chunkBytes });
      expect(got.events).toEqual(base.events);
      expect(got.result.diagnostics.summaries()).toEqual(base.result.diagnostics.summaries());
      expect(got.result.format).toBe(base.result.format);
    }
  });
});
