import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/parse/detect.js';
import { collect, EXCERPTS, excerptNames, formatOfName, HOSTILE } from './helpers.js';

/** Detection looks at the text only: the tests feed streams with no file name at all. */

const stream = (text: string): Readable => Readable.from([Buffer.from(text, 'utf8')]);
const read = (dir: string, name: string): string => readFileSync(join(dir, name), 'utf8');

describe('format detection without a file name', () => {
  it.each(excerptNames())('%s', async (name) => {
    const { result } = await collect(stream(read(EXCERPTS, name)));
    expect(result.format).toBe(formatOfName(name));
    expect(result.detection?.format).toBe(formatOfName(name));
  });

  it('trace-cmd report without its cpus=N line: padded names, plugin forms, or -l layout', () => {
    for (const v of ['default', 'l', 't', 'N', 'R', 'l-t']) {
      const lines = read(EXCERPTS, `trace-cmd-report-${v}.txt`).split('\n').slice(1);
      expect(detectFormat(lines)?.format, v).toBe('trace-cmd');
    }
  });

  it('tracefs without its # header (trace_pipe) is ftrace', () => {
    const lines = read(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt')
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    expect(detectFormat(lines)?.format).toBe('ftrace');
    expect(detectFormat(read(EXCERPTS, 'ftrace-trace-pipe.txt').split('\n'))?.format).toBe('ftrace');
  });

  it('hostile files are detected too', async () => {
    for (const [name, want] of [
      ['names.ftrace.txt', 'ftrace'],
      ['names.trace-cmd.txt', 'trace-cmd'],
      ['names.perf.txt', 'perf'],
      ['lost.perf.txt', 'perf'],
      ['junk.ftrace.txt', 'ftrace'],
    ] as const) {
      expect((await collect(stream(read(HOSTILE, name)))).result.format, name).toBe(want);
    }
  });

  it('nothing recognisable gives no format', async () => {
    expect(detectFormat(['a,b,c', '1,2,3'])).toBeNull();
    const csv = await collect(stream('time,lat\n1,2\n3,4\n'));
    expect(csv.result.format).toBeNull();
    expect(csv.events).toEqual([]);
    expect(csv.result.diagnostics.counts()).toEqual({ malformed_line: 3 });
  });

  it('a forced format is used as is, and detection still says what the text looks like', async () => {
    const text = read(EXCERPTS, 'perf-libaio-randwrite-cpu1.txt');
    const forced = await collect(stream(text), { format: 'ftrace' });
    expect(forced.result.format).toBe('ftrace');
    expect(forced.result.detection?.format).toBe('perf');
    expect(forced.result.diagnostics.count('malformed_line')).toBeGreaterThan(100);
    const right = await collect(stream(text), { format: 'perf' });
    expect(right.result.diagnostics.counts()).toEqual({});
  });

  it('gives up early on a large input with no event line', async () => {
    const junk = Buffer.from('not,a,trace\n'.repeat(100_000));
    const { result } = await collect(
      Readable.from(
        (function* () {
          for (let i = 0; i < junk.length; i += 65536) yield junk.subarray(i, i + 65536);
        })(),
      ),
    );
    expect(result.format).toBeNull();
    expect(result.read.stopped).toBe(true);
    expect(result.read.lines).toBeLessThan(100_000);
  });
});
