import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, isContextLess } from '../../src/parse/detect.js';
import { TRACE_FORMATS } from '../../src/parse/formats.js';
import { newHeader, tokenizeHeader } from '../../src/parse/header.js';
import { missingColumn, sideBandRecord } from '../../src/parse/perf-text.js';
import { excerpts, linesOf } from './corpus.js';
import { anyLine, fuzzParams } from './mutate.js';

/**
 * `detectFormat` on any list of lines: never throws, answers null exactly when no line reads as an
 * event line, and is not swayed by junk that is not an event line (a detection that a stray
 * binary line could flip would make a whole trace unreadable).
 */

const pool = [...linesOf('ftrace'), ...linesOf('trace-cmd'), ...linesOf('perf')];

const isEventLine = (l: string): boolean => l.charCodeAt(0) !== 35 && tokenizeHeader(l, newHeader(), true);
/** perf's side-band records (`0.000000: PERF_RECORD_COMM: …`): perf's alone, no event lines. */
const sideBand = (l: string): boolean => {
  const at = l.lastIndexOf(': PERF_RECORD_');
  return l.charCodeAt(0) !== 35 && sideBandRecord(l, at < 0 ? 0 : at + 2) !== null;
};
/** What detection counts: `comm-pid` lines, perf lines that print `system:event`, perf's side-band records. */
function votes(l: string): boolean {
  const h = newHeader();
  return sideBand(l) || (l.charCodeAt(0) !== 35 && tokenizeHeader(l, h, true) && (h.style === 'dash' ? h.system === undefined : h.system !== undefined));
}
/** perf sample lines printed without their cpu or time column: perf's, with nothing to analyse. */
/** A comm-pid header with a `system:` before the event: perf's without its tid column (a comm ending in `-N`). */
const dashWithSystem = (l: string): boolean => {
  const h = newHeader();
  return l.charCodeAt(0) !== 35 && tokenizeHeader(l, h, true) && h.style === 'dash' && h.system !== undefined;
};
const columnLess = (l: string): boolean => l.charCodeAt(0) !== 35 && ((!isEventLine(l) && missingColumn(l) !== null) || dashWithSystem(l));
/** tracefs lines printed with context-info off: the event alone, recognised only to say nothing can be analysed. */
const contextLess = (l: string): boolean => l.charCodeAt(0) !== 35 && !isEventLine(l) && missingColumn(l) === null && isContextLess(l);
/** Junk that no tokenizer reads as an event and that is not a header detection looks at. */
const junk = anyLine(pool).filter((l) => !isEventLine(l) && !sideBand(l) && !columnLess(l) && !contextLess(l) && !l.startsWith('cpus=') && !l.startsWith('# tracer:'));

describe('detectFormat on hostile lines', () => {
  it('never throws; null exactly when no line reads as an event line of some format', () => {
    fc.assert(
      fc.property(fc.array(anyLine(pool), { maxLength: 40 }), (lines) => {
        const d = detectFormat(lines);
        const events = lines.filter(votes).length;
        expect(d === null).toBe(events === 0 && !lines.some(columnLess) && !lines.some(contextLess));
        if (d === null) return;
        expect(TRACE_FORMATS).toContain(d.format);
        // Only lines without a cpu or time column (perf's) or without the context columns
        // (tracefs with context-info off) are recognised with no event line, and said so.
        if (events === 0) {
          expect(d.eventLines).toBe(0);
          if (lines.some(columnLess)) {
            expect(d.format).toBe('perf');
            expect(d.reason).toMatch(/without its (cpu|time) column|without its tid and pid columns/);
          } else {
            expect(d.format).toBe('ftrace');
            expect(d.reason).toMatch(/context-info off/);
          }
          return;
        }
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
