import { createFioMatcher, readFioLogs } from '../analyze/fio-logs.js';
import { analyze } from '../index.js';
import { checkInputPath } from '../input/check.js';
import { createDiagnostics } from '../model/diagnostics.js';
import type { IoPath } from '../model/io.js';
import { createCsvWriter, type CsvWriter } from '../report/csv.js';
import { formatAnalysisText } from '../report/text.js';
import { CliError, command, progressLine, writeJson } from './common.js';
import { traceName } from '../tables/columns.js';
import { analyzeToParquet } from '../tables/trace-tables.js';
import { analyzeManyCli, type AnalyzeCliOptions } from './analyze-many.js';
export type { AnalyzeCliOptions } from './analyze-many.js';
import { formatOption, unitOption } from './options.js';

export const runAnalyze = command(async (paths: string | string[], opts: AnalyzeCliOptions): Promise<number> => {
  if (Array.isArray(paths) && paths.length > 1) return analyzeManyCli(paths, opts);
  const path = Array.isArray(paths) ? paths[0]! : paths;
  checkInputPath(path);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const fio = opts.fioLog ? await readFioLogs(opts.fioLog, createDiagnostics(opts.fioLog)) : null;
  if (opts.fioLog && !fio) throw new CliError(`--fio-log ${opts.fioLog}: no ${opts.fioLog}_lat.1.log, _clat.1.log or _slat.1.log (optionally .gz) found`);
  const matcher = fio ? createFioMatcher(fio) : null;
  // Opened at the first I/O: an input refused before any I/O leaves no file behind.
  let csv: CsvWriter | undefined;
  const toCsv = opts.csv !== undefined ? (p: IoPath) => (csv ??= createCsvWriter(opts.csv!)).write(p) : undefined;
  const onIo = toCsv || matcher ? (p: IoPath) => (toCsv?.(p), matcher?.onPath(p)) : undefined;
  const progress = progressLine(path);
  const o = { format, unit, strict: opts.strict ?? false, onIo, onProgress: progress.onProgress };
  const run = opts.parquet !== undefined ? analyzeToParquet(path, opts.parquet, traceName(path), o) : analyze(path, o);
  const analysis = await run.finally(() => progress.done());
  if (opts.csv !== undefined) await (csv ?? createCsvWriter(opts.csv)).close();
  if (matcher) analysis.fio = matcher.result(analysis.iops);
  if (opts.json) writeJson(analysis);
  else process.stdout.write(formatAnalysisText(analysis));
  if (analysis.ios.total === 0 && !opts.json) process.stderr.write(`iopath: ${path}: no block or direct I/O events found; see "What this trace cannot tell" above\n`);
  return 0;
});
