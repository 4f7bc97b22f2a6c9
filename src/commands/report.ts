import { basename } from 'node:path';
import { writeHtmlFile } from '../report/page.js';
import { buildReport } from '../report/build-report.js';
import { DEFAULT_TIMELINE_MS } from '../report/timeline-default.js';
import { shellQuote } from '../report/escape.js';
import { checkInputPath } from '../input/check.js';
import { CliError, command, progressLine } from './common.js';
import { formatOption, numberOption, unitOption } from './options.js';

/** `iopath report <trace> [-o reports/NAME.html]`: the self-contained HTML report (the command's definition is in report-command.ts). */

export interface ReportCliOptions {
  output?: string;
  format?: string;
  unit?: string;
  timelineMs?: string;
  strict?: boolean;
}

/** Widest timeline window `--timeline-ms` accepts: every slice in it becomes a mark in the page. */
const MAX_TIMELINE_MS = 1000;

/** reports/<trace name without .gz and .txt>.html */
export function defaultReportPath(trace: string): string {
  const stem = trace === '-' ? 'stdin' : basename(trace).replace(/\.gz$/, '').replace(/\.(txt|trace|dat|log)$/, '') || 'report';
  return `reports/${stem}.html`;
}

/** The command line that reproduces a report, printed in its header. */
export function reportCommand(trace: string, out: string, opts: ReportCliOptions): string {
  const args = ['iopath', 'report', trace, '-o', out];
  if (opts.format) args.push('--format', opts.format);
  if (opts.unit && opts.unit !== 'auto') args.push('--unit', opts.unit);
  if (opts.timelineMs) args.push('--timeline-ms', opts.timelineMs);
  if (opts.strict) args.push('--strict');
  return args.map(shellQuote).join(' ');
}

export const runReport = command(async (trace: string, opts: ReportCliOptions): Promise<number> => {
  checkInputPath(trace);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const timelineMs = opts.timelineMs === undefined ? DEFAULT_TIMELINE_MS : numberOption('--timeline-ms', opts.timelineMs, (n) => n > 0 && n <= MAX_TIMELINE_MS, `a number of ms in (0, ${MAX_TIMELINE_MS}]`);
  const out = opts.output ?? defaultReportPath(trace);
  const progress = progressLine(trace);
  const { html, analysis, stream } = await buildReport(trace, { format, unit, strict: opts.strict ?? false, timelineMs, command: reportCommand(trace, out, opts), onProgress: progress.onProgress }).finally(() =>
    progress.done(),
  );
  if (stream.events === 0) throw new CliError(`${trace}: nothing to report: none of its ${stream.read.lines} lines is a trace event${format ? ` in ${format} format` : ''}`, 'unrecognised');
  writeHtmlFile(out, html);
  const kb = Buffer.byteLength(html) / 1024;
  process.stdout.write(`iopath report: ${out} (${kb.toFixed(0)} KiB): ${analysis.ios.total} I/Os from ${trace}\n`);
  return 0;
});
