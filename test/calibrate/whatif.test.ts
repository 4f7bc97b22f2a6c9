import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { calibrateTrace, readModelFile, spreadOf, whatif, WHATIF_SCHEMA, type CalibratedModel } from '../../src/calibrate/index.js';
import { runCalibrate } from '../../src/commands/calibrate.js';
import { registerCalibrate } from '../../src/commands/calibrate-command.js';
import { CliError } from '../../src/commands/common.js';
import { changeFrom, runWhatif } from '../../src/commands/whatif.js';
import { registerWhatif } from '../../src/commands/whatif-command.js';
import { simulate } from '../../src/sim/index.js';
import { simulateToFile } from './helpers.js';

/**
 * Closed loop: calibrate a trace the simulator wrote under the 5.10 policy, predict the patched
 * kernel, and compare with what the simulator itself gives for the patch with the parameters that
 * wrote the trace.
 */

const IOS = 8000;
const SEEDS = 3;

describe('whatif on a calibrated simulation', () => {
  let model: CalibratedModel;
  let path = '';
  let cleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const sim = await simulateToFile({ preset: 'seed-5.10', params: { ios: IOS }, seed: 7 });
    cleanup = sim.cleanup;
    path = sim.path;
    model = await calibrateTrace(path);
  }, 120_000);
  afterAll(() => cleanup());

  it('predicts the patch as the simulator gives it (IOPS change within 3 points, modes within 1 point)', async () => {
    const r = await whatif(model, { kernel: 'patched' }, { seeds: SEEDS, ios: IOS });
    const truth: number[] = [];
    for (let k = 0; k < SEEDS; k++) {
      const a = await simulate({ preset: 'seed-5.10', params: { ios: IOS }, seed: 1 + k });
      const b = await simulate({ preset: 'seed-patched', params: { ios: IOS }, seed: 1 + k });
      truth.push(100 * (b.iops / a.iops - 1));
    }
    const want = spreadOf(truth).mean;
    expect(Math.abs(r.changePct - want), `predicted ${r.changePct}%, simulator ${want}%`).toBeLessThanOrEqual(3);
    expect(r.current.byMode['kworker-deferred']).toBeGreaterThan(0.99);
    expect(r.changed.byMode['irq-inline']).toBeGreaterThan(0.99);
    expect(r.spread.iopsChangePct.min).toBeLessThanOrEqual(r.changePct);
    expect(r.spread.iopsChangePct.max).toBeGreaterThanOrEqual(r.changePct);
  });

  it('writes the whatif/1 JSON contract', async () => {
    const r = await whatif(model, { submitCpu: 0 }, { seeds: 2, ios: 2000 });
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    expect(json.schema).toBe(WHATIF_SCHEMA);
    for (const side of ['current', 'changed'] as const) {
      const s = r[side];
      expect(s.iops).toBeGreaterThan(0);
      expect(Object.keys(s.byMode).sort()).toEqual(['irq-inline', 'kworker-deferred', 'task-inline']);
      expect(s.cpus.length).toBe(model.params.cpus);
      expect(s.latencyUs.total?.p99).toBeGreaterThan(0);
      expect(s.runs).toHaveLength(2);
    }
    expect(r.changed.setting.submitCpu).toBe(0);
    expect(typeof json.changePct).toBe('number');
    expect(json.spread).toMatchObject({ iopsChangePct: { mean: r.changePct } });
  });

  it('calibrate -o writes a model that whatif reads back; bad options are usage errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iopath-whatif-'));
    const out = join(dir, 'model.json');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runCalibrate(path, { output: out })).toBe(0);
      const back = readModelFile(out);
      expect(back?.params).toEqual(model.params);
      expect(await runWhatif(out, { kernel: 'mainline-6.19', seeds: '1', ios: '1000', json: true })).toBe(0);
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('"schema": "iopath.whatif/1"');
    } finally {
      write.mockRestore();
    }
    expect(() => changeFrom({ kernel: 'linux-2.6' }, model)).toThrow(CliError);
    expect(() => changeFrom({ submitCpu: '9' }, model)).toThrow(CliError);
    expect(() => changeFrom({ iodepth: '0' }, model)).toThrow(CliError);
    expect(() => changeFrom({ rw: 'sideways' }, model)).toThrow(CliError);
    await expect(runWhatif(join(dir, 'missing.json'), {})).rejects.toMatchObject({ exitCode: 2 });
    await writeFile(join(dir, 'empty.txt'), '');
    await expect(runCalibrate(join(dir, 'empty.txt'), {})).rejects.toBeInstanceOf(CliError);
    await expect(runCalibrate('-', {})).rejects.toBeInstanceOf(CliError);
    expect(JSON.parse(await readFile(out, 'utf8')).schema).toBe('iopath.model/1');
    await rm(dir, { recursive: true, force: true });
  });

  it('registers both commands with the options of the issue', () => {
    const program = new Command();
    registerCalibrate(program);
    registerWhatif(program);
    const help = (name: string): string => {
      let text = '';
      const cmd = program.commands.find((c) => c.name() === name);
      cmd?.configureOutput({ writeOut: (s) => (text += s) });
      cmd?.outputHelp();
      return text;
    };
    for (const o of ['--output', '--iodepth', '--json', '--format']) expect(help('calibrate')).toContain(o);
    for (const o of ['--kernel', '--submit-cpu', '--irq-cpu', '--iodepth', '--rw', '--seeds', '--json', '--html']) expect(help('whatif')).toContain(o);
  });
});
