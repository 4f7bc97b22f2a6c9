import { analyze, type AnalyzeOptions } from '../index.js';
import { checkInputPath } from '../input/check.js';
import type { Analysis } from '../model/analysis.js';
import { createDiagnostics } from '../model/diagnostics.js';
import type { IoPath } from '../model/io.js';
import type { CsvWriter } from '../report/csv.js';
import { formatAnalysisText } from '../report/text.js';
import { CliError, command, progressLine, writeJson } from './common.js';
import type { AnalyzeCliOptions } from './analyze-many.js';
export type { AnalyzeCliOptions } from './analyze-many.js';
import { formatOption, unitOption } from './options.js';

/**
 * `iopath analyze`. What only some runs need is imported when asked for, so that the analysis of a
 * small trace is not mostly module loading: several traces (the process pool), --parquet (the
 * Parquet writer), --csv and --fio-log (papaparse).
 */
export const runAnalyze = command(async (paths: string | string[], opts: AnalyzeCliOptions): Promise<number> => {
  if (Array.isArray(paths) && paths.length > 1) return (await import('./analyze-many.js')).analyzeManyCli(paths, opts);
  const path = Array.isArray(paths) ? paths[0]! : paths;
  checkInputPath(path);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const fioLogs = opts.fioLog ? await import('../analyze/fio-logs.js') : null;
  const fio = fioLogs ? await fioLogs.readFioLogs(opts.fioLog!, createDiagnostics(opts.fioLog!)) : null;
  if (opts.fioLog && !fio) throw new CliError(`--fio-log ${opts.fioLog}: no ${opts.fioLog}_lat.1.log, _clat.1.log or _slat.1.log (optionally .gz) found`);
  const matcher = fio && fioLogs ? fioLogs.createFioMatcher(fio) : null;
  const createCsvWriter = opts.csv !== undefined ? (await import('../report/csv.js')).createCsvWriter : undefined;
  // Opened at the first I/O: an input refused before any I/O leaves no file behind.
  let csv: CsvWriter | undefined;
  const toCsv = createCsvWriter ? (p: IoPath) => (csv ??= createCsvWriter(opts.csv!)).write(p) : undefined;
  const onIo = toCsv || matcher ? (p: IoPath) => (toCsv?.(p), matcher?.onPath(p)) : undefined;
  const progress = progressLine(path);
  const o = { format, unit, strict: opts.strict ?? false, onIo, onProgress: progress.onProgress };
  const run = opts.parquet !== undefined ? parquetRun(path, opts.parquet, o) : analyze(path, o);
  const analysis = await run.finally(() => progress.done());
  if (createCsvWriter) await (csv ?? createCsvWriter(opts.csv!)).close();
  if (matcher) analysis.fio = matcher.result(analysis.iops);
  if (opts.json) writeJson(analysis);
  else process.stdout.write(formatAnalysisText(analysis));
  if (analysis.ios.total === 0 && !opts.json) process.stderr.write(`iopath: ${path}: no block or direct I/O events found; see "What this trace cannot tell" above\n`);
  return 0;
});

/** `--parquet DIR`: the analysis with its tables written beside it (src/tables). */
async function parquetRun(path: string, dir: string, o: AnalyzeOptions): Promise<Analysis> {
  const [{ traceName }, { analyzeToParquet }] = await Promise.all([import('../tables/columns.js'), import('../tables/trace-tables.js')]);
  return analyzeToParquet(path, dir, traceName(path), o);
}
