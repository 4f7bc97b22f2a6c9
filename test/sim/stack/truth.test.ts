import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/model/events.js';
import { expectedHops, STACK_PRESET_NAMES, STACK_PRESETS, type StackPresetName, type StackTruthRow } from '../../../src/sim/stack/index.js';
import { parseAll, runStack, SMALL } from './helpers.js';

/**
 * The ground truth of the stacked presets is internally consistent (one path per workload I/O
 * through every layer, in the order the kernel completes them, with the hops the preset promises)
 * and agrees with the trace it came with (every stage it names is an event at that instant, on that
 * CPU, in that context and task).
 */

const LAYERS: Record<StackPresetName, string[]> = {
  'nvme-64': ['259:0 dio top', '259:0 request top'],
  'loop-disk': ['7:0 dio top', '7:0 request top', '254:0 dio loop-backing', '254:0 request loop-backing'],
  'dm-linear': ['253:0 dio top', '253:0 bio top', '254:0 request dm-target'],
  'dm-crypt': ['253:0 dio top', '253:0 bio top', '254:0 request dm-target'],
};

const HOP_NAMES: Record<StackPresetName, { W: string[]; R: string[] }> = {
  'nvme-64': { W: ['iomap_dio_complete_work@dio/nvme0n1'], R: [] },
  'loop-disk': { W: ['iomap_dio_complete_work@dio/vda', 'iomap_dio_complete_work@dio/loop0'], R: [] },
  'dm-linear': { W: ['iomap_dio_complete_work@dio/dm-0'], R: [] },
  'dm-crypt': { W: ['iomap_dio_complete_work@dio/dm-0'], R: ['kcryptd_crypt@kcryptd/253:0'] },
};

const us = (ns: number): number => Math.floor(ns / 1000);

function consistency(preset: StackPresetName, rows: StackTruthRow[]): string[] {
  const p = STACK_PRESETS[preset].params;
  const bad: string[] = [];
  const work = rows.filter((r) => r.role === 'workload');
  const lower = rows.filter((r) => r.role === 'lower');
  const ids = new Set(rows.map((r) => r.id));
  if (ids.size !== rows.length) bad.push('duplicate ids');
  if (work.length !== p.jobs * (SMALL[preset].iosPerJob as number)) bad.push(`workload I/Os ${work.length}`);
  for (const r of work) {
    const shape = r.layers.map((l) => `${l.device} ${l.unit} ${l.role}`);
    if (shape.join() !== LAYERS[preset].join()) bad.push(`${r.id}: layers ${shape.join()}`);
    const chain = r.hops.map((h) => `${h.function}@${h.workqueue}`);
    const want = HOP_NAMES[preset][r.op === 'write' ? 'W' : 'R'];
    if (chain.join() !== want.join() || r.hops.length !== expectedHops(p.stack, r.op === 'write')) bad.push(`${r.id}: hops ${chain.join()}`);
    for (const l of r.layers) {
      if (l.completeNs === null || l.completeNs < l.submitNs || (l.issueNs !== null && (l.issueNs < l.submitNs || l.issueNs > l.completeNs))) bad.push(`${r.id}: ${l.device} ${l.unit} stage times`);
    }
    // Completions run bottom-up.
    for (let i = 1; i < r.layers.length; i++) if ((r.layers[i]?.completeNs ?? 0) > (r.layers[i - 1]?.completeNs ?? 0)) bad.push(`${r.id}: layer ${i} completes after the one above`);
    let prev = r.layers[r.layers.length - 1]?.completeNs ?? 0;
    for (const h of r.hops) {
      if (h.startNs === null || h.endNs === null || h.queueNs < prev || h.startNs < h.queueNs || h.endNs < h.startNs || !h.worker?.startsWith('kworker/')) bad.push(`${r.id}: hop ${h.function} times/worker`);
      prev = h.queueNs;
    }
    const top = r.layers[0];
    if (r.completeNs !== top?.completeNs || r.completeCtx !== top?.completeCtx) bad.push(`${r.id}: final completion is not the top layer's`);
    const mode = r.completeCtx === 'task' ? (r.completeTask?.startsWith('kworker/') ? 'kworker-deferred' : 'task-inline') : 'irq-inline';
    if (r.mode !== mode || (r.hops.length > 0) !== (r.mode === 'kworker-deferred')) bad.push(`${r.id}: mode ${r.mode} with ${r.hops.length} hops in ${r.completeCtx}`);
    if (r.reapNs === null || r.completeNs === null || r.reapNs < r.completeNs) bad.push(`${r.id}: reaped before completion`);
    if (!/^fio-\d+$/.test(r.submitter)) bad.push(`${r.id}: submitter ${r.submitter}`);
    const mine = lower.filter((l) => l.parent === r.id);
    if (mine.length !== (preset === 'loop-disk' ? 1 : 0)) bad.push(`${r.id}: ${mine.length} lower I/Os`);
    for (const l of mine) {
      if (l.op !== r.op || !l.submitter.startsWith('kworker/u') || l.layers[0] !== undefined && r.layers[2]?.submitNs !== l.layers[0].submitNs) bad.push(`${r.id}: lower I/O ${l.id}`);
    }
  }
  for (const l of lower) if (!ids.has(l.parent ?? -1)) bad.push(`lower ${l.id}: no parent`);
  return bad;
}

