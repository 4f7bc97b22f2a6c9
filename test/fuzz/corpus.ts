import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCERPTS, formatOfName } from '../parse/helpers.js';
import type { TraceFormat } from '../../src/parse/formats.js';

/**
 * The real lines the fuzzers start from: every excerpt fixture (fixtures/excerpts/*.txt), with the
 * format its name promises. Read once per test file.
 */

export interface Excerpt {
  name: string;
  format: TraceFormat;
  text: string;
  lines: string[];
}

export const FORMATS: readonly TraceFormat[] = ['ftrace', 'trace-cmd', 'perf'];

let cache: Excerpt[] | undefined;

export function excerpts(): Excerpt[] {
  if (cache) return cache;
  cache = readdirSync(EXCERPTS)
    .filter((f) => f.endsWith('.txt') && !f.endsWith('.golden.txt'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(EXCERPTS, name), 'utf8');
      return { name, format: formatOfName(name), text, lines: text.split('\n').filter((l) => l.length > 0) };
    });
  return cache;
}

export function excerpt(name: string): Excerpt {
  const e = excerpts().find((x) => x.name === name);
  if (!e) throw new Error(`no excerpt ${name}`);
  return e;
}

/** The real lines of one format, across all its excerpts (headers included: they are input too). */
export function linesOf(format: TraceFormat): string[] {
  return excerpts()
    .filter((e) => e.format === format)
    .flatMap((e) => e.lines);
}

/**
 * A small fixture cut from an excerpt at a line boundary: its first lines up to `maxBytes`
 * (header included), ending with a newline. Small enough to truncate at every byte.
 */
export function smallFixture(name: string, maxBytes: number): string {
  const { text } = excerpt(name);
  let end = 0;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl + 1 <= maxBytes; nl = text.indexOf('\n', nl + 1)) end = nl + 1;
  return text.slice(0, end);
}
