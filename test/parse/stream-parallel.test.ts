import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { ANALYZED_EVENTS } from '../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../src/model/events.js';
import { canStreamInWorker, workerThreshold } from '../../src/parse/stream-parallel.js';
import { streamEvents, type StreamResult } from '../../src/parse/stream.js';
import { FIXTURES, HAS_SHARED, REPO, SHARED_TRACES, textSource } from '../helpers/paths.js';
import { EXCERPTS, HOSTILE } from './helpers.js';

/**
 * The worker-thread stream gives what the in-place stream gives. A worker runs JavaScript only, so
 * these tests drive the built modules (dist/, made by `npm ci`) and compare them with the sources.
 */

const DIST = join(REPO, 'dist');
const built = existsSync(join(DIST, 'parse', 'stream-worker.js'));

type Parallel = typeof import('../../src/parse/stream-parallel.js');
type Pipeline = typeof import('../../src/analyze/pipeline.js');
const parallel = async (): Promise<Parallel> => (await import(join(DIST, 'parse', 'stream-parallel.js'))) as Parallel;

function comparable(r: StreamResult): object {
  const { diagnostics, ...rest } = r;
  return { ...rest, diagnostics: diagnostics.summaries() };
}

const files = [
  join(EXCERPTS, 'ftrace-live-lost.txt'),
  join(EXCERPTS, 'perf-ns-show-lost-events.txt'),
  join(EXCERPTS, 'ftrace-trace-pipe.txt'),
  join(HOSTILE, 'junk.ftrace.txt'),
  join(HOSTILE, 'names.trace-cmd.txt'),
  join(HOSTILE, 'lost.perf.txt'),
  join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'),
  // Binary inputs take the thread's binary path (their reader only; zstd started early for v7).
  join(FIXTURES, 'binary', 'libaio-randwrite-200.v7-zstd.dat'),
  join(FIXTURES, 'binary', 'lost-64k.v6-none.dat'),
  join(FIXTURES, 'binary', 'perf-randwrite-z.data'),
  join(FIXTURES, 'binary', 'perf-lost.data'),
];

