import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
import { tempDir } from '../report/helpers.js';
import { buildCli, iopathAll } from './run.js';

/** `iopath export` reads its input once, so standard input works as a file does (a pipe of text or of a perf.data). */

const events = (p: string): unknown[] => (JSON.parse(readFileSync(p, 'utf8')) as { traceEvents: unknown[] }).traceEvents;

describe('export from standard input', () => {
  const dir = tempDir();
  const TEXT = join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt');
  const PERF = join(FIXTURES, 'binary', 'perf-randwrite.data');
  let runs: Awaited<ReturnType<typeof iopathAll>> = [];
  beforeAll(async () => {
    buildCli();
    runs = await iopathAll([
      ['export', '--perfetto', join(dir, 'text-file.json'), TEXT],
      { args: ['export', '--perfetto', join(dir, 'text-stdin.json'), '-'], input: readFileSync(TEXT) },
      ['export', '--perfetto', join(dir, 'perf-file.json'), PERF],
      { args: ['export', '--perfetto', join(dir, 'perf-stdin.json'), '-'], input: readFileSync(PERF) },
    ]);
  }, 120_000);

  it('exits 0 and writes the events the file gives', () => {
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(runs.map(() => [0, '']));
    expect(events(join(dir, 'text-stdin.json'))).toEqual(events(join(dir, 'text-file.json')));
    expect(events(join(dir, 'perf-stdin.json'))).toEqual(events(join(dir, 'perf-file.json')));
    expect(runs[1]!.stdout).toMatch(/flows\); open it in/);
  });
});
