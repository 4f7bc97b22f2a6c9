import { writeFileSync } from 'node:fs';
import { formatModel, type CalibratedModel } from '../calibrate/index.js';
import { calibrate } from '../index.js';
import { checkInputPath } from '../input/check.js';
import { command, writeJson } from './common.js';
import { formatOption, intOption } from './options.js';

/** `iopath calibrate`: option parsing and output only; the measurements live in src/calibrate, the command's definition in calibrate-command.ts. */

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
