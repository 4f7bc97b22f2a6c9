import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, EXCERPTS, excerptNames, formatOfName } from './helpers.js';
import { renderDiagnostics, renderEvent } from './render.js';

/**
 * Every excerpt of a real capture parses to exactly what its golden (`NAME.golden.txt`, next to
 * it) says, field by field. To regenerate after a deliberate change, run with UPDATE_GOLDENS=1 and
 * review the diff.
 */

const update = process.env.UPDATE_GOLDENS === '1';

describe.each(excerptNames())('excerpt %s', (name) => {
  it('parses to its golden, with no malformed line', async () => {
    const { events, result } = await collect(join(EXCERPTS, name));
    expect(result.format).toBe(formatOfName(name));
    const counts = result.diagnostics.counts();
    expect(counts.malformed_line ?? 0).toBe(0);
    expect(counts.malformed_payload ?? 0).toBe(0);
    const text = [
      `# golden of fixtures/excerpts/${name}: the parsed events, one per line (see test/parse/render.ts)`,
      `# format ${result.format} (${result.detection?.reason ?? 'forced'}); ${result.read.lines} lines; ${result.events} events`,
      ...events.map(renderEvent),
      ...renderDiagnostics(result.diagnostics.summaries()),
      '',
    ].join('\n');
    const golden = join(EXCERPTS, name.replace(/\.txt$/, '.golden.txt'));
    if (update || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
