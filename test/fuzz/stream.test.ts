import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import { streamEvents, type StreamOptions } from '../../src/parse/stream.js';
import { renderEvent } from '../parse/render.js';
import { excerpts } from './corpus.js';
import { expectSaneEvent, isSilentLine } from './invariants.js';
import { fuzzParams } from './mutate.js';
import { chunked, hostileTrace } from './traces.js';

/**
 * `streamEvents` over hostile traces built from every excerpt: never throws, counts every line,
 * explains every line it drops, and gives the same events however the bytes are chunked (chunk
 * edges may split a line, a CRLF or a multi-byte character).
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const SKIP_CODES = ['malformed_line', 'binary_data', 'unknown_line', 'line_too_long', 'perf_script_text'] as const;

async function run(chunks: Buffer[], opts: StreamOptions = {}): Promise<{ events: TraceEvent[]; result: Awaited<ReturnType<typeof streamEvents>> }> {
  const events: TraceEvent[] = [];
  const result = await streamEvents(Readable.from(chunks), (e) => events.push(e), opts);
  return { events, result };
}

/** The lines as readLines cuts them: on `\n`, without a trailing `\r`. */
function inputLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

describe.each(excerpts().map((e) => [e.name, e] as const))('streamEvents on hostile edits of %s', (_name, ex) => {
  it('never throws, explains what it skipped, and does not depend on chunking', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTrace(ex.lines), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), async (text, cuts, force) => {
        const buf = Buffer.from(text, 'utf8');
        const opts: StreamOptions = force ? { format: ex.format } : {};
        const whole = await run([buf], opts);
        const lines = inputLines(text);
        // A final newline ends the last line; it does not start another.
        const expectedLines = text.endsWith('\n') ? lines.length - 1 : lines.length;
        expect(whole.result.read.lines).toBe(expectedLines);
        expect(whole.result.events).toBe(whole.events.length);
        for (const e of whole.events) expectSaneEvent(e, e.line);
        const counts = whole.result.diagnostics.counts();
        const skipped = SKIP_CODES.reduce((a, c) => a + (counts[c] ?? 0), 0);
        const loud = lines.slice(0, expectedLines).filter((l) => !isSilentLine(l)).length;
        // Each line gives at most one event or one skip diagnostic, and a line that is not silent by design gives one of them.
        expect(whole.events.length + skipped).toBeLessThanOrEqual(expectedLines);
        expect(whole.events.length + skipped).toBeGreaterThanOrEqual(loud);
        // Lines quoted in diagnostics reach terminals and the report: no raw control bytes.
        for (const d of whole.result.diagnostics.summaries()) for (const x of d.examples) expect(x.text ?? '').not.toMatch(CONTROL);
        const split = await run(chunked(buf, cuts), opts);
        expect(split.events.map(renderEvent)).toEqual(whole.events.map(renderEvent));
        expect(split.result.diagnostics.counts()).toEqual(counts);
        expect(split.result.format).toBe(whole.result.format);
      }),
      fuzzParams(40),
    );
  });
});
