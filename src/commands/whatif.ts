import { formatWhatif, readModelFile, writeWhatifHtml, type CalibratedModel, type WhatifChange } from '../calibrate/index.js';
import { whatif } from '../index.js';
import { checkInputPath } from '../input/check.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { loadCalibration } from './calibrate.js';
import { CliError, command, writeJson } from './common.js';
import { enumOption, intOption, RW_MODES } from './options.js';

/** `iopath whatif`: option parsing and output only; the runs live in src/calibrate/predict/whatif.ts, the command's definition in whatif-command.ts. */

export interface WhatifCliOptions {
  kernel?: string;
  submitCpu?: string;
  irqCpu?: string;
  iodepth?: string;
  rw?: string;
  seeds?: string;
  ios?: string;
  seed?: string;
  format?: string;
  json?: boolean;
  html?: string;
}

function cpuOption(name: string, v: string | undefined, cpus: number): number | undefined {
  const n = intOption(name, v, 0, 'a CPU number');
  if (n !== undefined && n >= cpus) throw new CliError(`${name} ${n}: the calibrated machine has ${cpus} CPUs (0–${cpus - 1})`);
  return n;
}

export function changeFrom(o: WhatifCliOptions, model: CalibratedModel): WhatifChange {
  const c: WhatifChange = {};
  if (o.kernel !== undefined) c.kernel = enumOption('--kernel', o.kernel, POLICY_NAMES);
  const cpus = model.params.cpus;
  const sub = cpuOption('--submit-cpu', o.submitCpu, cpus);
  if (sub !== undefined) c.submitCpu = sub;
  const irq = cpuOption('--irq-cpu', o.irqCpu, cpus);
  if (irq !== undefined) c.irqCpu = irq;
  const depth = intOption('--iodepth', o.iodepth, 1);
  if (depth !== undefined) c.iodepth = depth;
  if (o.rw !== undefined) c.rw = enumOption('--rw', o.rw, RW_MODES);
  return c;
}

/** A model file is used as is; anything else is a trace to calibrate first. */
async function modelFor(input: string, o: WhatifCliOptions): Promise<CalibratedModel> {
  if (input !== '-') {
    checkInputPath(input);
    const m = readModelFile(input);
    if (m !== null) return m;
  }
  return loadCalibration(input, { format: o.format });
}

function commandLine(input: string, o: WhatifCliOptions): string {
  const parts = ['iopath', 'whatif', input];
  const add = (flag: string, v: string | undefined): void => {
    if (v !== undefined) parts.push(flag, v);
  };
  add('--kernel', o.kernel);
  add('--submit-cpu', o.submitCpu);
  add('--irq-cpu', o.irqCpu);
  add('--iodepth', o.iodepth);
  add('--rw', o.rw);
  add('--seeds', o.seeds);
  add('--ios', o.ios);
  add('--seed', o.seed);
  return parts.join(' ');
}

export const runWhatif = command(async (input: string, o: WhatifCliOptions): Promise<number> => {
  const model = await modelFor(input, o);
  const change = changeFrom(o, model);
  const seeds = intOption('--seeds', o.seeds, 1);
  const ios = intOption('--ios', o.ios, 1);
  const firstSeed = o.seed === undefined ? 1 : intOption('--seed', o.seed, 1);
  const result = await whatif(model, change, { seeds, ios, firstSeed });
  if (o.json) writeJson(result);
  else process.stdout.write(formatWhatif(result));
  if (o.html !== undefined) {
    await writeWhatifHtml(model, change, result.iosPerRun, firstSeed ?? 1, o.html, commandLine(input, o));
    if (!o.json) process.stdout.write(`\nHTML report (one simulated run per side, analysed like a capture): ${o.html}\n`);
  }
  return 0;
});
