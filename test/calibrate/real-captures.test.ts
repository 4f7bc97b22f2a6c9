import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateTrace, whatif, type CalibratedModel, type WhatifChange, type WhatifResult } from '../../src/calibrate/index.js';
import { HAS_SHARED, SHARED_TRACES } from '../helpers/paths.js';

/**
 * Predictions checked against captures of the predicted setting, made on the same VM: fio moved
 * off the interrupt's CPU and back, a write capture's model asked for reads and a read capture's
 * for writes; and each model run under its own setting against the capture it came from. Targets:
 * IOPS within 15% of the measured (analyze's I/O-window IOPS; fio's own is within 0.3% of it),
 * every completion mode's share within 5 points.
 *
 * Targets the model misses today are `it.fails` with the miss in their name: they state what the
 * prediction is, not a weakened bound, and start failing (to be flipped) once the model gets
 * there (figures: 3 seeds × 5,000 I/Os, seeds 1–3):
 * - the cpu0 model with fio moved onto the interrupt's CPU predicts 0.6% task-inline against 7.1%:
 *   whether the request whose notify let the vCPU take a held interrupt completes in its own
 *   submission depends on when the host takes the CPU after that re-entry (hostTakeNs) and on the
 *   block layer's work after the interrupt inside a write submission, neither of which a capture
 *   with fio off the interrupt's CPU shows;
 * - the read model asked for writes predicts +27% IOPS and 0.4% task-inline against 7.1%: the
 *   host's times and the write path's costs on the interrupt's CPU are not in a read trace.
 */

const IOS = 5000;
const SEEDS = 3;
const trace = (stem: string): string => join(SHARED_TRACES, `${stem}.raw.txt.gz`);
const fioIops = (stem: string): number => {
  const j = JSON.parse(readFileSync(join(SHARED_TRACES, `${stem}.fio.json`), 'utf8')) as { jobs: { read: { iops: number }; write: { iops: number } }[] };
  const job = j.jobs[0];
  return job === undefined ? NaN : job.read.iops + job.write.iops;
};

interface Scenario {
  name: string;
  from: string;
  change: WhatifChange;
  target: string;
  /** Targets known to be missed today, with the figure missed (see above); null when met. */
  misses: { iops: string | null; modes: string | null };
}

const SCENARIOS: Scenario[] = [
  { name: 'fio and IRQ on CPU 1 → fio on CPU 0', from: 'libaio-randwrite-cpu1-raw', change: { submitCpu: 0 }, target: 'libaio-randwrite-cpu0', misses: { iops: null, modes: null } },
  { name: 'fio on CPU 0 → fio on the IRQ CPU 1', from: 'libaio-randwrite-cpu0', change: { submitCpu: 1 }, target: 'libaio-randwrite-cpu1-raw', misses: { iops: null, modes: 'task-inline 0.6% against 7.1%' } },
  { name: 'randwrite → randread (fio and IRQ on CPU 1)', from: 'libaio-randwrite-cpu1-raw', change: { rw: 'randread' }, target: 'libaio-randread-cpu1', misses: { iops: null, modes: null } },
  { name: 'randread → randwrite (fio and IRQ on CPU 1)', from: 'libaio-randread-cpu1', change: { rw: 'randwrite' }, target: 'libaio-randwrite-cpu1-raw', misses: { iops: '+27%', modes: 'task-inline 0.4% against 7.1%' } },
];

/** Each model under its own setting against its own capture (`current` side of a scenario from it). */
const SELF = ['libaio-randwrite-cpu1-raw', 'libaio-randwrite-cpu0', 'libaio-randread-cpu1'];

const MODES = ['irq-inline', 'kworker-deferred', 'task-inline'] as const;

describe.skipIf(!HAS_SHARED)('whatif against real captures of the predicted setting', () => {
  const models = new Map<string, CalibratedModel>();
  const results = new Map<string, WhatifResult>();

  beforeAll(async () => {
    for (const stem of new Set(SCENARIOS.flatMap((s) => [s.from, s.target]))) models.set(stem, await calibrateTrace(trace(stem)));
    for (const s of SCENARIOS) results.set(s.name, await whatif(models.get(s.from) as CalibratedModel, s.change, { seeds: SEEDS, ios: IOS }));
  }, 240_000);

  const measured = (s: Scenario): CalibratedModel['measured'] => (models.get(s.target) as CalibratedModel).measured;
  const predicted = (s: Scenario): WhatifResult => results.get(s.name) as WhatifResult;

  for (const s of SCENARIOS) {
    it(`${s.name}: the measured IOPS are analyze's and fio's alike`, () => {
      expect(Math.abs(measured(s).iops / fioIops(s.target) - 1)).toBeLessThan(0.01);
    });

    it(`${s.name}: the change goes the measured way`, () => {
      const before = (models.get(s.from) as CalibratedModel).measured;
      const r = predicted(s);
      expect(Math.sign(r.changed.iops - r.current.iops)).toBe(Math.sign(measured(s).iops - before.iops));
      const top = (m: Record<(typeof MODES)[number], number>): string => MODES.reduce((a, b) => (m[b] > m[a] ? b : a));
      expect(top(r.changed.byMode)).toBe(top(measured(s).byMode));
    });

    const iopsErr = (): number => predicted(s).changed.iops / measured(s).iops - 1;
    const iopsName = `${s.name}: IOPS within 15% of the capture`;
    if (s.misses.iops !== null) it.fails(`${iopsName} (known miss: ${s.misses.iops})`, () => expect(Math.abs(iopsErr())).toBeLessThanOrEqual(0.15));
    else it(iopsName, () => expect(Math.abs(iopsErr()), `predicted ${predicted(s).changed.iops}, measured ${Math.round(measured(s).iops)}`).toBeLessThanOrEqual(0.15));

    const worstPts = (): number => Math.max(...MODES.map((m) => Math.abs(100 * (predicted(s).changed.byMode[m] - measured(s).byMode[m]))));
    const modesName = `${s.name}: every mode share within 5 points`;
    if (s.misses.modes !== null) it.fails(`${modesName} (known miss: ${s.misses.modes})`, () => expect(worstPts()).toBeLessThanOrEqual(5));
    else it(modesName, () => expect(worstPts()).toBeLessThanOrEqual(5));
  }

  for (const stem of SELF) {
    const own = (): { run: WhatifResult['current']; m: CalibratedModel['measured'] } => {
      const s = SCENARIOS.find((x) => x.from === stem) as Scenario;
      return { run: predicted(s).current, m: (models.get(stem) as CalibratedModel).measured };
    };
    it(`${stem}: its model reproduces its own IOPS within 15%`, () => {
      const { run, m } = own();
      expect(Math.abs(run.iops / m.iops - 1), `predicted ${run.iops}, measured ${Math.round(m.iops)}`).toBeLessThanOrEqual(0.15);
    });
    it(`${stem}: its model reproduces its own mode shares within 5 points`, () => {
      const { run, m } = own();
      expect(Math.max(...MODES.map((k) => Math.abs(100 * (run.byMode[k] - m.byMode[k]))))).toBeLessThanOrEqual(5);
    });
  }
});
