import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { streamEvents } from '../../src/parse/stream.js';
import { excerpt } from './corpus.js';
import { MB, measureGrowth } from './memory.js';

/**
 * A single 50 MB line (a runaway `trace_printk`, a file that is not a trace): it is skipped as
 * `line_too_long` without ever being held, so heap and RSS grow by a few MB, not by 50. The file
 * is written in 1 MiB pieces and read from disk and from a stream, so neither the test nor the
 * reader holds it whole.
 */

const LINE_BYTES = 50 * MB;
const dir = mkdtempSync(join(tmpdir(), 'iopath-long-line-'));
/** Looks like an event up to its payload, which never ends. */
const START = '             fio-7888    [001] .....   505.925043: trace_printk: ';
const alone = join(dir, 'one-line.txt');
const between = join(dir, 'between.txt');

function writeLongLine(fd: number): void {
  const piece = Buffer.alloc(MB, 'x');
  writeSync(fd, START);
  for (let left = LINE_BYTES - START.length; left > 0; left -= MB) writeSync(fd, piece, 0, Math.min(MB, left));
}

beforeAll(() => {
  let fd = openSync(alone, 'w');
  writeLongLine(fd);
  closeSync(fd);
  // A real trace with the long line in its middle: the lines after it must still be read.
  const { lines } = excerpt('ftrace-libaio-randwrite-cpu1.txt');
  fd = openSync(between, 'w');
  writeSync(fd, `${lines.slice(0, 60).join('\n')}\n`);
  writeLongLine(fd);
  writeSync(fd, `\n${lines.slice(60).join('\n')}\n`);
  closeSync(fd);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same bytes as a stream of 64 KiB pieces made on demand. */
async function* generated(): AsyncGenerator<Buffer> {
  const piece = Buffer.alloc(64 * 1024, 'y');
  yield Buffer.from(START);
  for (let left = LINE_BYTES - START.length; left > 0; left -= piece.length) yield piece.subarray(0, Math.min(piece.length, left));
}

describe('a single 50 MB line', () => {
  it('from a file: one line_too_long, no event, heap and RSS well below 50 MB', async () => {
    const { result, growth } = await measureGrowth(() => streamEvents(alone, () => undefined));
    expect(result.read.bytes).toBe(LINE_BYTES);
    expect(result.read.lines).toBe(1);
    expect(result.events).toBe(0);
    expect(result.diagnostics.counts()).toEqual({ line_too_long: 1 });
    expect(result.diagnostics.summaries()[0]?.examples[0]).toMatchObject({ line: 1, message: `line of ${LINE_BYTES} bytes skipped` });
    expect(growth.heap).toBeLessThan(8 * MB);
    expect(growth.external).toBeLessThan(12 * MB);
    expect(growth.rss).toBeLessThan(25 * MB);
  });

  it('from a stream: the same, without a file', async () => {
    const { result, growth } = await measureGrowth(() => streamEvents(Readable.from(generated()), () => undefined));
    expect(result.read.bytes).toBe(LINE_BYTES);
    expect(result.diagnostics.counts()).toEqual({ line_too_long: 1 });
    expect(growth.heap).toBeLessThan(8 * MB);
    expect(growth.external).toBeLessThan(12 * MB);
    expect(growth.rss).toBeLessThan(25 * MB);
  });

  it('in the middle of a real trace: the events around it are all read and analyzed', async () => {
    const { lines } = excerpt('ftrace-libaio-randwrite-cpu1.txt');
    const clean = await analyzeTrace(Readable.from([Buffer.from(`${lines.join('\n')}\n`)]));
    const { result, growth } = await measureGrowth(() => analyzeTrace(between));
    expect(result.stream.format).toBe('ftrace');
    expect(result.stream.read.lines).toBe(lines.length + 1);
    expect(result.stream.events).toBe(clean.stream.events);
    expect(result.analysis.input.diagnostics).toEqual({ ...clean.analysis.input.diagnostics, line_too_long: 1 });
    expect(result.analysis.ios).toEqual(clean.analysis.ios);
    expect(growth.heap).toBeLessThan(8 * MB);
    expect(growth.rss).toBeLessThan(25 * MB);
  });
});
