import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceFormat } from '../../src/parse/formats.js';
import { FORMATS } from '../fuzz/corpus.js';
import { renameDeep } from './deep.js';
import { NAME_CASES, RUN_CASES, writeRenamed } from './hostile-names.js';
import { buildCli, iopathAll, tempDir, type Run } from './run.js';

/**
 * `export --perfetto` (built CLI) with the submitter renamed to hostile names: valid JSON, the
 * name exactly where the original had `fio` (thread names, slice args), nothing else changed.
 */

const dir = tempDir('names-export');
const jsonOf = (format: TraceFormat, i: number): string => join(dir, `${format}-${i}.json`);
const runs = new Map<string, Run>();

beforeAll(async () => {
  buildCli();
  const jobs: [string, string[]][] = [];
  for (const format of FORMATS) for (const [, name, i] of RUN_CASES) jobs.push([`${format} ${i}`, ['export', '--perfetto', jsonOf(format, i), writeRenamed(dir, format, name, i)]]);
  const results = await iopathAll(jobs.map(([, a]) => a));
  jobs.forEach(([key], i) => runs.set(key, results[i]!));
}, 180_000);

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
