import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { analyze, calibrate, compare, evaluateGates, gateFailure, IopathError, readEvents, simulate, streamEvents, type Analysis, type TraceEvent } from '../../src/index.js';
import { FIXTURES } from '../helpers/paths.js';
import { tempDir } from '../cli/run.js';

/** The library's own contract (src/index.ts): same objects as the internals, typed refusals, a reader that stops when its loop does. */

const dir = tempDir('library');
const TRACE = join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');
const OTHER = join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz');
const TEXT = gunzipSync(readFileSync(TRACE));

/** The trace's bytes in 64 KiB chunks, counting how many the reader pulled. */
function chunked(): { source: AsyncIterable<Buffer>; pulled: () => number; total: number } {
  const size = 64 << 10;
  let pulled = 0;
  return {
    source: (async function* () {
      for (let i = 0; i < TEXT.length; i += size) {
        pulled++;
        yield TEXT.subarray(i, i + size);
      }
    })(),
    pulled: () => pulled,
    total: Math.ceil(TEXT.length / size),
  };
}

let analysis: Analysis;
beforeAll(async () => {
  analysis = await analyze(TRACE);
});

describe('analyze', () => {
  it('returns the pipeline’s Analysis, from a path or from a stream of the same bytes', async () => {
    expect(analysis).toEqual((await analyzeTrace(TRACE)).analysis);
    expect(analysis.ios.byMode['kworker-deferred']).toBeGreaterThan(0);
    const fromStream = await analyze(chunked().source, { label: TRACE });
    expect(fromStream).toEqual(analysis);
  });

  it('hands every finished I/O to onIo', async () => {
    let ios = 0;
    await analyze(TRACE, { onIo: () => ios++ });
    expect(ios).toBe(analysis.ios.total);
  });

  it('refuses with a kind: unreadable, unrecognised, usage', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not\na\ntrace\n');
    await expect(analyze(join(dir, 'missing.txt'))).rejects.toMatchObject({ kind: 'unreadable', message: `${join(dir, 'missing.txt')}: no such file` });
    await expect(analyze(dir)).rejects.toMatchObject({ kind: 'unreadable' });
    await expect(analyze(empty)).rejects.toMatchObject({ kind: 'unrecognised', message: `${empty}: nothing to analyze: the input is empty` });
    await expect(analyze(notes)).rejects.toMatchObject({ kind: 'unrecognised', message: `${notes}: nothing to analyze: none of its 3 lines is a trace event` });
    await expect(analyze(TRACE, { format: 'perf-script' as never })).rejects.toMatchObject({ kind: 'usage' });
    await expect(analyze(TRACE, { unit: 'bio' as never })).rejects.toBeInstanceOf(IopathError);
  });

  it('turns a read that failed into an unreadable error, in one line', async () => {
    const failing = (async function* () {
      yield TEXT.subarray(0, 1 << 16);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
    })();
    await expect(analyze(failing)).rejects.toMatchObject({ kind: 'unreadable', message: 'EIO: i/o error, read' });
  });
});

describe('readEvents and streamEvents', () => {
  it('yield the same events, in the same order', async () => {
    const pushed: TraceEvent[] = [];
    const summary = await streamEvents(TRACE, (e) => pushed.push(e));
    expect(summary).toMatchObject({ format: 'ftrace', gzip: true, lines: 60_012, events: pushed.length });
    expect(pushed.length).toBeGreaterThan(50_000);
    const pulled: TraceEvent[] = [];
    for await (const e of readEvents(chunked().source)) pulled.push(e);
    expect(pulled.length).toBe(pushed.length);
    expect(pulled).toEqual(pushed);
  });

  it('stop reading when the loop is left early', async () => {
    const src = chunked();
    let n = 0;
    for await (const e of readEvents(src.source)) {
      expect(e.ts).toBeGreaterThan(0);
      if (++n === 10) break;
    }
    expect(src.pulled()).toBeGreaterThan(0);
    expect(src.pulled()).toBeLessThan(src.total / 2);
  });

  it('refuse an input without trace events, as analyze does', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not\na\ntrace\n');
    const loop = async (): Promise<number> => {
      let n = 0;
      for await (const _ of readEvents(notes)) n++;
      return n;
    };
    await expect(loop()).rejects.toMatchObject({ kind: 'unrecognised', message: `${notes}: nothing to read: none of its 3 lines is a trace event` });
    await expect(streamEvents(notes, () => undefined)).rejects.toMatchObject({ kind: 'unrecognised' });
  });
});

describe('compare, gates, simulate, calibrate', () => {
  it('compares paths and analyses alike, and a gate trips on the share of kworker completions', async () => {
    // fio moved off the interrupt's CPU: IOPS doubled, and nearly every I/O now completes in a kworker.
    const fromPaths = await compare(TRACE, OTHER, { seed: 7, resamples: 200 });
    const fromObjects = await compare([analysis], [await analyze(OTHER)], { seed: 7, resamples: 200 });
    expect(fromObjects).toEqual(fromPaths);
    expect(fromPaths.schema).toBe('iopath.compare/1');
    const outcomes = evaluateGates(fromPaths, ['kworker', 'iops:1000']);
    expect(outcomes.map((o) => o.status)).toEqual(['regressed', 'ok']);
    expect(gateFailure(outcomes)).toMatchObject({ kind: 'regression', message: 'regression: kworker' });
    expect(() => evaluateGates(fromPaths, ['speed'])).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('turns the simulator’s and calibration’s refusals into IopathErrors', async () => {
    await expect(simulate({ params: { iodepth: 0 } })).rejects.toMatchObject({ kind: 'usage' });
    await expect(calibrate('-')).rejects.toMatchObject({ kind: 'usage' });
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not\na\ntrace\n');
    await expect(calibrate(notes)).rejects.toMatchObject({ kind: 'unrecognised' });
  });
});
