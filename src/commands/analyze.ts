import { analyzeTrace } from '../analyze/pipeline.js';
import { createFioMatcher, readFioLogs } from '../analyze/fio-logs.js';
import { createDiagnostics } from '../model/diagnostics.js';
import type { IoPath } from '../model/io.js';
import { createCsvWriter } from '../report/csv.js';
import { formatAnalysisText } from '../report/text.js';
import { checkInput, CliError, EXIT_USAGE, parseFormatOption, progressLine, writeJson } from './common.js';

export interface AnalyzeCliOptions {
  format?: string;
  unit?: string;
  json?: boolean;
  csv?: string;
  fioLog?: string;
  strict?: boolean;
}

export async function runAnalyze(path: string, opts: AnalyzeCliOptions): Promise<number> {
  checkInput(path);
  const format = parseFormatOption(opts.format);
  const unit = opts.unit ?? 'auto';
  if (unit !== 'auto' && unit !== 'dio' && unit !== 'request') throw new CliError(`--unit must be auto, dio or request (got "${unit}")`);
  const fio = opts.fioLog ? await readFioLogs(opts.fioLog, createDiagnostics(opts.fioLog)) : null;
  if (opts.fioLog && !fio) throw new CliError(`--fio-log ${opts.fioLog}: no ${opts.fioLog}_lat.1.log, _clat.1.log or _slat.1.log (optionally .gz) found`);
  const matcher = fio ? createFioMatcher(fio) : null;
  const csv = opts.csv ? createCsvWriter(opts.csv) : null;
  const onPath = csv || matcher ? (p: IoPath) => (csv?.write(p), matcher?.onPath(p)) : undefined;
  const progress = progressLine(path);
  const { analysis, stream } = await analyzeTrace(path, { format, unit, strict: opts.strict ?? false, onPath, onProgress: progress.onProgress }).finally(() => progress.done());
  await csv?.close();
  if (stream.events === 0) {
    throw new CliError(`${path}: nothing to analyze: ${stream.read.lines === 0 ? 'the input is empty' : `none of its ${stream.read.lines} lines is a trace event${format ? ` in ${format} format` : ''}`}`, EXIT_USAGE);
  }
  if (matcher) analysis.fio = matcher.result(analysis.iops);
  if (opts.json) writeJson(analysis);
  else process.stdout.write(formatAnalysisText(analysis));
  if (analysis.ios.total === 0 && !opts.json) process.stderr.write(`iopath: ${path}: no block or direct I/O events found; see "What this trace cannot tell" above\n`);
  return 0;
}
