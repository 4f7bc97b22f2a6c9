import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { calibrateTrace, CalibrateError, formatModel, type CalibratedModel } from '../calibrate/index.js';
import { checkInput, CliError, parseFormatOption, writeJson } from './common.js';

/** `iopath calibrate`: option parsing and output only; the measurements live in src/calibrate. */

export interface CalibrateCliOptions {
  output?: string;
  format?: string;
  iodepth?: string;
  json?: boolean;
  verbose?: boolean;
}

export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new CliError(`${name} must be an integer ≥ 1 (got "${v}")`);
  return Number(v);
}

/** Calibrates, mapping library errors to one-line CLI errors. */
export async function loadCalibration(trace: string, o: { format?: string; iodepth?: string }): Promise<CalibratedModel> {
  if (trace === '-') throw new CliError('calibrate reads its input twice: give a file, not stdin');
  checkInput(trace);
  const format = parseFormatOption(o.format);
  try {
    return await calibrateTrace(trace, { format, iodepth: positiveInt('--iodepth', o.iodepth) });
  } catch (err) {
    if (err instanceof CalibrateError) throw new CliError(err.message);
    throw err;
  }
}

export async function runCalibrate(trace: string, o: CalibrateCliOptions): Promise<number> {
  const model = await loadCalibration(trace, o);
  if (o.output !== undefined) writeFileSync(o.output, `${JSON.stringify(model, null, 2)}\n`);
  if (o.json) writeJson(model);
  else {
    process.stdout.write(formatModel(model, o.verbose ?? false));
    if (o.output !== undefined) process.stdout.write(`\nModel written to ${o.output} (schema ${model.schema}).\n`);
  }
  return 0;
}

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
