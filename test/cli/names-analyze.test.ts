import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceFormat } from '../../src/parse/formats.js';
import { FORMATS } from '../fuzz/corpus.js';
import { renameDeep } from './deep.js';
import { NAME_CASES, RUN_CASES, writeRenamed } from './hostile-names.js';
import { runAnalyze } from '../../src/commands/analyze.js';
import { runInProcess } from './in-process.js';
import { buildCli, iopathAsync, tempDir, type Run } from './run.js';

/**
 * `analyze --json --csv` on a real capture whose submitting task is renamed to
 * hostile names, in all three formats: the JSON is valid and carries each name exactly; the CSV
 * parses back to the same rows, with every cell that would start a spreadsheet formula escaped.
 * The command runs in-process for each name and format; one run of the built CLI checks that the
 * entry point writes those very bytes.
 */

const dir = tempDir('names-analyze');

/** How papaparse's escapeFormulae writes a cell that a spreadsheet would run: a leading quote. */
const FORMULA = /^[=+\-@\t\r]/;
const escaped = (name: string): string => (FORMULA.test(name) ? `'${name}` : name);

interface Out {
  json: Record<string, unknown> & { input: { path: string } };
  rows: Record<string, string>[];
  raw: string;
}

const csvOf = (format: TraceFormat, i: number): string => join(dir, `${format}-${i}.csv`);
const runs = new Map<string, Run>();

/** The built CLI's run on one hostile name (ftrace), beside the in-process run of the same. */
const CLI_CASE = { format: 'ftrace' as TraceFormat, i: 1 };
let cli: { run: Run; csv: string };

beforeAll(async () => {
  const traces = new Map<string, string>();
  for (const format of FORMATS) {
    for (const [, name, i] of RUN_CASES) {
      const trace = writeRenamed(dir, format, name, i);
      traces.set(`${format} ${i}`, trace);
      runs.set(`${format} ${i}`, await runInProcess(() => runAnalyze(trace, { json: true, csv: csvOf(format, i), unit: 'auto' })));
    }
  }
  buildCli();
  const csv = join(dir, 'cli.csv');
  cli = { run: await iopathAsync(['analyze', '--json', '--csv', csv, traces.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!]), csv };
}, 180_000);

it('the built CLI prints the JSON and writes the CSV the command writes in-process', () => {
  const own = runs.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!;
  expect(cli.run.code, cli.run.stderr).toBe(0);
  expect(cli.run.stderr).toBe('');
  expect(cli.run.stdout).toBe(own.stdout);
  expect(readFileSync(cli.csv, 'utf8')).toBe(readFileSync(csvOf(CLI_CASE.format, CLI_CASE.i), 'utf8'));
});

function output(format: TraceFormat, i: number): Out {
  const r = runs.get(`${format} ${i}`)!;
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as Out['json'];
  const raw = readFileSync(csvOf(format, i), 'utf8');
  const parsed = Papa.parse<Record<string, string>>(raw, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { json, rows: parsed.data, raw };
}

describe.each(FORMATS)('%s capture with a renamed submitter', (format: TraceFormat) => {
  it.each(NAME_CASES)('%s', (_label, name, i) => {
    const base = output(format, 0);
    expect((base.json.submitters as { comm: string }[]).map((s) => s.comm)).toEqual(['fio']);
    expect(base.rows.length).toBeGreaterThan(0);
    const out = output(format, i);
    // JSON: the name exactly, and otherwise the very same analysis.
    expect((out.json.submitters as { comm: string }[]).map((s) => s.comm)).toEqual([name]);
    expect((out.json.samples as { submitterComm: string }[]).every((s) => s.submitterComm === name)).toBe(true);
    const expected = renameDeep(base.json, 'fio', name) as Out['json'];
    expect({ ...out.json, input: { ...out.json.input, path: '' } }).toEqual({ ...expected, input: { ...expected.input, path: '' } });
    // CSV: the same rows, the name formula-escaped where it needs to be.
    expect(out.rows.map((r) => r.submitter_comm)).toEqual(base.rows.map(() => escaped(name)));
    const cells = (rows: Record<string, string>[], comm: string): Record<string, string>[] =>
      rows.map((r) => ({ ...r, submitter_comm: comm, completion_comm: r.completion_comm === escaped(name) || r.completion_comm === 'fio' ? comm : (r.completion_comm ?? '') }));
    expect(cells(out.rows, 'X')).toEqual(cells(base.rows, 'X'));
    // No cell a spreadsheet would evaluate: whatever starts like a formula is a plain number.
    const all = Papa.parse<string[]>(out.raw, { skipEmptyLines: true }).data.flat();
    expect(all.filter((c) => FORMULA.test(c) && !/^-?\d+(\.\d+)?$/.test(c))).toEqual([]);
  });
});
