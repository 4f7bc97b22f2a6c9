import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { FORMATS, linesOf } from './corpus.js';
import { expectSaneEvent, isDemotedModelled, isSilentLine, totalDiagnostics } from './invariants.js';
import { anyLine, fuzzParams } from './mutate.js';

/**
 * `createLineParser(...).parse` for each format on random lines and on mutated real lines (byte
 * flips, truncations, inserted spaces / brackets / colons / digits, swapped fields). It must never
 * throw; an event it returns has sane header fields; a line it drops is either silent by design
 * (blank, `#` comment, known header) or counted as a diagnostic; a modelled event kept as `other`
 * is counted as `malformed_payload`.
 */

describe.each(FORMATS)('line parser (%s) on hostile lines', (format) => {
  const real = linesOf(format);

  it('never throws, and explains every line it drops', () => {
    fc.assert(
      fc.property(fc.array(anyLine(real), { minLength: 1, maxLength: 30 }), (lines) => {
        const diagnostics = createDiagnostics('fuzz');
        const parser = createLineParser({ format, diagnostics });
        lines.forEach((line, i) => {
          const before = totalDiagnostics(diagnostics);
          const demotedBefore = diagnostics.count('malformed_payload');
          const ev = parser.parse(line, i + 1);
          if (ev === null) {
            if (!isSilentLine(line)) expect(totalDiagnostics(diagnostics), `dropped without a diagnostic: ${JSON.stringify(line)}`).toBeGreaterThan(before);
          } else {
            expectSaneEvent(ev, i + 1);
            if (isDemotedModelled(ev)) expect(diagnostics.count('malformed_payload')).toBe(demotedBefore + 1);
          }
        });
        // The diagnostic examples are printed to terminals and HTML: never raw control bytes.
        for (const s of diagnostics.summaries()) for (const ex of s.examples) expect(`${ex.message}${ex.text ?? ''}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      }),
      fuzzParams(2000),
    );
  });

  it('a payload selection of none gives the same headers as all', () => {
    fc.assert(
      fc.property(anyLine(real), (line) => {
        const all = createLineParser({ format, diagnostics: createDiagnostics('a') }).parse(line, 1);
        const none = createLineParser({ format, diagnostics: createDiagnostics('n'), payloads: 'none' }).parse(line, 1);
        expect(none === null).toBe(all === null);
        if (all && none) expect({ ts: none.ts, cpu: none.cpu, pid: none.pid, comm: none.comm, flags: none.flags }).toEqual({ ts: all.ts, cpu: all.cpu, pid: all.pid, comm: all.comm, flags: all.flags });
      }),
      fuzzParams(2000),
    );
  });
});
