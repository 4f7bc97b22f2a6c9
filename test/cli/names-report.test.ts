import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceFormat } from '../../src/parse/formats.js';
import { escapeHtml } from '../../src/report/escape.js';
import { FORMATS } from '../fuzz/corpus.js';
import { containsString } from './deep.js';
import { NAME_CASES, RUN_CASES, writeRenamed } from './hostile-names.js';
import { runReport } from '../../src/commands/report.js';
import { runInProcess } from './in-process.js';
import { buildCli, iopathAsync, tempDir, type Run } from './run.js';

/**
 * `report` with the submitter renamed to hostile names: the page has exactly the elements of the
 * original's page (no `<script>` or `<img>` smuggled in), the name appears only escaped, and the
 * page's JSON data still parses and holds the name exactly. The command runs in-process for each
 * name and format; one run of the built CLI checks that the entry point writes those very bytes.
 */

const dir = tempDir('names-report');
const htmlOf = (format: TraceFormat, i: number): string => join(dir, `${format}-${i}.html`);
const runs = new Map<string, Run>();

/** The built CLI's run on one hostile name (ftrace), beside the in-process run of the same. */
const CLI_CASE = { format: 'ftrace' as TraceFormat, i: 1 };
let cli: { run: Run; html: string };

beforeAll(async () => {
  const traces = new Map<string, string>();
  for (const format of FORMATS) {
    for (const [, name, i] of RUN_CASES) {
      const trace = writeRenamed(dir, format, name, i);
      traces.set(`${format} ${i}`, trace);
      runs.set(`${format} ${i}`, await runInProcess(() => runReport(trace, { output: htmlOf(format, i) })));
    }
  }
  buildCli();
  // Same output path as the in-process run (the page prints its command line): written after it was read.
  const own = htmlOf(CLI_CASE.format, CLI_CASE.i);
  const html = readFileSync(own, 'utf8');
  cli = { run: await iopathAsync(['report', traces.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!, '-o', own]), html };
}, 180_000);

it('the built CLI writes the page the command writes in-process', () => {
  const own = runs.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!;
  expect(cli.run.code, cli.run.stderr).toBe(0);
  expect(cli.run.stderr).toBe('');
  expect(cli.run.stdout).toBe(own.stdout);
  expect(readFileSync(htmlOf(CLI_CASE.format, CLI_CASE.i), 'utf8')).toBe(cli.html);
});

function page(format: TraceFormat, i: number): string {
  const r = runs.get(`${format} ${i}`)!;
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(htmlOf(format, i), 'utf8');
}

const count = (html: string, re: RegExp): number => html.match(re)?.length ?? 0;
/** Opening tags by name: what a name could add to the page. */
function tags(html: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)[\s>/]/g)) out[m[1]!.toLowerCase()] = (out[m[1]!.toLowerCase()] ?? 0) + 1;
  return out;
}
const jsonBlocks = (html: string): unknown[] => [...html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!));

describe.each(FORMATS)('report of a %s capture with a renamed submitter', (format: TraceFormat) => {
  it.each(NAME_CASES)('%s', (_label, name, i) => {
    const base = page(format, 0);
    expect(count(base, /<script\b/gi)).toBeGreaterThan(0);
    const html = page(format, i);
    expect(count(html, /<script\b/gi)).toBe(count(base, /<script\b/gi));
    expect(count(html, /<\/script/gi)).toBe(count(base, /<\/script/gi));
    expect(tags(html)).toEqual(tags(base));
    // The name is on the page, escaped; raw only when it holds nothing HTML reads specially.
    expect(html).toContain(escapeHtml(name));
    if (/[<>&"']/.test(name)) expect(html).not.toContain(name);
    const blocks = jsonBlocks(html);
    expect(blocks.length).toBe(jsonBlocks(base).length);
    if (containsString(jsonBlocks(base), 'fio')) expect(containsString(blocks, name)).toBe(true);
  });
});
