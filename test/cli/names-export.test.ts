import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceFormat } from '../../src/parse/formats.js';
import { FORMATS } from '../fuzz/corpus.js';
import { renameDeep } from './deep.js';
import { NAME_CASES, RUN_CASES, writeRenamed } from './hostile-names.js';
import { runExport } from '../../src/commands/export.js';
import { runInProcess } from './in-process.js';
import { buildCli, iopathAsync, tempDir, type Run } from './run.js';

/**
 * `export --perfetto` with the submitter renamed to hostile names: valid JSON, the name exactly
 * where the original had `fio` (thread names, slice args), nothing else changed. The command runs
 * in-process for each name and format; one run of the built CLI checks that the entry point writes
 * those very bytes.
 */

const dir = tempDir('names-export');
const jsonOf = (format: TraceFormat, i: number): string => join(dir, `${format}-${i}.json`);
const runs = new Map<string, Run>();

/** The built CLI's run on one hostile name (ftrace), beside the in-process run of the same. */
const CLI_CASE = { format: 'ftrace' as TraceFormat, i: 1 };
let cli: { run: Run; json: string };

beforeAll(async () => {
  const traces = new Map<string, string>();
  for (const format of FORMATS) {
    for (const [, name, i] of RUN_CASES) {
      const trace = writeRenamed(dir, format, name, i);
      traces.set(`${format} ${i}`, trace);
      runs.set(`${format} ${i}`, await runInProcess(() => runExport(trace, { perfetto: jsonOf(format, i) })));
    }
  }
  buildCli();
  const json = join(dir, 'cli.json');
  cli = { run: await iopathAsync(['export', '--perfetto', json, traces.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!]), json };
}, 180_000);

it('the built CLI writes the file the command writes in-process, and says so alike', () => {
  const own = runs.get(`${CLI_CASE.format} ${CLI_CASE.i}`)!;
  expect(cli.run.code, cli.run.stderr).toBe(0);
  expect(cli.run.stderr).toBe('');
  expect(cli.run.stdout).toBe(own.stdout.replace(jsonOf(CLI_CASE.format, CLI_CASE.i), cli.json));
  expect(readFileSync(cli.json, 'utf8')).toBe(readFileSync(jsonOf(CLI_CASE.format, CLI_CASE.i), 'utf8'));
});

interface TraceJson {
  traceEvents: { ph: string; name?: string; args?: Record<string, unknown> }[];
  metadata: { iopath: Record<string, unknown> };
}

function exported(format: TraceFormat, i: number): TraceJson {
  const r = runs.get(`${format} ${i}`)!;
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(jsonOf(format, i), 'utf8')) as TraceJson;
}

const withoutInput = (j: TraceJson): TraceJson => ({ ...j, metadata: { iopath: { ...j.metadata.iopath, input: '' } } });

describe.each(FORMATS)('Perfetto export of a %s capture with a renamed submitter', (format: TraceFormat) => {
  it.each(NAME_CASES)('%s', (_label, name, i) => {
    const base = exported(format, 0);
    expect(base.traceEvents.some((e) => e.ph === 'M' && e.args?.name === 'fio')).toBe(true);
    const json = exported(format, i);
    expect(json.traceEvents.some((e) => e.ph === 'M' && e.args?.name === name)).toBe(true);
    expect(withoutInput(json)).toEqual(withoutInput(renameDeep(base, 'fio', name) as TraceJson));
  });
});
