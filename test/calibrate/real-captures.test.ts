import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateTrace } from '../../src/calibrate/calibrate.js';
import type { CalibratedModel } from '../../src/calibrate/model.js';
import { whatif, type WhatifChange, type WhatifResult } from '../../src/calibrate/whatif.js';
import { HAS_SHARED, SHARED_TRACES } from '../helpers/paths.js';

/**
 * Predictions checked against captures of the predicted setting, made on the same VM: fio moved
 * off the interrupt's CPU and back, and a write capture's model asked for reads. Targets: IOPS
 * within 15% of the measured (analyze's I/O-window IOPS; fio's own is within 0.3% of it), every
 * completion mode's share within 5 points.
 *
 * Targets the model misses today are `it.fails` with the miss in their name: they state what the
 * prediction is, not a weakened bound, and start failing (to be flipped) once the model gets
 * there. The one left: the write model asked for reads predicts 92.4 / 0 / 7.6 % (irq / kworker /
 * task) against the read capture's 97.9 / 0 / 2.1: a read completes inline in the softirq, and
 * the model keeps the write capture's host response (its run after a notify, the stall of a busy
 * vCPU), under which the vCPU is still inside a submission when the read's interrupt comes more
 * often than in the read capture (the host's own read and write times differ, and the write trace
 * cannot show the read's).
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
  /** Targets known to be missed today (see above). */
  misses: { iops: boolean; modes: boolean };
}

const SCENARIOS: Scenario[] = [
  { name: 'fio and IRQ on CPU 1 → fio on CPU 0', from: 'libaio-randwrite-cpu1-raw', change: { submitCpu: 0 }, target: 'libaio-randwrite-cpu0', misses: { iops: false, modes: false } },
  { name: 'fio on CPU 0 → fio on the IRQ CPU 1', from: 'libaio-randwrite-cpu0', change: { submitCpu: 1 }, target: 'libaio-randwrite-cpu1-raw', misses: { iops: false, modes: false } },
  { name: 'randwrite → randread (fio and IRQ on CPU 1)', from: 'libaio-randwrite-cpu1-raw', change: { rw: 'randread' }, target: 'libaio-randread-cpu1', misses: { iops: false, modes: true } },
];

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
    if (s.misses.iops) it.fails(`${iopsName} (known miss, see report)`, () => expect(Math.abs(iopsErr())).toBeLessThanOrEqual(0.15));
    else it(iopsName, () => expect(Math.abs(iopsErr()), `predicted ${predicted(s).changed.iops}, measured ${Math.round(measured(s).iops)}`).toBeLessThanOrEqual(0.15));

    const worstPts = (): number => Math.max(...MODES.map((m) => Math.abs(100 * (predicted(s).changed.byMode[m] - measured(s).byMode[m]))));
    const modesName = `${s.name}: every mode share within 5 points`;
    if (s.misses.modes) it.fails(`${modesName} (known miss, see report)`, () => expect(worstPts()).toBeLessThanOrEqual(5));
    else it(modesName, () => expect(worstPts()).toBeLessThanOrEqual(5));
  }
});
