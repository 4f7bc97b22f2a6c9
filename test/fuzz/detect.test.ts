import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/parse/detect.js';
import { TRACE_FORMATS } from '../../src/parse/formats.js';
import { newHeader, tokenizeHeader } from '../../src/parse/header.js';
import { excerpts, linesOf } from './corpus.js';
import { anyLine, fuzzParams } from './mutate.js';

/**
 * `detectFormat` on any list of lines: never throws, answers null exactly when no line reads as an
 * event line, and is not swayed by junk that is not an event line (a detection that a stray
 * binary line could flip would make a whole trace unreadable).
 */

const pool = [...linesOf('ftrace'), ...linesOf('trace-cmd'), ...linesOf('perf')];

const isEventLine = (l: string): boolean => l.charCodeAt(0) !== 35 && tokenizeHeader(l, newHeader(), true);
/** What detection counts: `comm-pid` lines, and perf lines that print `system:event`. */
function votes(l: string): boolean {
  const h = newHeader();
  return l.charCodeAt(0) !== 35 && tokenizeHeader(l, h, true) && (h.style === 'dash' || h.system !== undefined);
}
/** Junk that no tokenizer reads as an event and that is not a header detection looks at. */
const junk = anyLine(pool).filter((l) => !isEventLine(l) && !l.startsWith('cpus=') && !l.startsWith('# tracer:'));

describe('detectFormat on hostile lines', () => {
  it('never throws; null exactly when no line reads as an event line of some format', () => {
    fc.assert(
      fc.property(fc.array(anyLine(pool), { maxLength: 40 }), (lines) => {
        const d = detectFormat(lines);
        const events = lines.filter(votes).length;
        expect(d === null).toBe(events === 0);
        if (d === null) return;
        expect(TRACE_FORMATS).toContain(d.format);
        expect(d.eventLines).toBeGreaterThan(0);
        expect(d.eventLines).toBeLessThanOrEqual(events);
        expect(typeof d.reason).toBe('string');
      }),
      fuzzParams(1500),
    );
  });

  it.each(excerpts().map((e) => [e.name, e] as const))('junk lines spliced into %s do not change its format', (_name, ex) => {
    const clean = detectFormat(ex.lines);
    expect(clean?.format).toBe(ex.format);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), junk), { minLength: 1, maxLength: 20 }), (inserts) => {
        const lines = ex.lines.slice();
        for (const [at, line] of inserts) lines.splice(at % (lines.length + 1), 0, line);
        expect(detectFormat(lines)?.format).toBe(ex.format);
      }),
      fuzzParams(60),
    );
  });
});
