import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deltaTimes, detectFormat } from '../../src/parse/detect.js';
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

  it('perf script --deltatime is told from --reltime and default times', () => {
    const delta = read(EXCERPTS, 'perf-script-deltatime.txt').split('\n');
    expect(detectFormat(delta)?.times).toBe('delta');
    expect(detectFormat(read(EXCERPTS, 'perf-script-deltatime-ns.txt').split('\n'))?.times).toBe('delta');
    for (const name of ['perf-script-default.txt', 'perf-script-ns.txt', 'perf-script-show-task-events.txt', 'perf-ns.txt']) {
      expect(detectFormat(read(EXCERPTS, name).split('\n'))?.times, name).toBeUndefined();
    }
    // The same lines with their times from 0 but never going back: --reltime.
    let t = 0;
    const rel = delta.map((l) => l.replace(/(\d+)\.(\d{6}):/, (_m, s: string, f: string) => {
      t += Number(s) * 1e6 + Number(f);
      return `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}:`;
    }));
    expect(detectFormat(rel)?.format).toBe('perf');
    expect(detectFormat(rel)?.times).toBeUndefined();
    // A cut from the middle of a --deltatime print does not start at 0: not recognised.
    expect(detectFormat(delta.slice(10))?.times).toBeUndefined();
  });

  it('deltaTimes: from exactly 0, and going back often', () => {
    expect(deltaTimes(0, [0, 6, 5, 4, 18, 369, 28, 8])).toBe(true);
    expect(deltaTimes(0, [0, 6, 11, 15, 33, 402, 430, 438])).toBe(false);
    expect(deltaTimes(5, [5, 6, 5, 4, 18])).toBe(false);
    expect(deltaTimes(0, [0, 1])).toBe(false);
    // One late line in a sorted print of 40 is no delta print.
    expect(deltaTimes(0, [0, ...Array.from({ length: 40 }, (_, i) => (i === 20 ? 1 : 100 + i))])).toBe(false);
  });

  it('perf side-band records at time 0 at the top do not make perf text look like anything else', async () => {
    const text = read(EXCERPTS, 'perf-script-show-task-events.txt');
    expect(detectFormat(text.split('\n').slice(0, 100))?.format).toBe('perf');
    const { result } = await collect(stream(text));
    expect(result.diagnostics.count('malformed_line')).toBe(0);
  });

  it('tracefs text with options/context-info off is recognised only to say why nothing can be analysed', () => {
    // Real lines of a capture with context-info 0 (6.18): the event alone, no task, CPU or time.
    const lines = [
      '# tracer: nop',
      '#',
      'iomap_dio_rw_begin: dev 254:0 ino 0xf562d9 size 0x4000000 offset 0x3dc000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1',
      'block_rq_issue: 254,0 WS 4096 () 141569776 + 8 be,0,4 [fio]',
      'workqueue_queue_work: work struct=00000000a1b2c3d4 function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1',
    ];
    const d = detectFormat(lines);
    expect(d).toMatchObject({ format: 'ftrace', eventLines: 0 });
    expect(d?.reason).toMatch(/context-info off/);
    // Other text with colons is still nothing at all.
    expect(detectFormat(['hello: world', 'note: block_rq_issue happened'])).toBeNull();
  });

  it('perf script without its tid and pid columns is recognised only to say so, a comm ending in -N included', () => {
    // perf script -F comm,cpu,time,event,trace of fixtures/binary/perf-randwrite.data.
    const d = detectFormat([
      '            perf [000]   500.273560:                sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000',
      '     migration/0 [000]   500.273568:                sched:sched_waking: comm=perf pid=14911 prio=120 target_cpu=000',
      ' memfd:sealed-91 [001]   500.304971:                sched:sched_switch: prev_comm=memfd:sealed-91 prev_pid=4494 prev_prio=120 prev_state=S ==> next_comm=node next_pid=14897 next_prio=120',
    ]);
    expect(d).toMatchObject({ format: 'perf', eventLines: 0 });
    expect(d?.reason).toMatch(/without its tid and pid columns/);
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
