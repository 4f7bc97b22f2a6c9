import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { compareAnalyses } from '../../src/compare/compare.js';
import { loadAnalysis } from '../../src/compare/load.js';
import { IopathError } from '../../src/model/errors.js';
import { saveAnalysis, simTraceFile } from './helpers.js';

/**
 * Inputs: a trace of any format or a saved `analyze --json`, told apart by content. Analysing once
 * and comparing the saved JSON later must give exactly the comparison of the traces themselves.
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-compare-'));
let traceB = '';
let traceA = '';
let jsonB = '';
let jsonA = '';

beforeAll(async () => {
  traceB = await simTraceFile(dir, 'cpu1.trace.txt', 'vm-cpu1', 11, 5000);
  traceA = await simTraceFile(dir, 'cpu0.trace.gz', 'vm-cpu0', 12, 8000);
  // Saved as `analyze --json` does, under names that do not say JSON (content decides), one gzipped.
  jsonB = saveAnalysis(dir, 'cpu1.saved.txt', (await analyzeTrace(traceB)).analysis);
  jsonA = saveAnalysis(dir, 'cpu0.saved.gz', (await analyzeTrace(traceA)).analysis);
}, 120_000);

describe('compare inputs', () => {
  it('gives the same result from saved analyses as from the traces', async () => {
    const fromTraces = compareAnalyses([await loadAnalysis(traceB)], [await loadAnalysis(traceA)], { seed: 3 });
    const fromJson = compareAnalyses([await loadAnalysis(jsonB)], [await loadAnalysis(jsonA)], { seed: 3 });
    const mixed = compareAnalyses([await loadAnalysis(jsonB)], [await loadAnalysis(traceA)], { seed: 3 });
    expect(fromTraces.before.ios).toBe(5000);
    expect(JSON.stringify(fromJson)).toBe(JSON.stringify(fromTraces));
    expect(JSON.stringify(mixed)).toBe(JSON.stringify(fromTraces));
  });

  it('refuses JSON that is not an analysis, or an analysis without what compare needs, with a typed error', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ schema: 'iopath.inspect/1', format: 'ftrace' }));
    await expect(loadAnalysis(other)).rejects.toThrow(/schema "iopath.inspect\/1", not iopath.analysis\/1/);
    await expect(loadAnalysis(other)).rejects.toMatchObject({ kind: 'unrecognised' });
    const old = join(dir, 'old.json');
    const a = (await analyzeTrace(traceB)).analysis as unknown as Record<string, unknown>;
    writeFileSync(old, JSON.stringify({ ...a, series: undefined, distributions: undefined }));
    await expect(loadAnalysis(old)).rejects.toThrow(/lacks series, distributions/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"schema": "iopath.analysis/1", ');
    await expect(loadAnalysis(broken)).rejects.toThrow(/starts like JSON but does not parse/);
    await expect(loadAnalysis(broken)).rejects.toMatchObject({ kind: 'unreadable' });
    await expect(loadAnalysis(join(dir, 'missing.txt'))).rejects.toMatchObject({ kind: 'unreadable', message: `${join(dir, 'missing.txt')}: no such file` });
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    await expect(loadAnalysis(empty)).rejects.toThrow(IopathError);
    await expect(loadAnalysis(empty)).rejects.toMatchObject({ kind: 'unrecognised' });
    const noIo = join(dir, 'noio.txt');
    writeFileSync(noIo, '          <idle>-0       [001] d.h1.   100.000001: irq_handler_entry: irq=36 name=virtio1-req.0\n');
    await expect(loadAnalysis(noIo)).rejects.toThrow(/no block or direct I\/O/);
  });
});
