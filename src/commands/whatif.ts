import type { Command } from 'commander';
import { formatWhatif, readModelFile, whatif, writeWhatifHtml, type CalibratedModel, type WhatifChange } from '../calibrate/index.js';
import type { RwMode } from '../sim/params.js';
import { isPolicyName, POLICY_NAMES } from '../sim/policies/index.js';
import { loadCalibration, positiveInt } from './calibrate.js';
import { checkInput, CliError, writeJson } from './common.js';

/** `iopath whatif`: option parsing and output only; the runs live in src/calibrate/whatif.ts. */

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

const RWS: RwMode[] = ['randwrite', 'write', 'randread', 'read', 'randrw'];

function cpuOption(name: string, v: string | undefined, cpus: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliError(`${name} must be a CPU number (got "${v}")`);
  const n = Number(v);
  if (n >= cpus) throw new CliError(`${name} ${n}: the calibrated machine has ${cpus} CPUs (0–${cpus - 1})`);
  return n;
}

export function changeFrom(o: WhatifCliOptions, model: CalibratedModel): WhatifChange {
  const c: WhatifChange = {};
  if (o.kernel !== undefined) {
    if (!isPolicyName(o.kernel)) throw new CliError(`--kernel must be one of ${POLICY_NAMES.join(', ')} (got "${o.kernel}")`);
    c.kernel = o.kernel;
  }
  const cpus = model.params.cpus;
  const sub = cpuOption('--submit-cpu', o.submitCpu, cpus);
  if (sub !== undefined) c.submitCpu = sub;
  const irq = cpuOption('--irq-cpu', o.irqCpu, cpus);
  if (irq !== undefined) c.irqCpu = irq;
  const depth = positiveInt('--iodepth', o.iodepth);
  if (depth !== undefined) c.iodepth = depth;
  if (o.rw !== undefined) {
    if (!(RWS as string[]).includes(o.rw)) throw new CliError(`--rw must be one of ${RWS.join(', ')} (got "${o.rw}")`);
    c.rw = o.rw as RwMode;
  }
  return c;
}

/** A model file is used as is; anything else is a trace to calibrate first. */
async function modelFor(input: string, o: WhatifCliOptions): Promise<CalibratedModel> {
  if (input !== '-') {
    checkInput(input);
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

export async function runWhatif(input: string, o: WhatifCliOptions): Promise<number> {
  const model = await modelFor(input, o);
  const change = changeFrom(o, model);
  const seeds = positiveInt('--seeds', o.seeds);
  const ios = positiveInt('--ios', o.ios);
  const firstSeed = o.seed === undefined ? 1 : positiveInt('--seed', o.seed);
  let result;
  try {
    result = await whatif(model, change, { seeds, ios, firstSeed });
  } catch (err) {
    if (err instanceof RangeError) throw new CliError(err.message);
    throw err;
  }
  if (o.json) writeJson(result);
  else process.stdout.write(formatWhatif(result));
  if (o.html !== undefined) {
    await writeWhatifHtml(model, change, result.iosPerRun, firstSeed ?? 1, o.html, commandLine(input, o));
    if (!o.json) process.stdout.write(`\nHTML report (one simulated run per side, analysed like a capture): ${o.html}\n`);
  }
  return 0;
}

export function registerWhatif(program: Command): void {
  program
    .command('whatif')
    .description('simulate the calibrated machine under its current and a changed setting: predicted IOPS, completion modes, CPU shares and latencies, with the change and its spread')
    .argument('<input>', 'a model from `iopath calibrate -o`, or a trace to calibrate first')
    .option('--kernel <policy>', `completion policy to predict: ${POLICY_NAMES.join(', ')}`)
    .option('--submit-cpu <cpu>', 'CPU the submitter runs on')
    .option('--irq-cpu <cpu>', 'CPU the device interrupt goes to')
    .option('--iodepth <n>', 'I/Os the submitter keeps in flight')
    .option('--rw <mode>', `direction and pattern: ${RWS.join(', ')}`)
    .option('--seeds <n>', 'paired runs per side (default 5)')
    .option('--ios <n>', 'I/Os per run (default: the trace\'s, at most 20000)')
    .option('--seed <n>', 'first seed (default 1)')
    .option('--format <format>', 'force the trace format when calibrating: ftrace | trace-cmd | perf')
    .option('--json', 'print the prediction as JSON (schema iopath.whatif/1)')
    .option('--html <file>', 'write a compare report of one simulated run per side')
    .action(async (input: string, opts: WhatifCliOptions) => {
      process.exitCode = await runWhatif(input, opts);
    });
}