describe('stacked presets: the ground truth is consistent', { timeout: 120_000 }, () => {
  for (const preset of STACK_PRESET_NAMES) {
    it(`${preset}: one path per workload I/O through every layer, hops as the preset says`, () => {
      const run = runStack(preset, 'ftrace', 3);
      expect(consistency(preset, run.rows).slice(0, 10)).toEqual([]);
      // Both directions happen (the checks above cover each).
      expect(new Set(run.rows.map((r) => r.op)).size).toBe(2);
    });
  }

  for (const preset of STACK_PRESET_NAMES) {
    it(`${preset}: every stage the truth names is in the trace, where and as it says`, () => {
      const run = runStack(preset, 'ftrace', 4);
      const { events } = parseAll('ftrace', run.text);
      const at = new Map<string, TraceEvent[]>();
      for (const e of events) {
        const k = `${e.cpu}|${us(e.ts)}|${e.kind === 'other' ? e.name : e.kind}`;
        const l = at.get(k) ?? [];
        l.push(e);
        at.set(k, l);
      }
      const find = (cpu: number | null, ns: number | null, kind: string): TraceEvent[] => at.get(`${cpu}|${us(ns ?? -1)}|${kind}`) ?? [];
      const bad: string[] = [];
      const ctxOf = (e: TraceEvent): string | undefined => e.ctx;
      const whoOf = (e: TraceEvent): string => `${e.comm}-${e.pid}`;
      for (const r of run.rows) {
        for (const l of r.layers) {
          const kind = l.unit === 'dio' ? 'iomap_dio_complete' : l.unit === 'request' ? 'block_rq_complete' : 'block_bio_complete';
          const hit = find(l.completeCpu, l.completeNs, kind).filter((e) => ctxOf(e) === l.completeCtx && whoOf(e) === l.completeTask);
          if (hit.length === 0) bad.push(`${r.role} ${r.id}: no ${kind} for ${l.device} on CPU ${l.completeCpu} at ${l.completeNs}`);
        }
        for (const h of r.hops) {
          if (find(h.queueCpu, h.queueNs, 'workqueue_queue_work').length === 0) bad.push(`${r.id}: no queue_work for ${h.function}`);
          const ex = find(h.cpu, h.startNs, 'workqueue_execute_start').filter((e) => e.kind === 'workqueue_execute_start' && e.function === h.function && whoOf(e) === h.worker);
          if (ex.length === 0) bad.push(`${r.id}: no execute_start of ${h.function} by ${h.worker}`);
        }
      }
      expect(bad.slice(0, 10)).toEqual([]);
      // The top device's DIOs are the workload's, exactly; the backing file's are the lower I/Os.
      const p = STACK_PRESETS[preset].params;
      const topDev = run.rows[0]?.layers[0]?.device;
      const begins = events.filter((e) => e.kind === 'iomap_dio_rw_begin');
      const onTop = begins.filter((e) => e.kind === 'iomap_dio_rw_begin' && `${e.dev.major}:${e.dev.minor}` === topDev);
      expect(onTop.length).toBe(p.jobs * (SMALL[preset].iosPerJob as number));
      expect(begins.length - onTop.length).toBe(run.rows.filter((r) => r.role === 'lower').length);
      if (preset === 'nvme-64') {
        // One queue per CPU: every request completes on its submitter's CPU, by that CPU's vector.
        const wr = run.rows.filter((r) => r.layers[1]?.completeCpu !== r.submitCpu);
        expect(wr.length).toBe(0);
        const irqs = new Map<number, Set<string>>();
        for (const e of events) if (e.kind === 'irq_handler_entry') irqs.set(e.cpu, (irqs.get(e.cpu) ?? new Set()).add(e.name));
        expect(irqs.size).toBe(p.jobs);
        for (const [cpu, names] of irqs) expect([...names]).toEqual([`nvme0q${cpu + 1}`]);
        expect(new Set(run.rows.map((r) => r.submitter)).size).toBe(p.jobs);
      }
      if (preset === 'loop-disk') {
        // loop's own kiocb on the backing file prints DIRECT alone, whatever the direction.
        for (const e of begins) if (!onTop.includes(e) && e.kind === 'iomap_dio_rw_begin') expect(e.iocbFlags).toBe('DIRECT');
      }
    });
  }
});
