import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build-report.js';
import { exportPerfetto } from '../../src/report/perfetto-export.js';
import { excerpt } from './corpus.js';
import { nonFiniteNumbers } from './invariants.js';
import { fuzzParams } from './mutate.js';
import { hostileTrace } from './traces.js';

/**
 * The two outputs that read the trace a second time (the report's timeline, the Perfetto slices)
 * on hostile edits of real captures: no exception, a page with only its own scripts, valid JSON.
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-fuzz-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scripts = (html: string): number => html.match(/<script\b/gi)?.length ?? 0;

describe.each(['ftrace-libaio-randwrite-cpu1.txt', 'trace-cmd-libaio-randwrite-cpu1.txt', 'perf-libaio-randwrite-cpu1.txt'])('report and export of hostile edits of %s', (name) => {
  const { lines, text } = excerpt(name);
  const trace = join(dir, name);
  let ownScripts = 0;

  it('never throw; the page keeps its own scripts only; the export is valid JSON', async () => {
    writeFileSync(trace, text);
    ownScripts = scripts((await buildReport(trace, { command: 'iopath report', timelineMs: 5 })).html);
    await fc.assert(
      fc.asyncProperty(hostileTrace(lines, 20), async (t) => {
        writeFileSync(trace, t);
        const { html, analysis } = await buildReport(trace, { command: 'iopath report', timelineMs: 5 });
        expect(scripts(html)).toBe(ownScripts);
        expect(nonFiniteNumbers(analysis)).toEqual([]);
        const out = join(dir, 'p.json');
        await exportPerfetto(trace, out);
        const json = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: unknown[] };
        expect(Array.isArray(json.traceEvents)).toBe(true);
      }),
      fuzzParams(25),
    );
  });
});
