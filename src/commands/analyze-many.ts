import { checkInputPath } from '../input/check.js';
import { fleetSummary, formatFleetText } from '../tables/fleet.js';
import { uniqueNames } from '../tables/inputs.js';
import { analyzeMany } from '../tables/pool.js';
import { CliError, writeJson } from './common.js';
import { formatOption, unitOption } from './options.js';

/** `iopath analyze`'s options (defined here, beside the many-trace path, so analyze.ts imports this file and not the other way). */
export interface AnalyzeCliOptions {
  format?: string;
  unit?: string;
  json?: boolean;
  csv?: string;
  fioLog?: string;
  strict?: boolean;
  parquet?: string;
}

/** `iopath analyze A B C… [--parquet DIR]`: the traces on all cores (tables/pool.ts), then one fleet summary. */
export async function analyzeManyCli(paths: string[], opts: AnalyzeCliOptions): Promise<number> {
  if (opts.csv !== undefined || opts.fioLog !== undefined) throw new CliError('--csv and --fio-log take one trace; with several, write --parquet DIR');
  if (paths.includes('-')) throw new CliError('several inputs are read by several processes: give files, not stdin');
  for (const p of paths) checkInputPath(p);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const names = uniqueNames(paths);
  const analyses = await analyzeMany(paths.map((path, i) => ({ path, trace: names[i]!, parquet: opts.parquet, format, unit, strict: opts.strict ?? false })));
  const fleet = fleetSummary(analyses.map((analysis, i) => ({ trace: names[i]!, analysis })));
  if (opts.json) writeJson(fleet);
  else process.stdout.write(formatFleetText(fleet));
  return 0;
}
