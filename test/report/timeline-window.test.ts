import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { textFormat } from '../../src/parse/stream.js';
import { buildReport } from '../../src/report/build-report.js';
import type { CpuSlice } from '../../src/report/slices.js';
import { readSlices, timelineWindow } from '../../src/report/timeline.js';
import { createWindowCollector, type WindowSlices } from '../../src/report/timeline-window.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * `report` reads its input once: the timeline's slices come from the analysis' own pass. Checked
 * against the second, windowed reading the report used to make (`readSlices`), which stays the
 * reference for what a window holds.
 */

/** trace-cmd report text, gzipped: 200 I/Os, about 3000 slices. */
const TCMD_GZ = join(FIXTURES, 'binary', 'libaio-randwrite-200.report.txt.gz');
const DAT = join(FIXTURES, 'binary', 'libaio-randwrite-200.v7-zstd.dat');

const key = (s: CpuSlice): string => JSON.stringify(s);
const sorted = (xs: readonly CpuSlice[]): string[] => xs.map(key).sort();

/** The window the report used to pick and what a second reading of the file finds in it. */
async function secondReading(path: string, widthMs = 1): Promise<{ window: { startNs: number; endNs: number }; slices: CpuSlice[] }> {
  const { analysis, stream } = await analyzeTrace(path);
  const window = timelineWindow(analysis, widthMs, stream.baseSec * 1e9);
  const { slices } = await readSlices(path, { format: textFormat(stream) ?? undefined, window });
  return { window, slices };
}

describe('report reads its input once', () => {
  it('gets its whole timeline from a stream that can be read only once', async () => {
    const bytes = readFileSync(TCMD_GZ);
    let reads = 0;
    const once = Readable.from(
      (async function* () {
        reads++;
        yield bytes;
      })(),
    );
    const [built, ref] = await Promise.all([buildReport(once, { command: 'iopath report -' }), secondReading(TCMD_GZ)]);
    expect(reads).toBe(1);
    const t = built.timeline;
    expect(t?.ios.length).toBeGreaterThan(0);
    expect({ startNs: t?.startNs, endNs: t?.endNs }).toEqual(ref.window);
    expect(ref.slices.length).toBeGreaterThan(10);
    expect(sorted(t?.slices ?? [])).toEqual(sorted(ref.slices));
    expect(built.html).toContain('chart-timeline');
  });

  // Text, trace.dat (zstd, with lost events), perf.data: the window and its slices are the ones the
  // second reading found.
  it.each([
    ['tracefs text', join(FIXTURES, 'excerpts', 'ftrace-psync-randwrite.txt')],
    ['trace.dat v7 with lost events', join(FIXTURES, 'binary', 'lost-64k.v7-zstd.dat')],
  ])('%s: the same window and slices as a second reading', async (_what, path) => {
    const [built, ref] = await Promise.all([buildReport(path, { command: 'x' }), secondReading(path)]);
    const t = built.timeline;
    expect(t).not.toBeNull();
    expect({ startNs: t?.startNs, endNs: t?.endNs }).toEqual(ref.window);
    expect(ref.slices.length).toBeGreaterThan(0);
    expect(sorted(t?.slices ?? [])).toEqual(sorted(ref.slices));
  });

  it('perf.data: the same slices, and work items named from the analysis pass', async () => {
    const path = join(FIXTURES, 'binary', 'perf-randwrite.data');
    const [built, ref] = await Promise.all([buildReport(path, { command: 'x' }), secondReading(path)]);
    const slices = built.timeline?.slices ?? [];
    const work = slices.filter((s) => s.kind === 'work');
    expect(work.length).toBeGreaterThan(0);
    // perf.data keeps no kallsyms; the reader names work functions once it has read queue_work
    // events, which the analysis parses (a slices-only reading did not: it printed addresses).
    expect(work.every((s) => !s.name.startsWith('0x'))).toBe(true);
    const noWorkNames = (xs: readonly CpuSlice[]): string[] => sorted(xs.map((s) => (s.kind === 'work' ? { ...s, name: '' } : s)));
    expect(noWorkNames(slices)).toEqual(noWorkNames(ref.slices));
  });
});

describe('window collector past its cap', () => {
  const CAP = 32;
  let small: WindowSlices;
  let whole: WindowSlices;
  let exact: { startNs: number; endNs: number };
  beforeAll(async () => {
    const a = createWindowCollector(1, CAP);
    const b = createWindowCollector(1);
    const { analysis, stream } = await analyzeTrace(DAT, {
      onEvent: (e) => {
        a.onEvent(e);
        b.onEvent(e);
      },
    });
    const baseNs = stream.baseSec * 1e9;
    small = a.finish(analysis, baseNs);
    whole = b.finish(analysis, baseNs);
    exact = timelineWindow(analysis, 1, baseNs);
  });

  it('keeps every slice under the cap: the exact middle window', () => {
    expect(whole.spacingNs).toBe(0);
    expect(whole.window).toEqual(exact);
    expect(whole.peakHeld).toBeGreaterThan(CAP * 10);
  });

  it('holds no more than its cap and picks the candidate window nearest the middle', () => {
    expect(small.spacingNs).toBeGreaterThan(0);
    expect(small.peakHeld).toBeLessThanOrEqual(CAP + 1);
    const mid = (w: { startNs: number; endNs: number }): number => (w.startNs + w.endNs) / 2;
    expect(Math.abs(mid(small.window) - mid(exact))).toBeLessThanOrEqual(small.spacingNs / 2);
    expect(small.window.endNs - small.window.startNs).toBe(1e6);
  });

  it('has every slice of the window it picked (a second reading of that window finds the same)', async () => {
    const { slices } = await readSlices(DAT, { window: small.window });
    expect(slices.length).toBeGreaterThan(0);
    expect(sorted(small.slices)).toEqual(sorted(slices));
  });
});
