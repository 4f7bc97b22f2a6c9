import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { createEventSorter, mergeByCpu, textBytesBeforeReading, type SortMode } from '../../src/analyze/sort-events.js';
import type { Analysis } from '../../src/model/analysis.js';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * Input out of time order beyond the stream's 50 ms reorder window is sorted before analysis when
 * it is small enough to hold. The fixture is a real excerpt rearranged as `cat per_cpu/cpu*\/trace`
 * gives it (every CPU 0 line, then every CPU 1 line: 100 ms back at the seam): it must analyse
 * exactly as the excerpt in time order does.
 */

const ORDERED = join(FIXTURES, 'excerpts', 'ftrace-libaio-randwrite-cpu1.txt');
const CONCATENATED = join(FIXTURES, 'unordered', 'ftrace-per-cpu-concatenated.txt');

/** The analysis without what names the input, lists diagnostics or points at input lines (the sample paths' `line`). */
function answer(a: Analysis): unknown {
  const { input, diagnostics: _d, ...rest } = a;
  const whole = { ...rest, input: { format: input.format, lines: input.lines, events: input.events } };
  return JSON.parse(JSON.stringify(whole, (k, v: unknown) => (k === 'line' ? undefined : v))) as unknown;
}

let ordered: Analysis;
let concatenated: Analysis;
beforeAll(async () => {
  ordered = (await analyzeTrace(ORDERED)).analysis;
  concatenated = (await analyzeTrace(CONCATENATED)).analysis;
});

describe('per-CPU parts concatenated (a small file)', () => {
  it('hands each I/O to onPath once, the same I/Os as in time order', async () => {
    const ids = async (src: string): Promise<string[]> => {
      const got: string[] = [];
      await analyzeTrace(src, { onPath: (p) => got.push(`${p.mode} ${p.issue?.ts ?? ''} ${p.completion?.ts ?? ''}`) });
      return got.sort();
    };
    const [a, b] = [await ids(CONCATENATED), await ids(ORDERED)];
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });

  it('a consumer of every event is told when the analysis starts over, and sees the sorted pass once', async () => {
    const seen = async (src: string): Promise<{ restarts: number; events: string[] }> => {
      let restarts = 0;
      let events: string[] = [];
      await analyzeTrace(src, {
        onEvent: (e) => events.push(`${e.ts} ${e.cpu} ${e.kind}`),
        onRestart: () => {
          restarts++;
          events = [];
        },
      });
      return { restarts, events };
    };
    const [a, b] = [await seen(CONCATENATED), await seen(ORDERED)];
    expect(a.restarts).toBe(1);
    expect(b.restarts).toBe(0);
    // After the restart it gets each event once (the ordered excerpt's events), in time order
    // (ties between CPUs in input order, so not necessarily the excerpt's tie order).
    expect([...a.events].sort()).toEqual([...b.events].sort());
    const ts = a.events.map((e) => Number(e.split(' ')[0]));
    expect(ts.every((t, i) => i === 0 || t >= (ts[i - 1] as number))).toBe(true);
  });

  it('read from a pipe it cannot be held: analysed as it comes, with a warning', async () => {
    const { analysis } = await analyzeTrace(createReadStream(CONCATENATED));
    expect(analysis.input.diagnostics.unsorted_input).toBe(1);
    expect(analysis.input.diagnostics.sorted_input).toBeUndefined();
    expect(answer(analysis)).not.toEqual(answer(ordered));
  });

  it('analyses exactly as the same events in time order', () => {
    expect(concatenated.ios.total).toBeGreaterThan(0);
    expect(answer(concatenated)).toEqual(answer(ordered));
  });

  it('says it sorted them (info), beside the out_of_order the stream counted', () => {
    expect(concatenated.input.diagnostics.sorted_input).toBe(1);
    expect(concatenated.input.diagnostics.out_of_order).toBeGreaterThan(0);
    const d = concatenated.diagnostics.find((x) => x.code === 'sorted_input');
    expect(d?.severity).toBe('info');
    expect(d?.examples[0]?.message).toMatch(/^\d+ events? earlier than an event of another CPU before (it|them), beyond the 50 ms reorder window: all 120 events put in time order before analysis$/);
    expect(ordered.input.diagnostics.sorted_input).toBeUndefined();
  });
});

/** A minimal event: only what the sorter reads. */
const ev = (cpu: number, ts: number, line: number, kind: TraceEvent['kind'] = 'other'): TraceEvent => ({ kind, ts, line, cpu, pid: 1, comm: 'x' }) as TraceEvent;

function run(events: TraceEvent[], maxEvents?: number, mode: SortMode = 'hold'): { out: number[]; diags: ReturnType<ReturnType<typeof createDiagnostics>['summaries']> } {
  const diags = createDiagnostics('t');
  const out: number[] = [];
  const s = createEventSorter((e) => out.push(e.line), diags, mode, maxEvents);
  for (const e of events) s.push(e);
  s.finish();
  return { out, diags: diags.summaries() };
}

