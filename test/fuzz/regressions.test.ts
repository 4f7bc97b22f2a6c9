import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import type { IoPath } from '../../src/model/io.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { parseLossMarker } from '../../src/parse/markers.js';
import { createCsvWriter } from '../../src/report/csv.js';
import { textSource } from '../helpers/paths.js';
import { expectSaneAnalysis } from './analyze-checks.js';
import { excerpt } from './corpus.js';

/** The failures the fuzzers found, shrunk to their smallest form, kept as plain examples. */

const dir = mkdtempSync(join(tmpdir(), 'iopath-fuzz-regr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a CPU number no machine has', () => {
  const line = (cpu: string): string => `          <idle>-0       [${cpu}] d.s3.   255.736003: sched_waking: comm=kdamond.0 pid=76 prio=120 target_cpu=000`;

  it('is a malformed line, not CPU 800000 (the analyzer kept state for every CPU below it)', () => {
    for (const cpu of ['800000', '9'.repeat(400)]) {
      const diagnostics = createDiagnostics('x');
      expect(createLineParser({ format: 'ftrace', diagnostics }).parse(line(cpu), 1)).toBeNull();
      expect(diagnostics.counts()).toEqual({ malformed_line: 1 });
    }
    expect(createLineParser({ format: 'ftrace', diagnostics: createDiagnostics('x') }).parse(line('8191'), 1)?.cpu).toBe(8191);
  });

  it('in a lost-events marker: not a marker of that CPU', () => {
    expect(parseLossMarker('CPU:99999999999999999999 [LOST 5 EVENTS]')).toBeNull();
    expect(parseLossMarker(`##### CPU ${'9'.repeat(400)} buffer started ####`)).toBeNull();
    expect(parseLossMarker('perf  3992 [99999999] 222.5: PERF_RECORD_LOST lost 5')).toMatchObject({ cpu: -1, count: 5 });
    expect(parseLossMarker('CPU:3 [LOST 5 EVENTS]')).toMatchObject({ cpu: 3, count: 5 });
  });

  it('analyzes in bounded time and memory', async () => {
    const { lines } = excerpt('ftrace-randrw.txt');
    const text = [...lines.slice(0, 40), line('800000'), 'CPU:123456789012 [LOST 3 EVENTS]', ...lines.slice(40)].join('\n');
    const r = await analyzeTrace(textSource(text));
    expectSaneAnalysis(r);
    expect(r.analysis.cpus.map((c) => c.cpu)).toEqual([0, 1]);
  });
});

describe('a perf PERF_RECORD_LOST line whose header does not parse', () => {
  it('is a loss on an unknown CPU, analyzed like one on a known CPU (it threw a TypeError)', async () => {
    const { lines } = excerpt('perf-show-lost-events.txt');
    const at = lines.findIndex((l) => l.includes('PERF_RECORD_LOST'));
    const broken = lines.map((l, i) => (i === at ? l.replace('[001]', '[001]001]') : l));
    expect(parseLossMarker(broken[at]!)).toMatchObject({ cpu: -1, count: 31 });
    const known = await analyzeTrace(textSource(lines.join('\n')));
    const unknown = await analyzeTrace(textSource(broken.join('\n')));
    expectSaneAnalysis(unknown);
    expect(unknown.analysis.ios).toEqual(known.analysis.ios);
    expect(unknown.analysis.input.diagnostics).toEqual(known.analysis.input.diagnostics);
  });
});

describe('CSV formula escaping', () => {
  it('escapes a leading = also when a line separator follows (papaparse’s own pattern stops at it)', async () => {
    const path = join(dir, 'f.csv');
    const w = createCsvWriter(path);
    const names = ['=1+1\u2028x', '=1+1\rx', '+1\u2029', '@x\ny', 'plain'];
    names.forEach((submitterComm, id) => w.write({ id, unit: 'dio', mode: 'unresolved', evidence: 'none', dir: 'W', bytes: 4096, submitterComm } as IoPath));
    await w.close();
    const rows = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.submitter_comm)).toEqual(["'=1+1\u2028x", "'=1+1\rx", "'+1\u2029", "'@x\ny", 'plain']);
  });
});