describe.skipIf(!built)('streamEventsParallel (built)', () => {
  for (const file of files) {
    it(`${file.slice(FIXTURES.length + 1)}: same events, result and diagnostics as streamEvents`, async () => {
      const { streamEventsParallel } = await parallel();
      for (const payloads of ['all', ANALYZED_EVENTS] as const) {
        const a: TraceEvent[] = [];
        const b: TraceEvent[] = [];
        const ra = await streamEvents(file, (e) => a.push(e), { payloads, label: 'x' });
        const rb = await streamEventsParallel(file, (e) => b.push(e), { payloads, label: 'x' });
        expect(b).toStrictEqual(a);
        expect(comparable(rb)).toStrictEqual(comparable(ra));
      }
    });
  }

  it('many long malformed lines: the same diagnostics and examples', async () => {
    const { streamEventsParallel } = await parallel();
    const dir = mkdtempSync(join(tmpdir(), 'iopath-par-'));
    try {
      const good = readFileSync(join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt'), 'utf8').split('\n');
      const junk = (i: number): string => `  fio-1 [001] ..... 1.${String(i).padStart(6, '0')}: ${'x'.repeat(100_000)}`;
      const text = good.flatMap((l, i) => (i % 5 === 0 ? [junk(i), l] : [l])).join('\n');
      const file = join(dir, 'junk.txt');
      writeFileSync(file, text);
      const a: TraceEvent[] = [];
      const b: TraceEvent[] = [];
      const ra = await streamEvents(file, (e) => a.push(e), { label: 'x' });
      const rb = await streamEventsParallel(file, (e) => b.push(e), { label: 'x' });
      expect(ra.diagnostics.count('malformed_line')).toBeGreaterThan(10);
      expect(b).toStrictEqual(a);
      expect(comparable(rb)).toStrictEqual(comparable(ra));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports progress from the thread, rising to the bytes read', async () => {
    const { streamEventsParallel } = await parallel();
    const dir = mkdtempSync(join(tmpdir(), 'iopath-par-'));
    try {
      // 40 MB of text: past the thread's 16 MiB progress step twice.
      const text = gunzipSync(readFileSync(join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz')));
      const file = join(dir, 'big.txt');
      writeFileSync(file, Buffer.concat([text, text, text, text, text]));
      const seen: number[] = [];
      const r = await streamEventsParallel(file, () => undefined, { payloads: 'none', onProgress: (b, gzip) => (expect(gzip).toBe(false), seen.push(b)) });
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBeLessThanOrEqual(r.read.bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file rejects with the reader’s error, no thread left behind', async () => {
    const { streamEventsParallel } = await parallel();
    const err = (await streamEventsParallel(join(FIXTURES, 'no-such-file.txt'), () => undefined).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.message).toMatch(/ENOENT/);
    // What makes it a system error survives the thread (the CLI prints those in one line).
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'open', path: join(FIXTURES, 'no-such-file.txt') });
  });

  it('an exception in the consumer stops the thread and rejects', async () => {
    const { streamEventsParallel } = await parallel();
    let n = 0;
    const p = streamEventsParallel(join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz'), () => {
      if (++n === 1000) throw new Error('consumer failed');
    });
    await expect(p).rejects.toThrow('consumer failed');
  });
});

describe.skipIf(!built)('analyzeTrace with the parsing thread (built)', () => {
  const saved = process.env['IOPATH_THREADS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['IOPATH_THREADS'];
    else process.env['IOPATH_THREADS'] = saved;
  });
  // Of the whole shared captures, one per text format the thread parses (tracefs, trace-cmd
  // report, perf script), each analysed twice: the other three are tracefs files of other jobs,
  // and tracefs is already covered here by the read capture and the two bundled ftrace captures.
  const ONE_PER_FORMAT = /^(libaio-randread-cpu1\.raw|libaio-randwrite-cpu1-tcmd\.tcmd|libaio-randwrite-cpu1-perf\.perf)\.txt\.gz$/;
  const shared = HAS_SHARED ? readdirSync(SHARED_TRACES).filter((f) => ONE_PER_FORMAT.test(f)).map((f) => join(SHARED_TRACES, f)) : [];
  it.skipIf(!HAS_SHARED)('finds one shared capture of each format', () => expect(shared).toHaveLength(3));
  const inputs = [...['libaio-randwrite-cpu1', 'libaio-randwrite-cpu0'].map((stem) => join(FIXTURES, 'real', `${stem}.ftrace.txt.gz`)), ...shared];
  for (const file of inputs) {
    it(`${basename(file)}: the analysis equals the in-place one`, async () => {
      process.env['IOPATH_THREADS'] = '0';
      const inPlace = await analyzeTrace(file);
      process.env['IOPATH_THREADS'] = '1';
      const pipeline = (await import(join(DIST, 'analyze', 'pipeline.js'))) as Pipeline;
      const threaded = await pipeline.analyzeTrace(file);
      expect(JSON.parse(JSON.stringify(threaded.analysis))).toStrictEqual(JSON.parse(JSON.stringify(inPlace.analysis)));
    });
  }
});

describe('canStreamInWorker', () => {
  it('never takes stdin, a stream or strict mode, and follows IOPATH_THREADS', () => {
    const saved = process.env['IOPATH_THREADS'];
    try {
      process.env['IOPATH_THREADS'] = '1';
      expect(canStreamInWorker('-', {})).toBe(false);
      expect(canStreamInWorker(textSource('x'), {})).toBe(false);
      expect(canStreamInWorker(join(FIXTURES, 'README.md'), { strict: true })).toBe(false);
      process.env['IOPATH_THREADS'] = '0';
      expect(canStreamInWorker(join(FIXTURES, 'README.md'), {})).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['IOPATH_THREADS'];
      else process.env['IOPATH_THREADS'] = saved;
    }
  });
});

describe('workerThreshold', () => {
  const bin = (f: string): string => join(FIXTURES, 'binary', f);
  it('asks more bytes of a format that holds fewer events per byte', () => {
    const v7 = workerThreshold(bin('libaio-randwrite-200.v7-zstd.dat'));
    const v6 = workerThreshold(bin('libaio-randwrite-200.v6-none.dat'));
    const perf = workerThreshold(bin('perf-randwrite.data'));
    const perfZ = workerThreshold(bin('perf-randwrite-z.data'));
    const text = workerThreshold(join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'));
    // The same trace is ~6x larger uncompressed: the zstd file reaches as many events sooner.
    expect(v7).toBeLessThan(v6);
    expect(perf).toBeGreaterThan(v7);
    expect(perfZ).toBe(perf);
    expect(perf).toBe(Infinity);
    expect(text).toBeGreaterThan(v7);
  });

  // The built module (from the sources, the worker's script is missing and nothing goes to it).
  it.skipIf(!built)('in auto mode the small fixtures are read in place, and any file with IOPATH_THREADS=1', async () => {
    const p = await parallel();
    const saved = process.env['IOPATH_THREADS'];
    try {
      for (const f of ['libaio-randwrite-200.v7-zstd.dat', 'perf-randwrite.data']) {
        delete process.env['IOPATH_THREADS'];
        expect(p.canStreamInWorker(bin(f), {})).toBe(false);
        process.env['IOPATH_THREADS'] = '1';
        expect(p.canStreamInWorker(bin(f), {})).toBe(true);
      }
    } finally {
      if (saved === undefined) delete process.env['IOPATH_THREADS'];
      else process.env['IOPATH_THREADS'] = saved;
    }
  });
});


describe.skipIf(!built)('a decoding thread started early (built)', () => {
  const saved = process.env['IOPATH_THREADS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['IOPATH_THREADS'];
    else process.env['IOPATH_THREADS'] = saved;
  });
  const dat = join(FIXTURES, 'binary', 'libaio-randwrite-200.v7-zstd.dat');
  const text = join(EXCERPTS, 'ftrace-live-lost.txt');
  const inPlace = async (file: string): Promise<TraceEvent[]> => {
    const a: TraceEvent[] = [];
    await streamEvents(file, (e) => a.push(e), { payloads: ANALYZED_EVENTS });
    return a;
  };

  it('is taken by the stream that asks for the same read, and gives its events', async () => {
    process.env['IOPATH_THREADS'] = '1';
    const { prestartStreamWorker, streamEventsParallel, streamWorkersStarted, earlyMessagesWaiting } = await parallel();
    prestartStreamWorker(dat, { payloads: ANALYZED_EVENTS });
    const n = streamWorkersStarted();
    // The thread sends batches nobody listens to yet (and waits for them to come back): they must come first, in order.
    for (let i = 0; i < 200 && earlyMessagesWaiting() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(earlyMessagesWaiting()).toBeGreaterThanOrEqual(2);
    const b: TraceEvent[] = [];
    await streamEventsParallel(dat, (e) => b.push(e), { payloads: ANALYZED_EVENTS });
    expect(streamWorkersStarted()).toBe(n);
    expect(b).toStrictEqual(await inPlace(dat));
  });

  it('is stopped, and a thread of the right read started, when the stream asks for another file or other events', async () => {
    process.env['IOPATH_THREADS'] = '1';
    const { prestartStreamWorker, streamEventsParallel, streamWorkersStarted } = await parallel();
    prestartStreamWorker(dat, { payloads: ANALYZED_EVENTS });
    const n = streamWorkersStarted();
    const b: TraceEvent[] = [];
    await streamEventsParallel(text, (e) => b.push(e), { payloads: ANALYZED_EVENTS });
    expect(streamWorkersStarted()).toBe(n + 1);
    expect(b).toStrictEqual(await inPlace(text));
    prestartStreamWorker(dat, { payloads: 'all' });
    const c: TraceEvent[] = [];
    await streamEventsParallel(dat, (e) => c.push(e), { payloads: ANALYZED_EVENTS });
    expect(streamWorkersStarted()).toBe(n + 3);
    expect(c).toStrictEqual(await inPlace(dat));
  });

  it('starts nothing where the stream would read in place, and an unused one lets the process end', async () => {
    process.env['IOPATH_THREADS'] = '0';
    const { prestartStreamWorker, streamWorkersStarted } = await parallel();
    const n = streamWorkersStarted();
    prestartStreamWorker(dat, { payloads: ANALYZED_EVENTS });
    prestartStreamWorker('/nonexistent/trace.dat', { payloads: ANALYZED_EVENTS });
    expect(streamWorkersStarted()).toBe(n);
    const script = `const m = await import(${JSON.stringify(join(DIST, 'parse', 'stream-parallel.js'))}); m.prestartStreamWorker(${JSON.stringify(dat)}, {}); console.log(m.streamWorkersStarted());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, IOPATH_THREADS: '1' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('1');
  });
});
