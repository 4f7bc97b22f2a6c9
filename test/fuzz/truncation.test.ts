import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../src/model/events.js';
import { textSource } from '../helpers/paths.js';
import { collect } from '../parse/helpers.js';
import { renderEvent } from '../parse/render.js';
import { expectSaneAnalysis } from './analyze-checks.js';
import { smallFixture } from './corpus.js';
import { isSilentLine } from './invariants.js';

/**
 * A file cut at every byte (a download or a copy that stopped short, a capture killed mid-write):
 * each cut parses without throwing, and its events are the whole file's events up to the cut.
 * Only the last, partial line may differ: if it still reads as an event, its header (time, CPU,
 * task) is the whole line's, since a header is only read up to the `: ` that ends the timestamp.
 */

const header = (e: TraceEvent): string => JSON.stringify([e.line, e.ts, e.cpu, e.pid, e.comm, e.flags]);

describe.each([
  ['ftrace-libaio-randwrite-cpu1.txt', 3000],
  ['trace-cmd-libaio-randwrite-cpu1.txt', 3000],
  ['perf-libaio-randwrite-cpu1.txt', 3000],
] as const)('%s cut at every byte of its first ~3 KB', (name, bytes) => {
  const text = smallFixture(name, bytes);
  const buf = Buffer.from(text, 'utf8');

  it('gives a prefix of the whole file’s events', async () => {
    const whole = (await collect(textSource(text))).events;
    expect(whole.length).toBeGreaterThan(10);
    for (let cut = 0; cut <= buf.length; cut++) {
      const part = buf.subarray(0, cut).toString('utf8');
      const { events, result } = await collect(textSource(part));
      // Lines before the last one are whole; the last may be cut short.
      const lastLine = part.endsWith('\n') ? Infinity : part.split('\n').length;
      const complete = events.filter((e) => e.line < lastLine);
      expect(complete.map(renderEvent), `cut at ${cut}`).toEqual(whole.slice(0, complete.length).map(renderEvent));
      const partial = events.filter((e) => e.line >= lastLine);
      expect(partial.length, `cut at ${cut}`).toBeLessThanOrEqual(1);
      const tail = partial[0];
      if (tail) expect(header(tail), `cut at ${cut}`).toBe(header(whole[complete.length]!));
      // Nothing silently dropped: each line that is not blank, a comment or a known header became
      // an event or was counted as skipped, the partial last line included.
      const counts = result.diagnostics.counts();
      const skipped = (counts.malformed_line ?? 0) + (counts.binary_data ?? 0) + (counts.unknown_line ?? 0);
      const loud = part.split('\n').filter((l) => !isSilentLine(l)).length;
      expect(events.length + skipped, `cut at ${cut}`).toBe(loud);
    }
  });

  it('a gzip of it cut at every byte: a prefix of the events, and the damage is reported', async () => {
    const whole = (await collect(textSource(text))).events;
    const gz = gzipSync(buf);
    for (let cut = 2; cut < gz.length; cut++) {
      const { events, result } = await collect(Readable.from([gz.subarray(0, cut)]));
      // What was inflated before the damage is read as a file cut there: its last line may be partial.
      const last = events.length - 1;
      expect(events.slice(0, Math.max(last, 0)).map(renderEvent), `cut at ${cut}`).toEqual(whole.slice(0, Math.max(last, 0)).map(renderEvent));
      if (last >= 0) expect(header(events[last]!), `cut at ${cut}`).toBe(header(whole[last]!));
      expect(result.read.gzipError, `cut at ${cut}`).toBeDefined();
      expect(result.diagnostics.count('malformed_line'), `cut at ${cut}`).toBeGreaterThan(0);
    }
  });

  it('analyzes every cut into a valid analysis', async () => {
    for (let cut = 0; cut <= buf.length; cut++) {
      const r = await analyzeTrace(textSource(buf.subarray(0, cut).toString('utf8')));
      expectSaneAnalysis(r);
    }
  });
});
