import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import type { PresetName, SimParams } from '../../src/sim/index.js';
import { parseTruth, type TruthRow } from '../../src/sim/truth.js';
import { textSource } from '../helpers/paths.js';
import { FORMATS, runToText } from './helpers.js';

/**
 * The analyzer against the simulator's ground truth: for every preset, all three formats and
 * several seeds, every I/O is found, gets its true mode, and every stage time is reproduced to
 * the format's timestamp resolution (1 µs: all three print 6 decimals by default).
 */

const RESOLUTION_NS = 1000;

const STAGES: [keyof IoPath, keyof TruthRow][] = [
  ['submit', 'submit_ns'],
  ['issue', 'issue_ns'],
  ['deviceComplete', 'block_complete_ns'],
  ['queueWork', 'queue_work_ns'],
  ['kworkerWakeup', 'kworker_wakeup_ns'],
  ['kworkerSwitchIn', 'kworker_switch_in_ns'],
  ['executeStart', 'execute_start_ns'],
  ['executeEnd', 'execute_end_ns'],
  ['completion', 'completion_ns'],
];

async function check(preset: PresetName, format: TraceFormat, seed: number, params: Partial<SimParams> = {}): Promise<void> {
  const sim = await runToText({ preset, format, seed, params: { ios: 1200, ...params } });
  const truth = parseTruth(sim.truth, 'csv');
  const paths: IoPath[] = [];
  const { analysis } = await analyzeTrace(textSource(sim.text), { onPath: (p) => paths.push(p) });
  expect(analysis.input.format).toBe(format);
  expect(analysis.unit).toBe('dio');
  expect(analysis.input.diagnostics.malformed_line ?? 0).toBe(0);
  expect(paths.length).toBe(truth.length);
  // Pair by file offset, in submission order (offsets repeat in random workloads).
  const byOffset = new Map<number, IoPath[]>();
  for (const p of paths.slice().sort((a, b) => (a.submit?.ts ?? 0) - (b.submit?.ts ?? 0))) {
    const q = byOffset.get(p.offset ?? -1) ?? [];
    q.push(p);
    byOffset.set(p.offset ?? -1, q);
  }
  const mismatches: string[] = [];
  for (const t of truth.slice().sort((a, b) => Number(a.submit_ns) - Number(b.submit_ns))) {
    const p = byOffset.get(Number(t.offset))?.shift();
    if (!p) {
      mismatches.push(`truth ${t.id}: no analyzed I/O at offset ${t.offset}`);
      continue;
    }
    if (p.mode !== t.mode) mismatches.push(`truth ${t.id}: mode ${p.mode} ≠ ${t.mode}`);
    if ((t.irq_ctx ?? undefined) !== (p.irqContext ?? undefined) && p.mode === 'irq-inline') mismatches.push(`truth ${t.id}: irq ${p.irqContext} ≠ ${t.irq_ctx}`);
    for (const [stage, col] of STAGES) {
      const want = t[col];
      const got = (p[stage] as { ts: number } | undefined)?.ts;
      if (want === null || want === '') {
        if (got !== undefined && stage !== 'kworkerWakeup' && stage !== 'kworkerSwitchIn') mismatches.push(`truth ${t.id}: ${stage} at ${got} but none in truth`);
        continue;
      }
      if (got === undefined) mismatches.push(`truth ${t.id}: ${stage} missing (truth ${want})`);
      else if (Math.abs(got - Number(want)) >= RESOLUTION_NS) mismatches.push(`truth ${t.id}: ${stage} ${got} ≠ ${want}`);
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

const PRESETS: PresetName[] = ['seed-4.18', 'seed-5.10', 'seed-patched', 'seed-6.19', 'vm-cpu1', 'vm-cpu0'];

describe('analyze agrees with the simulator ground truth on every I/O', { timeout: 120_000 }, () => {
  for (const preset of PRESETS) {
    for (const format of FORMATS) {
      it(`${preset} as ${format}, seeds 1–3`, async () => {
        for (const seed of [1, 2, 3]) await check(preset, format, seed);
      });
    }
  }
  const variants: [string, PresetName, Partial<SimParams>][] = [
    ['psync writes (sync waiter)', 'vm-cpu1', { engine: 'psync', iodepth: 1 }],
    ['O_DSYNC writes on 5.10', 'seed-5.10', { dsync: true }],
    ['O_DSYNC writes on 6.19', 'seed-6.19', { dsync: true }],
    ['unwritten extents on the patched kernel', 'seed-patched', { extent: 'unwritten' }],
    ['random read/write mix', 'vm-cpu1', { rw: 'randrw' }],
    ['io_uring', 'vm-cpu1', { engine: 'io_uring' }],
    ['a virtio host that asks for notifies only when idle, fio on the IRQ CPU', 'vm-cpu1', { kickWhen: 'host-idle' }],
    ['a virtio host that asks for notifies only when idle, fio on the other CPU', 'vm-cpu0', { kickWhen: 'host-idle' }],
    // Interrupts held for the vCPU's exit, the host's stall after it, and softirqs left to ksoftirqd.
    ['a virtio host sharing the IRQ vCPU, ksoftirqd, writes', 'vm-cpu1', { kickWhen: 'host-idle', irqStealNs: 40_000, hostTakeNs: 7000, ksoftirqd: true }],
    ['a virtio host sharing the IRQ vCPU, ksoftirqd, reads', 'vm-cpu1', { kickWhen: 'host-idle', irqStealNs: 40_000, hostTakeNs: 7000, ksoftirqd: true, rw: 'randread' }],
  ];
  for (const [what, preset, params] of variants) {
    it(`${what}, all formats`, async () => {
      for (const format of FORMATS) await check(preset, format, 7, params);
    });
  }
});
