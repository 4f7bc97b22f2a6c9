import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analyze/pipeline.js';
import { textSource } from '../../helpers/paths.js';
import { runStack } from './helpers.js';

/**
 * The dm presets analyzed as block requests (what a trace without iomap events gives): the
 * requests the remapped bios became are the workload's, counted on the dm device at the top and
 * submitted by fio (also the writes dm-crypt's dmcrypt_write thread issued), each also counted on
 * the disk beneath as servicing it; their modes are the truth's.
 */
describe('dm presets in request unit', { timeout: 60_000 }, () => {
  for (const preset of ['dm-linear', 'dm-crypt'] as const) {
    it(`${preset}: workload, modes, submitters and layers from the remaps`, async () => {
      const run = runStack(preset, 'ftrace', 3);
      const work = run.rows.filter((r) => r.role === 'workload');
      const { analysis: a } = await analyzeTrace(textSource(run.text), { unit: 'request' });
      expect(a.unit).toBe('request');
      expect(a.ios.total).toBe(work.length);
      const modes: Record<string, number> = { 'irq-inline': 0, 'kworker-deferred': 0, 'task-inline': 0, unresolved: 0 };
      for (const r of work) modes[r.mode as string] = (modes[r.mode as string] ?? 0) + 1;
      expect(a.ios.byMode).toEqual(modes);
      const bySub = new Map<string, number>();
      for (const r of work) bySub.set(r.submitter, (bySub.get(r.submitter) ?? 0) + 1);
      expect(a.submitters.map((s) => [`${s.comm}-${s.pid}`, s.ios]).sort()).toEqual([...bySub].sort());
      const top = work[0]?.layers[0]?.device;
      const disk = work[0]?.layers.find((l) => l.role === 'dm-target')?.device;
      expect(a.layers?.map((l) => [l.device, l.role, l.servicing])).toEqual([
        [top, 'top', 0],
        [disk, 'dm-target', work.length],
      ]);
    });
  }
});
