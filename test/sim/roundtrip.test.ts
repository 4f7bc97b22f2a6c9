import { describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { createEmitter } from '../../src/sim/emit/index.js';
import type { SimParams } from '../../src/sim/params.js';
import type { PresetName } from '../../src/sim/presets.js';
import { FORMATS, parseAll, runToText } from './helpers.js';

/** parse(emit(e)) deep-equals e, line by line, for everything the simulator writes. */

const CASES: { name: string; preset: PresetName; params?: Partial<SimParams> }[] = [
  { name: 'vm-cpu1 (softirq completions, kworker, task-inline)', preset: 'vm-cpu1', params: { ios: 400 } },
  { name: 'vm-cpu0 (two CPUs, idle CPU, cross-CPU wakeups)', preset: 'vm-cpu0', params: { ios: 400 } },
  { name: 'seed-4.18 (hardirq inline)', preset: 'seed-4.18', params: { ios: 600 } },
  { name: 'seed-5.10 psync randrw O_DSYNC with errors', preset: 'seed-5.10', params: { ios: 200, engine: 'psync', rw: 'randrw', dsync: true, errorProb: 0.05 } },
  { name: 'mainline-6.19 io_uring extending + page cache', preset: 'seed-6.19', params: { ios: 300, engine: 'io_uring', extent: 'extending', pageCacheProb: 0.3 } },
];

describe('emit is the inverse of parse', () => {
  for (const format of FORMATS) {
    for (const c of CASES) {
      it(`${format}: ${c.name}`, async () => {
        const { text, events } = await runToText({ preset: c.preset, params: c.params, seed: 3, format }, true);
        const parsed = parseAll(format, text);
        expect(parsed.malformed).toBe(0);
        expect(parsed.events.length).toBe(events.length);
        for (let i = 0; i < events.length; i++) {
          const got = parsed.events[i] as TraceEvent;
          expect(got).toEqual({ ...(events[i] as TraceEvent), line: got.line });
        }
      });
    }
  }

  // Kinds the model does not produce still round-trip through the emitters.
  const base = { line: 0, ts: 500_123_456_789, cpu: 1, pid: 7888, comm: 'fio' };
  const extra: TraceEvent[] = [
    { ...base, kind: 'block_rq_insert', dev: { major: 8, minor: 0 }, rwbs: 'W', bytes: 4096, cmd: '', sector: 12, nrSector: 8, issuer: 'fio' },
    { ...base, kind: 'block_rq_error', dev: { major: 259, minor: 0 }, rwbs: 'WS', cmd: '', sector: 12, nrSector: 8, ioprio: 'none,0,0', error: -5 },
    { ...base, kind: 'sched_wakeup_new', targetComm: 'fio', targetPid: 7900, prio: 120, targetCpu: 0, form: 'kernel' },
    { ...base, kind: 'sched_waking', targetComm: 'bash', targetPid: 7881, prio: 120, targetCpu: 1, success: 1, form: 'kernel' },
    { ...base, kind: 'sched_migrate_task', targetComm: 'fio', targetPid: 7888, prio: 120, origCpu: 1, destCpu: 0 },
    { ...base, kind: 'softirq_raise', vec: 4, action: 'BLOCK' },
    { ...base, kind: 'workqueue_activate_work', work: '0xffff888135791280' },
    { ...base, kind: 'workqueue_execute_end', work: '0xffff888135791280' },
    { ...base, kind: 'other', name: 'nvme_setup_cmd', system: 'nvme', args: 'nvme0: disk=nvme0n1, qid=2, cmdid=4, nsid=1' },
  ];
  for (const format of FORMATS) {
    it(`${format}: every other event kind`, () => {
      const em = createEmitter(format, { hashKey: 7 });
      const diagnostics = createDiagnostics('x', false);
      const parser = createLineParser({ format, diagnostics });
      for (const raw of extra) {
        const e = em.shape(format === 'ftrace' ? { ...raw, flags: 'd.s1.', ctx: 'softirq' } : { ...raw });
        if (format !== 'perf' && e.kind === 'other') delete e.system;
        const got = parser.parse(em.line(e), 5);
        expect(got).toEqual({ ...e, line: 5 });
      }
    });
  }
});
