import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analyze/pipeline.js';
import type { IoPath } from '../../../src/model/io.js';
import type { TraceFormat } from '../../../src/parse/formats.js';
import type { StackPresetName, StackTruthRow } from '../../../src/sim/stack/index.js';
import { textSource } from '../../helpers/paths.js';
import { FORMATS } from '../helpers.js';
import { runStack } from './helpers.js';

/**
 * `analyze` against the stacked presets' ground truth, per workload I/O, in the three formats.
 * nvme-64 has one layer, which today's analyzer already reads: every I/O, its mode, its
 * completion's CPU, context and task, and its stage times to the formats' 1 µs.
 * The layered presets need the analysis to rebuild the stack (`layers`, per-I/O layer paths and
 * completion hops): those checks are written below and wait for that analyzer.
 */

const RESOLUTION_NS = 1000;
const pidOf = (who: string): number => Number(who.slice(who.lastIndexOf('-') + 1));

async function perIo(preset: StackPresetName, format: TraceFormat, seed: number): Promise<{ rows: StackTruthRow[]; paths: IoPath[]; analysis: Awaited<ReturnType<typeof analyzeTrace>>['analysis'] }> {
  const run = runStack(preset, format, seed);
  const paths: IoPath[] = [];
  const { analysis } = await analyzeTrace(textSource(run.text), { onPath: (p) => paths.push(p) });
  return { rows: run.rows, paths, analysis };
}

/** Pairs each workload truth row with the analyzed top-layer I/O of the same submitter and offset, in submission order. */
function pair(rows: StackTruthRow[], paths: IoPath[], topDev: string): { t: StackTruthRow; p: IoPath | undefined }[] {
  const q = new Map<string, IoPath[]>();
  for (const p of paths.filter((x) => x.dev === topDev).sort((a, b) => (a.submit?.ts ?? 0) - (b.submit?.ts ?? 0))) {
    const k = `${p.submitterPid}|${p.offset}`;
    q.set(k, [...(q.get(k) ?? []), p]);
  }
  return rows
    .filter((r) => r.role === 'workload')
    .sort((a, b) => a.submitNs - b.submitNs)
    .map((t) => ({ t, p: q.get(`${pidOf(t.submitter)}|${t.offset}`)?.shift() }));
}

function compare(pairs: { t: StackTruthRow; p: IoPath | undefined }[]): string[] {
  const bad: string[] = [];
  const near = (a: number | undefined, b: number | null): boolean => a !== undefined && b !== null && Math.abs(a - b) < RESOLUTION_NS;
  for (const { t, p } of pairs) {
    if (p === undefined) {
      bad.push(`${t.id}: not found`);
      continue;
    }
    if (p.mode !== t.mode) bad.push(`${t.id}: mode ${p.mode} ≠ ${t.mode}`);
    if (t.mode === 'irq-inline' && p.irqContext !== t.completeCtx) bad.push(`${t.id}: irq ${p.irqContext} ≠ ${t.completeCtx}`);
    // By pid and CPU: perf names the idle task `swapper` where tracefs prints `<idle>`.
    if (p.completion?.cpu !== t.completeCpu || p.completion?.pid !== pidOf(t.completeTask ?? '')) bad.push(`${t.id}: completed by ${p.completion?.comm}-${p.completion?.pid} on ${p.completion?.cpu}`);
    if (!near(p.submit?.ts, t.submitNs)) bad.push(`${t.id}: submit ${p.submit?.ts} ≠ ${t.submitNs}`);
    if (!near(p.completion?.ts, t.completeNs)) bad.push(`${t.id}: completion ${p.completion?.ts} ≠ ${t.completeNs}`);
    const hop = t.hops[t.hops.length - 1];
    if (hop !== undefined && !near(p.executeStart?.ts, hop.startNs)) bad.push(`${t.id}: execute_start ${p.executeStart?.ts} ≠ ${hop.startNs}`);
  }
  return bad;
}

describe('analyze agrees with the stacked presets per I/O', { timeout: 180_000 }, () => {
  for (const format of FORMATS) {
    it(`nvme-64 (64 CPUs, a queue and vector per CPU, 16 jobs) as ${format}, seeds 1–2`, async () => {
      for (const seed of [1, 2]) {
        const { rows, paths, analysis } = await perIo('nvme-64', format, seed);
        const work = rows.filter((r) => r.role === 'workload');
        expect(analysis.ios.total).toBe(work.length);
        expect(compare(pair(rows, paths, '259:0')).slice(0, 10)).toEqual([]);
        // Per submitter and per interrupt CPU, the counts are the truth's.
        const bySub = new Map<string, number>();
        for (const r of work) bySub.set(r.submitter, (bySub.get(r.submitter) ?? 0) + 1);
        const subs = (analysis as unknown as { submitters: { pid: number; ios: number }[] }).submitters;
        for (const s of subs) expect(s.ios).toBe(bySub.get(`fio-${s.pid}`));
        expect(subs.length).toBe(bySub.size);
      }
    });
  }

  // Needs the layered analysis (analysis.layers, per-I/O layer paths and hops); until it is in this
  // branch these are skipped: today's analyzer counts the loop's backing DIOs as workload I/Os and
  // knows no bio-based layer, which is what issue 14 fixes.
  for (const preset of ['loop-disk', 'dm-linear', 'dm-crypt'] as const) {
    for (const format of FORMATS) {
      it.skip(`${preset} as ${format}: workload I/Os, modes and layers as the truth says (waits for the layered analyzer)`, async () => {
        const { rows, paths, analysis } = await perIo(preset, format, 1);
        const work = rows.filter((r) => r.role === 'workload');
        const topDev = work[0]?.layers[0]?.device as string;
        expect(analysis.ios.total).toBe(work.length);
        expect(compare(pair(rows, paths, topDev)).slice(0, 10)).toEqual([]);
        const layers = (analysis as unknown as { layers?: { device: string; role: string; ios: number; byMode: Record<string, number> }[] }).layers ?? [];
        const devices = [...new Set(work[0]?.layers.map((l) => l.device))];
        expect(layers.map((l) => l.device)).toEqual(devices);
        expect(layers.map((l) => l.role)).toEqual([...new Set(work[0]?.layers.map((l) => `${l.device}|${l.role}`))].map((x) => x.split('|')[1]));
        expect(layers[0]?.ios).toBe(work.length);
        const modes: Record<string, number> = {};
        for (const r of work) modes[r.mode as string] = (modes[r.mode as string] ?? 0) + 1;
        for (const [m, n] of Object.entries(modes)) expect(layers[0]?.byMode[m]).toBe(n);
        // Hops per I/O: the path's hop chain is the truth's.
        const hopsOf = (p: IoPath): string[] => ((p as unknown as { layerPath?: { hops: { fn: string; workqueue: string }[] } }).layerPath?.hops ?? []).map((h) => `${h.fn}@${h.workqueue}`);
        for (const { t, p } of pair(rows, paths, topDev)) expect(p && hopsOf(p)).toEqual(t.hops.map((h) => `${h.function}@${h.workqueue}`));
      });
    }
  }
});
