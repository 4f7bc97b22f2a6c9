import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatModel, type CalibratedModel } from '../calibrate/index.js';
import { calibrate } from '../index.js';
import { checkInputPath } from '../input/check.js';
import { command, writeJson } from './common.js';
import { formatOption, intOption } from './options.js';

/** `iopath calibrate`: option parsing and output only; the measurements live in src/calibrate. */

export interface CalibrateCliOptions {
  output?: string;
  format?: string;
  iodepth?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Calibrates a trace for `calibrate` and `whatif`. */
export async function loadCalibration(trace: string, o: { format?: string; iodepth?: string }): Promise<CalibratedModel> {
  checkInputPath(trace);
  return calibrate(trace, { format: formatOption(o.format), iodepth: intOption('--iodepth', o.iodepth, 1) });
}

export const runCalibrate = command(async (trace: string, o: CalibrateCliOptions): Promise<number> => {
  const model = await loadCalibration(trace, o);
  if (o.output !== undefined) writeFileSync(o.output, `${JSON.stringify(model, null, 2)}\n`);
  if (o.json) writeJson(model);
  else {
    process.stdout.write(formatModel(model, o.verbose ?? false));
    if (o.output !== undefined) process.stdout.write(`\nModel written to ${o.output} (schema ${model.schema}).\n`);
  }
  return 0;
});

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description("measure the simulator's parameters in a real trace: each value with its samples; what the trace cannot show keeps its documented default")
    .argument('<trace>', 'trace file (ftrace, trace-cmd report or perf script text; .gz is detected); read twice, so not stdin')
    .option('-o, --output <file>', 'write the model (schema iopath.model/1) for `iopath whatif`')
    .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
    .option('--iodepth <n>', "fio's iodepth, when known (the trace shows it only when fio blocked with a full queue)")
    .option('--json', 'print the model as JSON instead of the summary')
    .option('--verbose', 'print every formula and reason in full')
    .action(async (trace: string, opts: CalibrateCliOptions) => {
      process.exitCode = await runCalibrate(trace, opts);
    });
}
