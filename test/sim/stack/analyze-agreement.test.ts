import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analyze/pipeline.js';
import type { IoPath } from '../../../src/model/io.js';
import type { TraceFormat } from '../../../src/parse/formats.js';
import type { StackParams, StackPresetName, StackTruthRow } from '../../../src/sim/stack/index.js';
import { textSource } from '../../helpers/paths.js';
import { FORMATS } from '../helpers.js';
import { runStack } from './helpers.js';

/**
 * `analyze` against the stacked presets' ground truth, per workload I/O, in the three formats.
 * nvme-64 has one layer: every I/O, its mode, its completion's CPU, context and task, and its
 * stage times to the formats' 1 µs. The layered presets also need the stack rebuilt from the
 * trace: the loop worker's link (loop-disk), block_bio_remap (dm-linear, dm-crypt: the dm-target
 * layer, the requests dmcrypt_write issues for fio's DIOs), and each I/O's completion hops.
 */

const RESOLUTION_NS = 1000;
const pidOf = (who: string): number => Number(who.slice(who.lastIndexOf('-') + 1));

type PerIo = { rows: StackTruthRow[]; paths: IoPath[]; analysis: Awaited<ReturnType<typeof analyzeTrace>>['analysis'] };

async function perIo(preset: StackPresetName, format: TraceFormat, seed: number, params: Partial<StackParams> = {}): Promise<PerIo> {
  const run = runStack(preset, format, seed, params);
  const paths: IoPath[] = [];
  const { analysis } = await analyzeTrace(textSource(run.text), { onPath: (p) => paths.push(p) });
  return { rows: run.rows, paths, analysis };
}

/** One analysis per preset, format and seed, shared by the checks on it. */
const runs = new Map<string, Promise<PerIo>>();
function cached(preset: StackPresetName, format: TraceFormat, seed: number): Promise<PerIo> {
  const k = `${preset} ${format} ${seed}`;
  let r = runs.get(k);
  if (r === undefined) runs.set(k, (r = perIo(preset, format, seed, SEEDS[seed] ?? {})));
  return r;
}

/**
 * Seed 1 at the tests' size (helpers.ts SMALL), and further seeds with few I/Os: the orders of
 * events that differ from seed to seed (two submitters racing for the loop's list, a worker woken
 * while it still runs) are what broke agreement before, not the number of I/Os.
 */
const SEEDS: Record<number, Partial<StackParams>> = { 1: {}, 3: { iosPerJob: 40 }, 7: { iosPerJob: 40 } };

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
    it(`nvme-64 (64 CPUs, a queue and vector per CPU, 16 jobs) as ${format}, seeds 1–3`, async () => {
      for (const seed of [1, 2, 3]) {
        const { rows, paths, analysis } = await perIo('nvme-64', format, seed, seed === 3 ? { iosPerJob: 15 } : {});
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

  // The layered presets: the workload on the top layer, per I/O; the stack's layers; each I/O's hops.
  for (const preset of ['loop-disk', 'dm-linear', 'dm-crypt'] as const) {
    for (const format of FORMATS) for (const seed of Object.keys(SEEDS).map(Number)) {
      const run = (): Promise<PerIo> => cached(preset, format, seed);
      const mark = KNOWN[`${preset} ${format} ${seed}`];
      (mark?.perIo === undefined ? it : it.fails)(`${preset} as ${format}, seed ${seed}: every workload I/O, its mode, completion and times${mark?.perIo ?? ''}`, async () => {
        const { rows, paths, analysis } = await run();
        const work = rows.filter((r) => r.role === 'workload');
        expect(analysis.ios.total).toBe(work.length);
        expect(compare(pair(rows, paths, work[0]?.layers[0]?.device as string)).slice(0, 10)).toEqual([]);
      });
      (mark?.layers === undefined ? it : it.fails)(`${preset} as ${format}, seed ${seed}: the stack's layers and their counts${mark?.layers ?? ''}`, async () => {
        const { rows, analysis } = await run();
        const work = rows.filter((r) => r.role === 'workload');
        const want = [...new Map(work[0]?.layers.map((l) => [l.device, l])).values()];
        const layers = analysis.layers ?? [];
        expect(layers.map((l) => `${l.device} ${l.role}`)).toEqual(want.map((l) => `${l.device} ${l.role}`));
        expect(layers[0]?.unit).toBe('dio');
        expect(layers[0]?.ios).toBe(work.length);
        const modes: Record<string, number> = { 'irq-inline': 0, 'kworker-deferred': 0, 'task-inline': 0, unresolved: 0 };
        for (const r of work) modes[r.mode as string] = (modes[r.mode as string] ?? 0) + 1;
        expect(layers[0]?.byMode).toEqual(modes);
        // The loop's backing DIOs are that layer's, all servicing the workload; none is background.
        const lower = rows.filter((r) => r.role === 'lower').length;
        if (lower > 0) expect([layers[1]?.ios, layers[1]?.servicing]).toEqual([lower, lower]);
      });
      (mark?.hops === undefined ? it : it.fails)(`${preset} as ${format}, seed ${seed}: each workload I/O's completion hops${mark?.hops ?? ''}`, async () => {
        const { rows, paths, analysis } = await run();
        const work = rows.filter((r) => r.role === 'workload');
        const histogram: Record<string, number> = {};
        for (const r of work) histogram[String(r.hops.length)] = (histogram[String(r.hops.length)] ?? 0) + 1;
        expect(analysis.hops?.histogram).toEqual(histogram);
        const bad: string[] = [];
        for (const { t, p } of pair(rows, paths, work[0]?.layers[0]?.device as string)) {
          const got = (p?.layers?.hops ?? []).map((h) => `${h.fn}@${h.workqueue}`).join();
          const want = t.hops.map((h) => `${h.function}@${h.workqueue}`).join();
          if (got !== want) bad.push(`${t.id} ${t.op}: hops [${got}] ≠ [${want}]`);
        }
        expect(bad.slice(0, 10)).toEqual([]);
      });
    }
  }
});

/**
 * Where the layered analyzer does not agree yet, by preset, format and seed: `it.fails` keeps the check
 * running and turns red the day it agrees (then remove the entry). Each says what differs.
 */
const KNOWN: Record<string, { perIo?: string; layers?: string; hops?: string }> = {};
