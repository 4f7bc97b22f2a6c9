import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../src/model/events.js';
import { collect } from '../parse/helpers.js';
import { renderEvent } from '../parse/render.js';
import { expectSaneAnalysis } from './analyze-checks.js';
import { excerpts } from './corpus.js';
import { fuzzParams } from './mutate.js';
import { chunked } from './traces.js';

/**
 * Binary junk: random bytes (NUL, invalid UTF-8, a stray gzip magic), alone or spliced as lines
 * between the lines of a real trace. Nothing throws; the real lines give exactly the events they
 * gave without the junk; each junk line is counted as `binary_data`.
 */

/** Any bytes at all (fed as one chunk or several). */
const bytes = fc.uint8Array({ maxLength: 4096 });

/** One line of junk: random bytes without a newline, holding at least one byte no text has (a control byte, or 0xff which UTF-8 never uses). */
const junkLine = fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.constantFrom(0x00, 0x01, 0x1b, 0xff, 0xfe)).map(([b, at, bad]) => {
  const out = Array.from(b).filter((x) => x !== 0x0a);
  out.splice(at % (out.length + 1), 0, bad);
  // A line starting with `#` is a comment whatever follows: keep junk from starting like one.
  if (out[0] === 0x23) out.unshift(0x00);
  return Buffer.from(out);
});

const withoutLine = (e: TraceEvent): string => renderEvent({ ...e, line: 0 });

describe('binary junk', () => {
  it('random bytes: no throw from the stream or the analysis', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 4 }), async (b, cuts) => {
        const { events, result } = await collect(Readable.from(chunked(Buffer.from(b), cuts).filter((c) => c.length > 0)));
        expect(result.events).toBe(events.length);
        expectSaneAnalysis(await analyzeTrace(Readable.from([Buffer.from(b)])));
      }),
      fuzzParams(300),
    );
  });

  it.each(excerpts().map((e) => [e.name, e] as const))('junk lines spliced into %s: the same events, each junk line counted', async (_name, ex) => {
    const clean = await collect(Readable.from([Buffer.from(ex.text)]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), junkLine), { minLength: 1, maxLength: 8 }), async (junk) => {
        const lines: Buffer[] = ex.lines.map((l) => Buffer.from(l));
        for (const [at, j] of junk) lines.splice(at % (lines.length + 1), 0, j);
        const { events, result } = await collect(Readable.from([Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]))]));
        expect(result.format).toBe(clean.result.format);
        expect(events.map(withoutLine)).toEqual(clean.events.map(withoutLine));
        const before = clean.result.diagnostics.counts();
        const after = result.diagnostics.counts();
        expect((after.binary_data ?? 0) - (before.binary_data ?? 0)).toBe(junk.length);
      }),
      fuzzParams(20),
    );
  });
});