describe('createEventSorter', () => {
  it('in order: handed on unchanged, nothing said', () => {
    const r = run([ev(0, 1, 1), ev(1, 2, 2), ev(0, 2, 3), ev(1, 5, 4)]);
    expect(r.out).toEqual([1, 2, 3, 4]);
    expect(r.diags).toEqual([]);
  });

  it('CPUs concatenated: put in time order, ties in input order', () => {
    const r = run([ev(0, 10, 1), ev(0, 20, 2), ev(1, 10, 3), ev(1, 5, 4), ev(1, 20, 5)]);
    // CPU 1's own clock went back (10 then 5): its order is kept, so 4 stays after 3.
    expect(r.out).toEqual([1, 3, 4, 2, 5]);
    expect(r.diags.map((d) => [d.code, d.count, d.examples[0]?.line])).toEqual([['sorted_input', 1, 3]]);
  });

  it('CPU numbers far apart, past the per-CPU table or negative (damaged lines) are told apart alike', () => {
    // CPU 5000 is late against CPU 3, and 9000's second event against 20000's (past the table) and -2's.
    const r = run([ev(3, 10, 1), ev(5000, 5, 2), ev(9000, 30, 3), ev(20000, 40, 4), ev(20000, 45, 5), ev(-2, 50, 6), ev(9000, 35, 7)]);
    expect(r.out).toEqual([2, 1, 3, 7, 4, 5, 6]);
    expect(r.diags.map((d) => [d.code, d.count, d.examples[0]?.line])).toEqual([['sorted_input', 1, 2]]);
  });

  it('a timestamp that goes back on one CPU alone is not reordered (its buffer order is the truth)', () => {
    const r = run([ev(1, 200, 1), ev(1, 248, 2), ev(1, 100, 3), ev(1, 110, 4)]);
    expect(r.out).toEqual([1, 2, 3, 4]);
    expect(r.diags).toEqual([]);
  });

  it('loss markers do not count as disorder (they carry the time of the event before them)', () => {
    const r = run([ev(0, 10, 1), ev(1, 30, 2, 'lost'), ev(1, 20, 3)]);
    expect(r.out).toEqual([1, 2, 3]);
    expect(r.diags).toEqual([]);
  });

  it('over the budget: input order kept, one warning', () => {
    const r = run([ev(0, 10, 1), ev(0, 20, 2), ev(0, 30, 3), ev(1, 5, 4), ev(1, 1, 5)], 3);
    expect(r.out).toEqual([1, 2, 3, 4, 5]);
    expect(r.diags.map((d) => [d.code, d.severity, d.count, d.examples[0]?.line])).toEqual([['unsorted_input', 'warning', 1, 4]]);
  });

  it('over the budget with the disorder inside the held part: the warning names its first line', () => {
    const r = run([ev(0, 10, 1), ev(1, 5, 2), ev(0, 30, 3), ev(0, 40, 4)], 3);
    expect(r.out).toEqual([1, 2, 3, 4]);
    expect(r.diags.map((d) => [d.code, d.examples[0]?.line])).toEqual([['unsorted_input', 2]]);
  });
});

describe('passes that do not hold the events', () => {
  const concatenated = [ev(0, 10, 1), ev(0, 20, 2), ev(1, 10, 3), ev(1, 5, 4)];
  it('detect: input order, the late events counted, nothing said (a sorting pass follows)', () => {
    const diags = createDiagnostics('t');
    const out: number[] = [];
    const s = createEventSorter((e) => out.push(e.line), diags, 'detect');
    for (const e of concatenated) s.push(e);
    s.finish();
    expect(out).toEqual([1, 2, 3, 4]);
    expect(s.late).toBe(2);
    expect(diags.summaries()).toEqual([]);
  });

  it('warn: input order, one warning at the first late event', () => {
    const r = run(concatenated, undefined, 'warn');
    expect(r.out).toEqual([1, 2, 3, 4]);
    expect(r.diags.map((d) => [d.code, d.count, d.examples[0]?.line])).toEqual([['unsorted_input', 1, 3]]);
    expect(r.diags[0]?.examples[0]?.message).toMatch(/cannot be held for sorting \(read from a pipe, or more than 64 MiB of text\)/);
  });
});

describe('the text size of an input, before reading it', () => {
  it('a file: its size; gzip: its trailer; a pipe: unknown', () => {
    expect(textBytesBeforeReading(CONCATENATED)).toBe(statSync(CONCATENATED).size);
    const gz = join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz');
    expect(textBytesBeforeReading(gz)).toBe(gunzipSync(readFileSync(gz)).length);
    expect(textBytesBeforeReading('-')).toBeUndefined();
    expect(textBytesBeforeReading(Readable.from([]))).toBeUndefined();
  });
});

describe('mergeByCpu', () => {
  it('many CPUs, shuffled blocks: time order, each CPU in its own order', () => {
    const events: TraceEvent[] = [];
    let line = 0;
    // CPU c's events at c, c + 8, c + 16, …; CPUs written one after another, last CPU first.
    for (let c = 7; c >= 0; c--) for (let t = c; t < 400; t += 8) events.push(ev(c, t, ++line));
    const ts = mergeByCpu(events).map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts).toHaveLength(events.length);
  });
});
