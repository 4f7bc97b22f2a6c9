import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../../src/analyze/pipeline.js';
import type { Analysis } from '../../../../src/model/analysis.js';
import type { IoPath, Stage } from '../../../../src/model/io.js';
import { CAPTURES, datPath, reportPath, roundUs, VERSIONS } from '../helpers.js';

/**
 * The analysis of each trace.dat equals the analysis of its own `trace-cmd report` text: same I/Os,
 * same modes, same stage times and lines, same lost events. The binary knows each event's context
 * from its flags where the text (without -l) lets the analyzer infer it: the only differences
 * allowed are those this knowledge makes (an I/O's completion context named instead of `unknown`,
 * an `untraced_switch` note the inference needed).
 */

interface Run {
  analysis: Analysis;
  paths: IoPath[];
}

async function run(source: string): Promise<Run> {
  const paths: IoPath[] = [];
  const { analysis } = await analyzeTrace(source, { label: 'same', onPath: (p) => paths.push(p) });
  return { analysis, paths };
}

/** Paths (a.b.c) where two JSON values differ. */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (a !== b) out.push(path);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  return out;
}

const ALLOWED = [/^\.input\.format$/, /^\.input\.diagnostics\.untraced_switch$/, /^\.diagnostics\.\d+/, /^\.samples\.\d+\.\w+\.ctx$/];

const STAGES = ['submit', 'issue', 'deviceComplete', 'queueWork', 'activate', 'kworkerWaking', 'kworkerWakeup', 'kworkerSwitchIn', 'executeStart', 'executeEnd', 'completion'] as const;

describe.each(CAPTURES)('%s', (name) => {
  it.each(VERSIONS)('%s: the analysis of `trace-cmd report -t`, but for what the flags tell', async (version) => {
    const bin = await run(datPath(name, version));
    const text = await run(reportPath(name, true));
    expect(bin.analysis.input.format).toBe('trace.dat');
    expect(bin.analysis.ios.total).toBeGreaterThan(0);
    const diff = differences(JSON.parse(JSON.stringify(bin.analysis)), JSON.parse(JSON.stringify(text.analysis)));
    expect(diff.filter((d) => !ALLOWED.some((re) => re.test(d)))).toEqual([]);
    // The figures themselves are equal, whatever the notes.
    for (const k of ['ios', 'latencyUs', 'latencyUsByMode', 'cpus', 'window', 'iops', 'mbps', 'perIo'] as const) expect(bin.analysis[k]).toEqual(text.analysis[k]);
  });

  it('every I/O of `trace-cmd report` (microseconds): same mode, same stages on the same lines, times to its microsecond', async () => {
    const bin = await run(datPath(name, 'v7-zstd'));
    const text = await run(reportPath(name, false));
    expect(bin.paths.length).toBe(text.paths.length);
    expect(bin.paths.length).toBeGreaterThan(100);
    bin.paths.forEach((p, i) => {
      const t = text.paths[i] as IoPath;
      expect(p.mode).toBe(t.mode);
      expect(p.unresolvedReason).toBe(t.unresolvedReason);
      for (const s of STAGES) {
        const a = p[s] as Stage | undefined;
        const b = t[s] as Stage | undefined;
        expect(a === undefined).toBe(b === undefined);
        if (a && b) {
          expect(a.line).toBe(b.line);
          expect(a.cpu).toBe(b.cpu);
          expect(roundUs(a.ts)).toBe(b.ts);
        }
      }
    });
  });
});
